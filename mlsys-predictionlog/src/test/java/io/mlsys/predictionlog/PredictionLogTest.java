package io.mlsys.predictionlog;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

// The timeout only stops a hung test; no assertion depends on time (the clock is manual and a
// failed sink is retried only by flush()).
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PredictionLogTest {
  private final ManualClock clock = ManualClock.startingAt("2026-12-07T10:00:00Z");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<PredictionLog> logs = new ArrayList<>();

  @TempDir Path dir;

  @AfterEach
  void closeLogs() {
    logs.forEach(PredictionLog::close);
  }

  private PredictionLog.Builder builder(EventSink... sinks) {
    PredictionLog.Builder builder =
        PredictionLog.builder(dir.resolve("journal"))
            .clock(clock)
            .random(new Random(7))
            .meterRegistry(registry)
            .batchSize(16);
    for (EventSink sink : sinks) {
      builder.sink(sink);
    }
    return builder;
  }

  private PredictionLog open(PredictionLog.Builder builder) {
    PredictionLog log = builder.build();
    logs.add(log);
    return log;
  }

  private static List<String> requestIds(List<PredictionEvent> events) {
    return events.stream().map(PredictionEvent::requestId).toList();
  }

  private static List<String> expectedIds(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "r" + i).toList();
  }

  private void recordRange(PredictionLog log, int from, int to) {
    for (int i = from; i < to; i++) {
      log.record(Calls.call("r" + i, clock.instant()));
      clock.advance(Duration.ofMillis(1));
    }
  }

  private double counter(String name, String tag, String value) {
    var found = registry.find(name).tag(tag, value).counter();
    return found == null ? 0 : found.count();
  }

  @Test
  void everySinkGetsEveryEventInOrder() throws InterruptedException {
    RecordingSink a = new RecordingSink("a");
    RecordingSink b = new RecordingSink("b");
    PredictionLog log = open(builder(a, b));

    recordRange(log, 0, 500);
    log.flush();

    assertThat(requestIds(a.received())).isEqualTo(expectedIds(0, 500));
    assertThat(b.received()).isEqualTo(a.received());
    assertThat(a.received()).extracting(PredictionEvent::eventId).doesNotHaveDuplicates();
    assertThat(counter("mlsys.prediction.log.events.written", "sink", "a")).isEqualTo(500);
  }

  @Test
  void aSinkThatIsDownGetsItsEventsFromTheJournalInOrderWhenItIsBack() throws InterruptedException {
    RecordingSink healthy = new RecordingSink("healthy");
    RecordingSink flaky = new RecordingSink("flaky");
    flaky.down(true);
    PredictionLog log = open(builder(healthy, flaky));

    recordRange(log, 0, 300);
    log.flush();
    // The healthy sink is not held up by the other one; the other one's events wait on disk.
    assertThat(requestIds(healthy.received())).isEqualTo(expectedIds(0, 300));
    assertThat(flaky.received()).isEmpty();
    assertThat(flaky.failures()).isPositive();
    assertThat(registry.get("mlsys.prediction.log.journal").gauge().value()).isPositive();
    assertThat(registry.get("mlsys.prediction.log.spilled").counter().count()).isPositive();
    clock.advance(Duration.ofSeconds(30));
    assertThat(registry.get("mlsys.prediction.log.replay.lag").gauge().value())
        .isGreaterThanOrEqualTo(30);

    // More events while it is down go behind the journaled ones.
    recordRange(log, 300, 400);
    log.flush();
    flaky.down(false);
    recordRange(log, 400, 450);
    log.flush();

    assertThat(requestIds(flaky.received())).isEqualTo(expectedIds(0, 450));
    assertThat(flaky.received()).isEqualTo(healthy.received());
    assertThat(registry.get("mlsys.prediction.log.journal").gauge().value()).isZero();
    assertThat(registry.get("mlsys.prediction.log.replay.lag").gauge().value()).isZero();
    assertThat(registry.find("mlsys.prediction.log.dropped").counters()).isEmpty();
  }

  @Test
  void whatADownSinkDidNotTakeIsDeliveredAfterARestart() throws InterruptedException {
    RecordingSink down = new RecordingSink("store");
    down.down(true);
    PredictionLog first = builder(down).build();
    recordRange(first, 0, 100);
    first.close();
    assertThat(down.isClosed()).isTrue();

    RecordingSink back = new RecordingSink("store");
    // Another process: another seed for its event ids.
    PredictionLog second = open(builder(back).random(new Random(8)));
    recordRange(second, 100, 120);
    second.flush();

    assertThat(requestIds(back.received())).isEqualTo(expectedIds(0, 120));
    assertThat(back.received()).extracting(PredictionEvent::eventId).doesNotHaveDuplicates();
  }

  @Test
  void aLineTornByACrashIsSkippedAndCountedTheRestIsReplayed() throws Exception {
    RecordingSink down = new RecordingSink("store");
    down.down(true);
    PredictionLog first = builder(down).build();
    recordRange(first, 0, 10);
    first.close();
    // The process died while it appended: half a line at the end of the newest segment.
    Path journal = dir.resolve("journal/store");
    Path newest;
    try (var files = java.nio.file.Files.list(journal)) {
      newest = files.sorted().toList().getLast();
    }
    java.nio.file.Files.writeString(
        newest,
        "{\"schema_version\":1,\"event_id\":\"torn",
        java.nio.file.StandardOpenOption.APPEND);

    RecordingSink back = new RecordingSink("store");
    PredictionLog second = open(builder(back).random(new Random(9)));
    second.flush();

    assertThat(requestIds(back.received())).isEqualTo(expectedIds(0, 10));
    assertThat(counter("mlsys.prediction.log.dropped", "reason", "unreadable")).isEqualTo(1);
  }

  @Test
  void eventsAreDroppedAndCountedOnlyWhenTheJournalIsFull() throws InterruptedException {
    RecordingSink slow = new RecordingSink("slow");
    slow.hold();
    // No disk budget: once the sink's queue is full the writer waits, the buffer fills, and the
    // callers' own events find no room either.
    PredictionLog log = open(builder(slow).journalMaxBytes(0).bufferCapacity(8).batchSize(1));

    recordRange(log, 0, 200);
    double dropped = counter("mlsys.prediction.log.dropped", "reason", "journal-full");
    assertThat(dropped).isPositive();
    assertThat(registry.find("mlsys.prediction.log.dropped").counters()).hasSize(1);

    slow.release();
    log.flush();
    // Every event is either delivered once or counted as dropped.
    List<String> received = requestIds(slow.received());
    assertThat(received).doesNotHaveDuplicates().isSubsetOf(expectedIds(0, 200));
    assertThat(received.size() + dropped).isEqualTo(200);
    assertThat(registry.get("mlsys.prediction.log.buffer").gauge().value()).isZero();
  }

  @Test
  void callersSpillTheirOwnEventsWhenTheWriterCannotKeepUp() throws Exception {
    RecordingSink slow = new RecordingSink("slow");
    slow.hold();
    PredictionLog log = open(builder(slow).bufferCapacity(8).batchSize(1).sinkQueueCapacity(4));
    recordRange(log, 0, 1);
    // The writer hands the flush to the sink and waits for it, which waits for the held write:
    // from then on nothing drains the buffer.
    Thread flusher =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    log.flush();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    while (flusher.getState() != Thread.State.WAITING
        || registry.get("mlsys.prediction.log.buffer").gauge().value() > 0) {
      Thread.onSpinWait();
    }

    recordRange(log, 1, 201);
    // The buffer holds 8; the rest were made by their callers and went to the sink's queue or,
    // beyond it, to the journal.
    assertThat(registry.get("mlsys.prediction.log.overflowed").counter().count()).isEqualTo(192);
    assertThat(registry.get("mlsys.prediction.log.spilled").counter().count()).isPositive();

    slow.release();
    flusher.join();
    log.flush();
    assertThat(requestIds(slow.received()))
        .containsExactlyInAnyOrderElementsOf(expectedIds(0, 201));
    assertThat(registry.find("mlsys.prediction.log.dropped").counters()).isEmpty();
  }

  @Test
  void aSlowSinkLosesNothingAndKeepsTheOrder() throws InterruptedException {
    RecordingSink slow = new RecordingSink("slow");
    slow.hold();
    // Room in the buffer for every event, a sink queue of 8: while the sink holds its first write,
    // what the writer hands over beyond the queue goes to the journal, replayed after the queue.
    PredictionLog log = open(builder(slow).bufferCapacity(256).batchSize(4).sinkQueueCapacity(8));

    recordRange(log, 0, 200);
    slow.release();
    log.flush();

    assertThat(requestIds(slow.received())).isEqualTo(expectedIds(0, 200));
    assertThat(registry.find("mlsys.prediction.log.dropped").counters()).isEmpty();
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  /** Waits (bounded) for the writer thread to have handed every buffered event on. */
  private void awaitBufferEmpty() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (gauge("mlsys.prediction.log.buffer") > 0
        || gauge("mlsys.prediction.log.buffer.size") > 0) {
      assertThat(System.nanoTime() - deadline).as("the buffer emptied within 30 s").isNegative();
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  @Test
  void largeEventsGoToTheJournalOnceTheSinkQueueHoldsBufferBytesAndNoneIsLost()
      throws InterruptedException {
    RecordingSink slow = new RecordingSink("slow");
    slow.hold();
    // About 1 MB of tensors per event (2.5 MB of JSON): 40 events are far below the 10,000-event
    // bound, but the 4 MiB byte bound keeps only a few in the sink's queue; the rest wait on disk.
    // Recorded one at a time, so that the buffer (bounded too) never refuses one.
    long bound = 4L * 1024 * 1024;
    PredictionLog log = open(builder(slow).bufferBytes(bound).batchSize(1));
    for (int i = 0; i < 40; i++) {
      log.record(Calls.large("r" + i, clock.instant(), 265_000));
      clock.advance(Duration.ofMillis(1));
      awaitBufferEmpty();
    }

    double inMemory = gauge("mlsys.prediction.log.sink.queue.size", "sink", "slow");
    assertThat(inMemory).isPositive().isLessThanOrEqualTo(bound);
    assertThat(registry.get("mlsys.prediction.log.spilled").counter().count())
        .isGreaterThan(30 * 1_000_000.0);
    assertThat(gauge("mlsys.prediction.log.buffer.size")).isZero();

    slow.release();
    log.flush();
    assertThat(requestIds(slow.received())).isEqualTo(expectedIds(0, 40));
    assertThat(registry.find("mlsys.prediction.log.dropped").counters()).isEmpty();
    assertThat(gauge("mlsys.prediction.log.sink.queue.size", "sink", "slow")).isZero();
  }

  @Test
  void theBufferHoldsAtMostBufferBytesOfLargeEventsAndCountsWhatItRefuses()
      throws InterruptedException {
    RecordingSink slow = new RecordingSink("slow");
    slow.hold();
    // No disk budget and a sink queue of one event: the writer soon waits, and the buffer fills
    // by bytes long before its 10,000 events.
    long bound = 4L * 1024 * 1024;
    PredictionLog log =
        open(builder(slow).journalMaxBytes(0).bufferBytes(bound).sinkQueueCapacity(1).batchSize(1));
    double peak = 0;
    for (int i = 0; i < 40; i++) {
      log.record(Calls.large("r" + i, clock.instant(), 265_000));
      peak = Math.max(peak, gauge("mlsys.prediction.log.buffer.size"));
    }
    assertThat(peak).isPositive().isLessThanOrEqualTo(bound);
    double dropped = counter("mlsys.prediction.log.dropped", "reason", "journal-full");
    assertThat(dropped).isGreaterThanOrEqualTo(30);

    slow.release();
    log.flush();
    assertThat(slow.received().size() + dropped).isEqualTo(40);
    assertThat(gauge("mlsys.prediction.log.buffer.size")).isZero();
  }

  @Test
  void aSwitchedOffLogRecordsNothingUntilSwitchedOn() throws InterruptedException {
    RecordingSink sink = new RecordingSink("a");
    PredictionLog log = open(builder(sink).enabled(false));
    recordRange(log, 0, 5);
    log.setEnabled(true);
    recordRange(log, 5, 8);
    log.flush();
    assertThat(log.isEnabled()).isTrue();
    assertThat(requestIds(sink.received())).isEqualTo(expectedIds(5, 8));
  }

  @Test
  void eventIdsComeFromTheInjectedGenerator() throws InterruptedException {
    RecordingSink first = new RecordingSink("a");
    PredictionLog one = open(builder(first));
    recordRange(one, 0, 3);
    one.flush();
    RecordingSink second = new RecordingSink("a");
    PredictionLog two =
        open(
            PredictionLog.builder(dir.resolve("other"))
                .clock(clock)
                .random(new Random(7))
                .sink(second));
    recordRange(two, 0, 3);
    two.flush();
    assertThat(second.received())
        .extracting(PredictionEvent::eventId)
        .isEqualTo(first.received().stream().map(PredictionEvent::eventId).toList());
    assertThat(Instant.parse(first.received().getFirst().time()))
        .isEqualTo(Instant.parse("2026-12-07T10:00:00Z"));
  }
}
