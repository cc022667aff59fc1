package io.mlsys.predictionlog;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One sink behind its own thread, so that a slow sink holds up neither the request threads nor the
 * other sinks. The writer hands it batches; while the sink keeps up they wait in a queue in memory
 * (joined into bigger writes when several wait). When the queue is full (the sink is slow) or the
 * sink failed, batches go to the sink's {@link Journal} instead, and the thread replays the
 * journal, oldest first, once the sink takes writes again.
 *
 * <p>Order: a batch enters the memory queue only while the journal is empty, and a failed batch is
 * put in front of the journal together with every batch still queued, all under one lock; so the
 * queue never holds anything newer than the journal, and the thread sends the queue first, then the
 * journal, in the order the events were handed over (events of callers that found the log's buffer
 * full are handed over ahead of older ones still in it).
 */
final class SinkChannel {

  private static final Logger LOG = Logger.getLogger(SinkChannel.class.getName());
  private static final long IDLE_WAIT_MILLIS = 1000;
  private static final long BUDGET_WAIT_MILLIS = 100;
  private static final Duration MAINTENANCE_PERIOD = Duration.ofMinutes(1);

  /** Asks the thread to replay the whole journal now, ignoring the retry interval. */
  private record Flush(CountDownLatch done) {}

  private final EventSink sink;
  private final Journal journal;
  private final Clock clock;
  private final Duration retryInterval;
  private final PredictionLogMetrics metrics;
  // Events that may wait in memory for the sink before batches go to the journal: a sink that is
  // slower only for a moment (a flush, a checkpoint) is not spilled.
  private final int queueCapacity;
  // The same bound in bytes (EventSizes): a few large events (OCR images) spill as early as many
  // small ones.
  private final long queueBytes;
  // The most events one write to the sink takes: queued batches are joined up to this.
  private final int maxWriteEvents;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock: batches (List<PredictionEvent>) and Flush requests, oldest first.
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  // Events callers hand over past the writer (acceptOverflow), until one of them holds the lock.
  private final ConcurrentLinkedQueue<PredictionEvent> overflow = new ConcurrentLinkedQueue<>();
  private int queuedEvents;
  private long queuedBytes;
  private Instant retryAt = Instant.MIN;
  private Instant maintainAt;
  private boolean stopping;
  // Only the channel's thread reads and writes it: one warning per outage, one line when it ends.
  private boolean down;
  private final Thread thread;

  SinkChannel(
      EventSink sink,
      Journal journal,
      Clock clock,
      Duration retryInterval,
      PredictionLogMetrics metrics,
      int queueCapacity,
      long queueBytes,
      int maxWriteEvents) {
    this.sink = sink;
    this.queueCapacity = queueCapacity;
    this.queueBytes = queueBytes;
    this.maxWriteEvents = maxWriteEvents;
    this.journal = journal;
    this.clock = clock;
    this.retryInterval = retryInterval;
    this.metrics = metrics;
    this.maintainAt = clock.instant();
    this.thread =
        Thread.ofPlatform().name("prediction-log-" + sink.name()).daemon().unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  EventSink sink() {
    return sink;
  }

  /**
   * Takes a batch from the writer (or the callers): into the memory queue, else into the journal.
   * When the journal's budget has no room, waits for the sink to catch up (so the writer stops
   * draining the buffer and the buffer, not the journal, overflows) unless {@code giveUp} says to
   * drop the batch.
   */
  void accept(List<PredictionEvent> batch, BooleanSupplier giveUp) throws InterruptedException {
    if (batch.isEmpty()) {
      return;
    }
    List<String> lines = null;
    long bytes = EventSizes.of(batch);
    lock.lock();
    try {
      while (true) {
        if (journal.isEmpty()
            && (queuedEvents == 0
                || (queuedEvents + batch.size() <= queueCapacity
                    && queuedBytes + bytes <= queueBytes))) {
          queue.add(batch);
          queuedEvents += batch.size();
          queuedBytes += bytes;
          changed.signalAll();
          return;
        }
        if (lines == null) {
          lines = batch.stream().map(PredictionEvent::toJson).toList();
        }
        long written;
        try {
          written = journal.append(lines);
        } catch (UncheckedIOException e) {
          LOG.log(Level.WARNING, "prediction log: journal of sink " + sink.name() + " failed", e);
          metrics.dropped(PredictionLogMetrics.JOURNAL_ERROR, batch.size());
          return;
        }
        if (written > 0) {
          metrics.spilled(written);
          changed.signalAll();
          return;
        }
        if (giveUp.getAsBoolean()) {
          metrics.dropped(PredictionLogMetrics.JOURNAL_FULL, batch.size());
          return;
        }
        changed.await(BUDGET_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes an event from a caller that found the writer's buffer full, without waiting for room: a
   * journal whose budget is spent drops it ({@code journal-full}). Callers that queue for the lock
   * meanwhile leave their events in {@link #overflow}, and whoever holds the lock next hands all of
   * them over in one batch (one journal write when the sink is behind).
   */
  void acceptOverflow(PredictionEvent event) {
    overflow.add(event);
    lock.lock();
    try {
      List<PredictionEvent> batch = new ArrayList<>();
      for (PredictionEvent next; (next = overflow.poll()) != null; ) {
        batch.add(next);
      }
      accept(batch, () -> true);
    } catch (InterruptedException e) {
      // accept waits only when it may not give up, which it always may here.
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Asks for every batch handed over so far to be sent, and the journal replayed, now; the latch
   * opens when done or when the sink failed again.
   */
  CountDownLatch flush() {
    CountDownLatch done = new CountDownLatch(1);
    lock.lock();
    try {
      queue.add(new Flush(done));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    return done;
  }

  /** Sends what is queued (spilling it if the sink fails), then ends the thread. */
  void stop(Duration wait) throws InterruptedException {
    lock.lock();
    try {
      stopping = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (!thread.join(wait)) {
      LOG.warning(
          "prediction log: sink "
              + sink.name()
              + " did not finish within "
              + wait
              + "; its queued events are lost unless they were journaled");
    }
  }

  /** Estimated bytes of the events waiting in memory for the sink. */
  long queuedBytes() {
    lock.lock();
    try {
      return queuedBytes;
    } finally {
      lock.unlock();
    }
  }

  long journalBytes() {
    lock.lock();
    try {
      return journal.bytes();
    } finally {
      lock.unlock();
    }
  }

  /** Seconds since the oldest journaled batch was spilled; 0 when the journal is empty. */
  double replayLagSeconds() {
    lock.lock();
    try {
      Instant oldest = journal.oldest();
      return oldest == null
          ? 0
          : Math.max(0, Duration.between(oldest, clock.instant()).toNanos() / 1e9);
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    try {
      while (true) {
        Object item = next();
        if (item == null) {
          return;
        }
        switch (item) {
          case Flush flush -> {
            replayAll();
            flush.done().countDown();
          }
          case Maintain ignored -> maintain();
          case Replay ignored -> replayOne();
          default -> {
            @SuppressWarnings("unchecked")
            List<PredictionEvent> batch = (List<PredictionEvent>) item;
            deliver(batch);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private enum Replay {
    INSTANCE
  }

  private enum Maintain {
    INSTANCE
  }

  /** The next thing to do; null when stopping with nothing queued. */
  private Object next() throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        Object item = queue.poll();
        if (item != null) {
          if (item instanceof List<?> first) {
            taken(first);
            return joined(first);
          }
          return item;
        }
        Instant now = clock.instant();
        if (!journal.isEmpty() && !now.isBefore(retryAt)) {
          return Replay.INSTANCE;
        }
        if (stopping) {
          return null;
        }
        if (!now.isBefore(maintainAt)) {
          maintainAt = now.plus(MAINTENANCE_PERIOD);
          return Maintain.INSTANCE;
        }
        // Wakes on a new batch or flush; otherwise now and then for retries and maintenance.
        changed.await(
            journal.isEmpty() ? IDLE_WAIT_MILLIS : Math.max(1, retryInterval.toMillis()),
            TimeUnit.MILLISECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The batch with the batches queued right behind it, up to one write's worth. Under lock. */
  @SuppressWarnings("unchecked")
  private List<PredictionEvent> joined(List<?> first) {
    if (!(queue.peek() instanceof List<?> next) || first.size() + next.size() > maxWriteEvents) {
      return (List<PredictionEvent>) first;
    }
    List<PredictionEvent> all = new ArrayList<>((List<PredictionEvent>) first);
    while (queue.peek() instanceof List<?> more && all.size() + more.size() <= maxWriteEvents) {
      queue.poll();
      taken(more);
      all.addAll((List<PredictionEvent>) more);
    }
    return all;
  }

  /** A batch left the queue. Under lock. */
  @SuppressWarnings("unchecked")
  private void taken(List<?> batch) {
    queuedEvents -= batch.size();
    queuedBytes -= EventSizes.of((List<PredictionEvent>) batch);
  }

  private void deliver(List<PredictionEvent> batch) {
    try {
      sink.write(batch);
      metrics.written(sink.name(), batch.size());
      recovered();
    } catch (Exception e) {
      failed(e);
      spill(batch);
    }
  }

  /** Puts the failed batch and every queued batch in front of the journal, in order. */
  private void spill(List<PredictionEvent> failed) {
    lock.lock();
    try {
      List<String> lines = new ArrayList<>();
      int events = failed.size();
      failed.forEach(event -> lines.add(event.toJson()));
      ArrayDeque<Object> flushes = new ArrayDeque<>();
      for (Object item; (item = queue.poll()) != null; ) {
        if (item instanceof List<?> queued) {
          for (Object event : queued) {
            lines.add(((PredictionEvent) event).toJson());
          }
          events += queued.size();
        } else {
          flushes.add(item);
        }
      }
      queuedEvents = 0;
      queuedBytes = 0;
      queue.addAll(flushes);
      try {
        metrics.spilled(journal.prepend(lines));
      } catch (UncheckedIOException e) {
        LOG.log(Level.WARNING, "prediction log: journal of sink " + sink.name() + " failed", e);
        metrics.dropped(PredictionLogMetrics.JOURNAL_ERROR, events);
      }
      retryAt = clock.instant().plus(retryInterval);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Sends the oldest journal segment; false when the sink failed (the segment stays). */
  private boolean replayOne() {
    Journal.Segment segment;
    lock.lock();
    try {
      segment = journal.takeOldest();
    } finally {
      lock.unlock();
    }
    if (segment == null) {
      return true;
    }
    List<PredictionEvent> events = new ArrayList<>();
    List<String> lines;
    try {
      lines = Journal.read(segment);
    } catch (UncheckedIOException e) {
      failed(e);
      return false;
    }
    for (String line : lines) {
      try {
        events.add(PredictionEvent.fromJson(line));
      } catch (IllegalArgumentException e) {
        // A line torn by a crash while it was written.
        metrics.dropped(PredictionLogMetrics.UNREADABLE, 1);
      }
    }
    try {
      if (!events.isEmpty()) {
        sink.write(events);
        metrics.written(sink.name(), events.size());
      }
      recovered();
    } catch (Exception e) {
      failed(e);
      return false;
    }
    lock.lock();
    try {
      journal.remove(segment);
      changed.signalAll();
    } catch (UncheckedIOException e) {
      // Delivered but not deleted: it would be sent again, which the sink tolerates.
      LOG.log(Level.WARNING, "prediction log: cannot delete " + segment.file, e);
    } finally {
      lock.unlock();
    }
    return true;
  }

  private void replayAll() {
    while (true) {
      boolean empty;
      lock.lock();
      try {
        empty = journal.isEmpty();
      } finally {
        lock.unlock();
      }
      if (empty || !replayOne()) {
        return;
      }
    }
  }

  private void maintain() {
    try {
      sink.maintain(clock.instant());
    } catch (Exception e) {
      LOG.log(Level.WARNING, "prediction log: maintenance of sink " + sink.name() + " failed", e);
    }
  }

  private void failed(Exception e) {
    metrics.sinkFailed(sink.name());
    lock.lock();
    try {
      retryAt = clock.instant().plus(retryInterval);
    } finally {
      lock.unlock();
    }
    if (!down) {
      down = true;
      LOG.log(
          Level.WARNING,
          "prediction log: sink "
              + sink.name()
              + " failed ("
              + e
              + "); its events wait in the journal and are retried every "
              + retryInterval
              + " (further failures are counted in mlsys_prediction_log_sink_failures_total)",
          e);
    }
  }

  private void recovered() {
    if (down) {
      down = false;
      LOG.info("prediction log: sink " + sink.name() + " takes writes again");
    }
  }
}
