package io.mlsys.predictionlog;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The {@link PredictionLog}: an {@link ArrayBlockingQueue} the request threads {@code offer} to,
 * bounded in events ({@code buffer-capacity}) and in bytes ({@code buffer-bytes}, the calls'
 * tensors: {@link EventSizes}), and one writer thread that turns calls into events and hands
 * batches to each {@link SinkChannel}.
 */
final class BufferedPredictionLog implements PredictionLog {
  private static final Logger LOG = Logger.getLogger(BufferedPredictionLog.class.getName());

  /** How long closing waits for a sink whose journal is full before it drops the rest. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private record Flush(CountDownLatch done) {}

  /** A call in the buffer with the bytes it was counted as. */
  private record Buffered(PredictionCall call, long bytes) {}

  private enum Stop {
    INSTANCE
  }

  private final ArrayBlockingQueue<Object> buffer;
  private final long maxBufferedBytes;
  private final AtomicLong bufferedBytes = new AtomicLong();
  private final List<SinkChannel> channels;
  private final EventFactory events;
  // Makes the events of calls that found the buffer full, on the callers' threads, one at a time.
  private final EventFactory overflowEvents;
  private final PredictionLogMetrics metrics;
  private final int batchSize;
  private final Thread writer;
  private volatile boolean enabled;
  private volatile boolean closed;
  private volatile long giveUpAtNanos;

  private BufferedPredictionLog(
      List<SinkChannel> channels,
      RandomGenerator random,
      PredictionLogMetrics metrics,
      boolean enabled,
      int bufferCapacity,
      long bufferBytes,
      int batchSize) {
    this.buffer = new ArrayBlockingQueue<>(bufferCapacity);
    this.maxBufferedBytes = bufferBytes;
    this.channels = channels;
    this.events = new EventFactory(random);
    // Its own generator, seeded from the injected one: the writer's is not shared across threads.
    this.overflowEvents =
        new EventFactory(RandomGeneratorFactory.of("L64X128MixRandom").create(random.nextLong()));
    this.metrics = metrics;
    this.enabled = enabled;
    this.batchSize = batchSize;
    this.writer = Thread.ofPlatform().name("prediction-log-writer").daemon().unstarted(this::run);
  }

  static BufferedPredictionLog start(
      List<EventSink> sinks,
      Path journalDir,
      Clock clock,
      RandomGenerator random,
      MeterRegistry registry,
      boolean enabled,
      int bufferCapacity,
      long bufferBytes,
      int batchSize,
      long journalMaxBytes,
      Duration retryInterval,
      int sinkQueueCapacity) {
    PredictionLogMetrics metrics = new PredictionLogMetrics(registry);
    Journal.Budget budget = new Journal.Budget(journalMaxBytes);
    List<SinkChannel> channels = new ArrayList<>();
    for (EventSink sink : sinks) {
      channels.add(
          new SinkChannel(
              sink,
              new Journal(journalDir.resolve(sink.name()), budget, clock),
              clock,
              retryInterval,
              metrics,
              sinkQueueCapacity,
              bufferBytes,
              4 * batchSize));
    }
    BufferedPredictionLog log =
        new BufferedPredictionLog(
            List.copyOf(channels),
            random,
            metrics,
            enabled,
            bufferCapacity,
            bufferBytes,
            batchSize);
    Gauge.builder("mlsys.prediction.log.buffer", log.buffer, ArrayBlockingQueue::size)
        .description("Prediction events waiting in memory for the writer")
        .baseUnit("events")
        .register(registry);
    Gauge.builder("mlsys.prediction.log.buffer.size", log.bufferedBytes, AtomicLong::get)
        .description(
            "Estimated bytes of the prediction events waiting in memory for the writer (their"
                + " tensors)")
        .baseUnit("bytes")
        .register(registry);
    for (SinkChannel channel : channels) {
      Gauge.builder("mlsys.prediction.log.sink.queue.size", channel, SinkChannel::queuedBytes)
          .description(
              "Estimated bytes of the prediction events waiting in memory for a sink (their JSON)")
          .tag("sink", channel.sink().name())
          .baseUnit("bytes")
          .register(registry);
    }
    Gauge.builder("mlsys.prediction.log.journal", budget, Journal.Budget::used)
        .description("Bytes in the prediction log's disk journals (events a sink has not taken)")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("mlsys.prediction.log.replay.lag", log, BufferedPredictionLog::replayLagSeconds)
        .description("Age of the oldest journaled prediction event batch not yet replayed")
        .baseUnit("seconds")
        .register(registry);
    channels.forEach(SinkChannel::start);
    log.writer.start();
    return log;
  }

  private double replayLagSeconds() {
    return channels.stream().mapToDouble(SinkChannel::replayLagSeconds).max().orElse(0);
  }

  @Override
  public void record(PredictionCall call) {
    if (!enabled) {
      return;
    }
    if (closed) {
      metrics.dropped(PredictionLogMetrics.CLOSED, 1);
      return;
    }
    long bytes = EventSizes.of(call);
    long held = bufferedBytes.addAndGet(bytes);
    // One event bigger than the whole bound still goes in when the buffer holds nothing else.
    if ((held > maxBufferedBytes && held != bytes) || !buffer.offer(new Buffered(call, bytes))) {
      bufferedBytes.addAndGet(-bytes);
      overflow(call);
    }
  }

  /**
   * The buffer is full: the writer cannot keep up with the callers, or it waits for a journal with
   * no room. The caller makes its event itself and hands it to every sink, whose memory queue or
   * journal takes it; only a journal without room drops it ({@code journal-full}). This costs the
   * caller the event's JSON and, when the sink is behind, a share of one journal write; dropping
   * would lose an event while the disk still has room.
   */
  private void overflow(PredictionCall call) {
    metrics.overflowed();
    PredictionEvent event;
    try {
      synchronized (overflowEvents) {
        event = overflowEvents.event(call);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "prediction log: cannot make an event", e);
      metrics.dropped(PredictionLogMetrics.UNREADABLE, 1);
      return;
    }
    for (SinkChannel channel : channels) {
      try {
        channel.acceptOverflow(event);
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "prediction log: handing an event to " + channel.sink().name(), e);
        metrics.dropped(PredictionLogMetrics.UNREADABLE, 1);
      }
    }
  }

  @Override
  public boolean isEnabled() {
    return enabled;
  }

  @Override
  public void setEnabled(boolean newEnabled) {
    if (enabled != newEnabled) {
      LOG.info("prediction log: " + (newEnabled ? "on" : "off"));
    }
    enabled = newEnabled;
  }

  @Override
  public void flush() throws InterruptedException {
    if (closed) {
      return;
    }
    Flush flush = new Flush(new CountDownLatch(1));
    buffer.put(flush);
    flush.done().await();
  }

  @Override
  public long deleteSubject(String key, String value) throws InterruptedException {
    flush();
    long deleted = 0;
    boolean supported = false;
    for (SinkChannel channel : channels) {
      long count = channel.sink().deleteSubject(key, value);
      if (count >= 0) {
        supported = true;
        deleted += count;
      }
    }
    if (!supported) {
      throw new UnsupportedOperationException(
          "prediction log: no sink deletes by subject (expected: prediction-log.store with"
              + " subject-field)");
    }
    return deleted;
  }

  @Override
  public long recordFeedback(List<Feedback> feedback) {
    long stored = 0;
    boolean supported = false;
    for (SinkChannel channel : channels) {
      long count;
      try {
        count = channel.sink().writeFeedback(feedback);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(
            "prediction log: sink " + channel.sink().name() + " cannot store feedback", e);
      }
      if (count >= 0) {
        supported = true;
        stored += count;
      }
    }
    if (!supported) {
      throw new UnsupportedOperationException(
          "prediction log: no sink keeps feedback (expected: prediction-log.store.enabled: true)");
    }
    return stored;
  }

  @Override
  public void readEvents(EventQuery query, Consumer<PredictionEvent> each)
      throws InterruptedException {
    flush();
    for (SinkChannel channel : channels) {
      boolean read;
      try {
        read = channel.sink().readEvents(query, each);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(
            "prediction log: sink " + channel.sink().name() + " cannot be read", e);
      }
      if (read) {
        return;
      }
    }
    throw new UnsupportedOperationException(
        "prediction log: no sink reads events back (expected: prediction-log.store.enabled: true)");
  }

  @Override
  public List<Feedback> readFeedback(
      String modelName, Feedback.Kind kind, Instant from, int limit) {
    for (SinkChannel channel : channels) {
      List<Feedback> found = channel.sink().readFeedback(modelName, kind, from, limit);
      if (found != null) {
        return found;
      }
    }
    throw new UnsupportedOperationException(
        "prediction log: no sink keeps feedback (expected: prediction-log.store.enabled: true)");
  }

  private void run() {
    List<Object> drained = new ArrayList<>(batchSize);
    try {
      while (true) {
        drained.add(buffer.take());
        buffer.drainTo(drained, batchSize - 1);
        List<PredictionEvent> batch = new ArrayList<>(drained.size());
        boolean stop = false;
        for (Object item : drained) {
          switch (item) {
            case Buffered buffered -> {
              try {
                batch.add(events.event(buffered.call()));
              } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "prediction log: cannot make an event", e);
                metrics.dropped(PredictionLogMetrics.UNREADABLE, 1);
              } finally {
                // From here the event counts in the sinks' queues (or is on disk).
                bufferedBytes.addAndGet(-buffered.bytes());
              }
            }
            case Flush flush -> {
              deliver(batch);
              batch = new ArrayList<>();
              List<CountDownLatch> done = new ArrayList<>();
              channels.forEach(channel -> done.add(channel.flush()));
              for (CountDownLatch latch : done) {
                latch.await();
              }
              flush.done().countDown();
            }
            case Stop ignored -> stop = true;
            default -> throw new AssertionError(item);
          }
        }
        deliver(batch);
        drained.clear();
        if (stop) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void deliver(List<PredictionEvent> batch) throws InterruptedException {
    if (batch.isEmpty()) {
      return;
    }
    List<PredictionEvent> shared = List.copyOf(batch);
    for (SinkChannel channel : channels) {
      try {
        channel.accept(shared, () -> closed && System.nanoTime() - giveUpAtNanos > 0);
      } catch (RuntimeException e) {
        // A bug must not end the writer: flush() and close() wait for it.
        LOG.log(Level.SEVERE, "prediction log: handing a batch to " + channel.sink().name(), e);
        metrics.dropped(PredictionLogMetrics.UNREADABLE, shared.size());
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    giveUpAtNanos = System.nanoTime() + CLOSE_WAIT.toNanos();
    closed = true;
    try {
      buffer.put(Stop.INSTANCE);
      if (!writer.join(CLOSE_WAIT.plusSeconds(5))) {
        LOG.warning("prediction log: the writer did not finish; buffered events are lost");
      }
      for (SinkChannel channel : channels) {
        channel.stop(CLOSE_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      for (SinkChannel channel : channels) {
        try {
          channel.sink().close();
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "prediction log: closing sink " + channel.sink().name(), e);
        }
      }
    }
  }
}
