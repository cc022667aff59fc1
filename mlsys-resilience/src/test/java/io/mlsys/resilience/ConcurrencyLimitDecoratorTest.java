package io.mlsys.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.core.CallContext;
import io.mlsys.core.CapacityExceededException;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.Model;
import io.mlsys.core.Reservation;
import io.mlsys.core.spi.SharedResources;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.StubModel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bulkhead: bounded calls running and waiting, and calls refused by their deadline. */
// The timeout only stops a hung test; no assertion depends on time.
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConcurrencyLimitDecoratorTest {
  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SharedResources resources = SharedResources.create();
  private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch entered = new CountDownLatch(1);
  private volatile boolean block;

  /** Takes 50 ms of the manual clock; blocks until released while {@code block} is set. */
  private final StubModel stub =
      GuardTesting.model(
          "ocr",
          (request, context) -> {
            if (block) {
              entered.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            } else {
              clock.advance(Duration.ofMillis(50));
            }
            return GuardTesting.echo("ocr", request);
          });

  @AfterEach
  void tearDown() {
    release.countDown();
    callers.close();
    resources.close();
  }

  private Model limited(ConcurrencyLimitOptions options) {
    return GuardTesting.decorate(stub, clock, registry, resources, options);
  }

  private CompletableFuture<?> holdTheOnlySlot(Model model) throws InterruptedException {
    block = true;
    CompletableFuture<?> held =
        CompletableFuture.runAsync(
            () -> model.infer(GuardTesting.rows(1), CallContext.of(clock)), callers);
    entered.await();
    block = false;
    return held;
  }

  private double shed(String reason) {
    return registry.get("mlsys.shed").tags("model", "ocr", "reason", reason).counter().count();
  }

  @Test
  void aCallOverTheLimitWithNoRoomToWaitIsRefusedAtOnceWith503() throws Exception {
    Model model = limited(ConcurrencyLimitOptions.defaults().withMaxInFlight(1).withMaxQueued(0));
    CompletableFuture<?> held = holdTheOnlySlot(model);

    assertThatThrownBy(() -> model.infer(GuardTesting.rows(1), CallContext.of(clock)))
        .isInstanceOfSatisfying(
            CapacityExceededException.class,
            e -> {
              assertThat(e.resource()).contains("model 'ocr'", "1 requests in flight");
              assertThat(e.retryAfter()).isPositive();
            });
    assertThat(shed("concurrency")).isEqualTo(1.0);

    release.countDown();
    held.get();
    model.infer(GuardTesting.rows(1), CallContext.of(clock));
    assertThat(stub.calls()).isEqualTo(2);
  }

  @Test
  void aWaitingCallRunsWhenTheSlotFrees() throws Exception {
    Model model =
        limited(
            ConcurrencyLimitOptions.defaults()
                .withMaxInFlight(1)
                .withMaxQueued(1)
                .withMaxQueueWait(Duration.ofMinutes(1)));
    CompletableFuture<?> held = holdTheOnlySlot(model);
    CompletableFuture<?> waiting =
        CompletableFuture.runAsync(
            () -> model.infer(GuardTesting.rows(1), CallContext.of(clock)), callers);
    while (((ConcurrencyLimitedModel) model).waiting() == 0) {
      Thread.onSpinWait();
    }

    // The queue holds one: a third call is refused at once.
    assertThatThrownBy(() -> model.infer(GuardTesting.rows(1), CallContext.of(clock)))
        .isInstanceOf(CapacityExceededException.class)
        .hasMessageContaining("1 waiting (the limit)");

    release.countDown();
    held.get();
    waiting.get();
    assertThat(stub.calls()).isEqualTo(2);
  }

  @Test
  void aCallWhoseDeadlineIsShorterThanTheServiceTimeIsRefusedBeforeRunningWith504() {
    Model model = limited(ConcurrencyLimitOptions.defaults());
    for (int i = 0; i < LatencyEstimate.WARM_UP_CALLS; i++) {
      model.infer(GuardTesting.rows(1), CallContext.of(clock));
    }
    int calls = stub.calls();

    assertThatThrownBy(
            () ->
                model.infer(
                    GuardTesting.rows(1), CallContext.of(clock).withTimeout(Duration.ofMillis(20))))
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessageContaining("refused before running: 20.0 ms left, calls take about 50.0 ms");
    assertThat(stub.calls()).isEqualTo(calls);
    assertThat(shed("deadline")).isEqualTo(1.0);

    model.infer(GuardTesting.rows(1), CallContext.of(clock).withTimeout(Duration.ofMillis(60)));
    assertThat(stub.calls()).isEqualTo(calls + 1);
  }

  @Test
  void beforeWarmUpNoCallIsRefusedByItsDeadline() {
    Model model = limited(ConcurrencyLimitOptions.defaults());
    model.infer(GuardTesting.rows(1), CallContext.of(clock));

    model.infer(GuardTesting.rows(1), CallContext.of(clock).withTimeout(Duration.ofMillis(20)));

    assertThat(stub.calls()).isEqualTo(2);
  }

  @Test
  void aCallThatWouldMissItsDeadlineBehindTheQueueIsRefusedWith503() throws Exception {
    Model model =
        limited(
            ConcurrencyLimitOptions.defaults()
                .withMaxInFlight(1)
                .withMaxQueueWait(Duration.ofMinutes(1)));
    for (int i = 0; i < LatencyEstimate.WARM_UP_CALLS; i++) {
      model.infer(GuardTesting.rows(1), CallContext.of(clock));
    }
    CompletableFuture<?> held = holdTheOnlySlot(model);

    // 80 ms left; about 50 ms to wait for the slot and 50 ms to run.
    assertThatThrownBy(
            () ->
                model.infer(
                    GuardTesting.rows(1), CallContext.of(clock).withTimeout(Duration.ofMillis(80))))
        .isInstanceOf(CapacityExceededException.class)
        .hasMessageContaining("refused before queueing");
    assertThat(((ConcurrencyLimitedModel) model).waiting()).isZero();

    release.countDown();
    held.get();
  }

  @Test
  void reservingBeforeTheRequestIsReadRefusesOnceRunningWaitingAndReservedFillThePlaces()
      throws Exception {
    Model model = limited(ConcurrencyLimitOptions.defaults().withMaxInFlight(1).withMaxQueued(1));
    CompletableFuture<?> held = holdTheOnlySlot(model);
    Reservation first = Reservation.create();
    model.reserve(first, CallContext.of(clock));
    assertThat(first.held()).isEqualTo(1);

    // One running and one reserved: no place left for another, refused before its body is read.
    Reservation second = Reservation.create();
    assertThatThrownBy(() -> model.reserve(second, CallContext.of(clock)))
        .isInstanceOfSatisfying(
            CapacityExceededException.class,
            e -> {
              assertThat(e.resource()).contains("refused before the request was read");
              assertThat(e.retryAfter()).isPositive();
            });
    assertThat(shed("concurrency")).isEqualTo(1.0);

    // The reserved call gives its place back when it ends without reaching the model...
    first.close();
    model.reserve(second, CallContext.of(clock));
    // ...or takes it into the queue when it does.
    CompletableFuture<?> waiting =
        CompletableFuture.runAsync(
            () ->
                model.infer(
                    GuardTesting.rows(1),
                    CallContext.of(clock).with(Reservation.ATTRIBUTE, second)),
            callers);
    while (((ConcurrencyLimitedModel) model).waiting() == 0) {
      Thread.onSpinWait();
    }
    assertThat(second.held()).isZero();
    assertThatThrownBy(() -> model.reserve(Reservation.create(), CallContext.of(clock)))
        .isInstanceOf(CapacityExceededException.class);

    release.countDown();
    held.get();
    waiting.get();
    model.reserve(Reservation.create(), CallContext.of(clock));
    assertThat(stub.calls()).isEqualTo(2);
  }

  @Test
  void aCallThatSpentMoreThanMaxQueueTimeSinceItArrivedIsRefusedBeforeRunning() {
    Model model =
        limited(ConcurrencyLimitOptions.defaults().withMaxQueueTime(Duration.ofMillis(10)));
    CallContext arrived = CallContext.of(clock).with(Reservation.ARRIVAL, clock.instant());
    model.infer(GuardTesting.rows(1), arrived);
    assertThat(stub.calls()).isEqualTo(1);

    // The stub's call took 50 ms of the clock: a request that arrived then has waited 50 ms.
    assertThatThrownBy(() -> model.infer(GuardTesting.rows(1), arrived))
        .isInstanceOfSatisfying(
            CapacityExceededException.class,
            e ->
                assertThat(e.resource())
                    .contains("the request arrived 50.0 ms ago, over max-queue-time 10.0 ms"));
    assertThat(stub.calls()).isEqualTo(1);
    assertThat(shed("queue-time")).isEqualTo(1.0);

    // Without an arrival (not from a transport), or with the bound off, the call runs.
    model.infer(GuardTesting.rows(1), CallContext.of(clock));
    limited(ConcurrencyLimitOptions.defaults()).infer(GuardTesting.rows(1), arrived);
    assertThat(stub.calls()).isEqualTo(3);
  }

  @Test
  void optionsNameEachInvalidKey() {
    assertThatThrownBy(
            () ->
                new ConcurrencyLimitOptions(
                    0, -1, Duration.ofMillis(-1), Duration.ofMillis(-1), true))
        .hasMessageContaining("max-in-flight: 0 (expected: an integer from 1 to 100000)")
        .hasMessageContaining("max-queued: -1")
        .hasMessageContaining("max-queue-wait: -1ms")
        .hasMessageContaining("max-queue-time: -1ms");
  }
}
