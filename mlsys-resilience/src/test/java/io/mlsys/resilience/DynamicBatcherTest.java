package io.mlsys.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.CallContext;
import io.mlsys.core.CapacityExceededException;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.core.Predictor;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// The timeout only stops a hung test; no assertion depends on time.
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DynamicBatcherTest {
  private static final long AN_HOUR_MICROS = Duration.ofHours(1).toNanos() / 1000;

  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
  private final ManualDispatcherWait wait = new ManualDispatcherWait();
  private final RecordingListener listener = new RecordingListener();
  private final List<InferRequest> received = new CopyOnWriteArrayList<>();
  private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
  private final List<DynamicBatcher> batchers = new ArrayList<>();

  @AfterEach
  void tearDown() {
    batchers.forEach(DynamicBatcher::close);
    callers.close();
  }

  @Test
  void everyConcurrentCallerGetsExactlyItsOwnRows() {
    DynamicBatcher batcher = batcher(config(8, AN_HOUR_MICROS).withMaxConcurrentBatches(2));
    List<CompletableFuture<InferResponse>> answers = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      answers.add(submit(batcher, row("r" + i, i, i + 0.5f)));
    }

    for (int i = 0; i < 64; i++) {
      InferResponse answer = answers.get(i).join();
      assertThat(answer.id()).isEqualTo("r" + i);
      assertThat(answer.outputs())
          .singleElement()
          .satisfies(y -> assertThat(y.shape()).containsExactly(1, 2));
      assertThat(answer.outputs().getFirst().floats()).containsExactly(2f * i, 2f * i + 1);
    }
    // A group waits for max-batch-size rows (the delay never passes), so every batch is full.
    assertThat(received)
        .hasSize(8)
        .allSatisfy(batch -> assertThat(batch.inputs().getFirst().shape()).containsExactly(8, 2));
    assertThat(listener.runs).containsOnly("8/8").hasSize(8);
  }

  @Test
  void requestThatFindsTheModelIdleRunsAtOnceUnchangedOnItsCallersThread() {
    List<Thread> runners = new CopyOnWriteArrayList<>();
    Predictor delegate =
        (request, context) -> {
          runners.add(Thread.currentThread());
          return recordingDoubler().infer(request, context);
        };
    DynamicBatcher batcher =
        DynamicBatcher.wrap("m", delegate, BatchingConfig.defaults(), clock, listener);
    batchers.add(batcher);
    InferRequest request = row("only", 1, 2);

    InferResponse answer = batcher.infer(request, CallContext.of(clock));

    assertThat(answer.outputs().getFirst().floats()).containsExactly(2f, 4f);
    assertThat(received).singleElement().isSameAs(request);
    assertThat(runners).containsExactly(Thread.currentThread());
    assertThat(listener.runs).containsExactly("1/1");
    assertThat(listener.queueNanos).containsExactly(0L);
  }

  @Test
  void compatibleRequestsShareABatchAndIncompatibleOnesDoNot() {
    DynamicBatcher batcher = batcher(config(2, AN_HOUR_MICROS));
    InferRequest narrow = row("a", 1, 2);
    InferRequest wide = new InferRequest("b", List.of(floats(1, 1, 2, 3)), List.of(), Map.of());
    InferRequest withParameter =
        new InferRequest("c", narrow.inputs(), List.of(), Map.of("mode", "fast"));
    InferRequest labelOnly =
        new InferRequest("d", narrow.inputs(), List.of(RequestedOutput.named("y")), Map.of());
    List<CompletableFuture<InferResponse>> answers = new ArrayList<>();
    for (InferRequest request : List.of(narrow, wide, withParameter, labelOnly)) {
      answers.add(submit(batcher, request));
      answers.add(submit(batcher, request));
    }

    answers.forEach(CompletableFuture::join);
    // Each kind fills its own batch of two; none is mixed with another kind.
    assertThat(received).hasSize(4);
    assertThat(received).extracting(batch -> batch.inputs().getFirst().shape()[0]).containsOnly(2L);
    assertThat(received)
        .extracting(
            batch ->
                batch.inputs().getFirst().shape()[1]
                    + " "
                    + batch.parameters()
                    + " "
                    + batch.outputs().size())
        .containsExactlyInAnyOrder("2 {} 0", "3 {} 0", "2 {mode=fast} 0", "2 {} 1");
  }

  @Test
  void requestThatCannotJoinABatchRunsAloneWithoutWaiting() {
    DynamicBatcher batcher = batcher(config(4, AN_HOUR_MICROS));
    InferRequest tooManyRows =
        new InferRequest("big", List.of(floats(5, 1, 2, 3, 4, 5)), List.of(), Map.of());

    InferResponse answer = batcher.infer(tooManyRows, CallContext.of(clock));

    assertThat(answer.outputs().getFirst().shape()).containsExactly(5, 1);
    assertThat(received).singleElement().isSameAs(tooManyRows);
  }

  @Test
  void aGroupRunsAsSoonAsItFillsTheLargestPreferredSize() {
    DynamicBatcher batcher =
        batcher(config(8, AN_HOUR_MICROS).withPreferredBatchSizes(List.of(2, 4)));
    List<CompletableFuture<InferResponse>> answers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      answers.add(submit(batcher, row("r" + i, i, i)));
    }

    answers.forEach(CompletableFuture::join);
    assertThat(listener.runs).containsExactly("4/4");
  }

  @Test
  void aBatchIsCutToTheLargestPreferredSizeItCanFill() {
    boolean[] four = QueueingDynamicBatcher.sizeTable(List.of(4), 8);
    boolean[] twoOrFour = QueueingDynamicBatcher.sizeTable(List.of(2, 4), 8);
    boolean[] none = QueueingDynamicBatcher.sizeTable(List.of(), 8);

    assertThat(QueueingDynamicBatcher.preferredPrefix(new int[] {1, 1, 1, 1, 1, 1}, four))
        .isEqualTo(4);
    assertThat(QueueingDynamicBatcher.preferredPrefix(new int[] {2, 2, 2}, four)).isEqualTo(2);
    assertThat(QueueingDynamicBatcher.preferredPrefix(new int[] {1, 1, 1, 1, 1}, twoOrFour))
        .isEqualTo(4);
    assertThat(QueueingDynamicBatcher.preferredPrefix(new int[] {1, 1, 1}, twoOrFour)).isEqualTo(2);
    // Already preferred, or no boundary reaches a preferred size: the batch stays whole.
    assertThat(QueueingDynamicBatcher.preferredPrefix(new int[] {2, 2}, four)).isEqualTo(2);
    assertThat(QueueingDynamicBatcher.preferredPrefix(new int[] {3, 3}, four)).isEqualTo(2);
    assertThat(QueueingDynamicBatcher.preferredPrefix(new int[] {1, 1, 1}, none)).isEqualTo(3);
  }

  @Test
  void aLoneRequestWaitsTheQueueDelayForOthers() throws InterruptedException {
    DynamicBatcher batcher = batcher(config(8, 1000));
    CompletableFuture<InferResponse> answer = submit(batcher, row("r", 1, 2));

    assertThat(wait.awaitTimedWait()).isEqualTo(Duration.ofMillis(1).toNanos());
    assertThat(received).isEmpty();
    clock.advance(Duration.ofMillis(1));
    wait.wake();

    assertThat(answer.join().outputs().getFirst().floats()).containsExactly(2f, 4f);
    assertThat(listener.queueNanos).containsExactly(Duration.ofMillis(1).toNanos());
  }

  @Test
  void aFullQueueRejectsTheNextRequestWithRetryAfter() {
    DynamicBatcher batcher = batcher(config(8, AN_HOUR_MICROS).withMaxQueueSize(2));
    List<CompletableFuture<InferResponse>> answers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      answers.add(submit(batcher, row("r" + i, i, i)));
    }

    // Nothing runs (the group waits for 8 rows), so the only answer that can come is a rejection.
    Throwable rejection =
        failure(CompletableFuture.anyOf(answers.toArray(CompletableFuture[]::new)));
    assertThat(rejection)
        .isInstanceOfSatisfying(
            CapacityExceededException.class,
            e -> {
              assertThat(e.resource()).contains("'m'").contains("max-queue-size 2");
              assertThat(e.retryAfter()).isPositive();
            });
    assertThat(listener.rejections).containsExactly(BatchingListener.QUEUE_FULL);
    assertThat(batcher.queueDepth()).isEqualTo(2);
    batcher.close();
    assertThat(answers.stream().filter(DynamicBatcherTest::succeeds)).hasSize(2);
  }

  @Test
  void anExpiredRequestIsRejectedWithoutRunning() {
    DynamicBatcher batcher = batcher(config(8, 0));
    CallContext expired = new CallContext(clock, clock.instant(), Map.of(), "t", Map.of());

    assertThatThrownBy(() -> batcher.infer(row("r", 1, 2), expired))
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessageContaining("model 'm' batch queue");
    assertThat(received).isEmpty();
    assertThat(listener.rejections).containsExactly(BatchingListener.DEADLINE);
  }

  @Test
  void aRequestThatCannotFinishBeforeItsDeadlineIsRejected() {
    Duration runTime = Duration.ofMillis(100);
    Predictor slow =
        (request, context) -> {
          clock.advance(runTime);
          return recordingDoubler().infer(request, context);
        };
    DynamicBatcher batcher = batcher(slow, config(8, 0));
    batcher.infer(row("first", 1, 2), CallContext.of(clock));

    CallContext tooSoon = CallContext.of(clock).withTimeout(Duration.ofMillis(50));
    assertThatThrownBy(() -> batcher.infer(row("late", 1, 2), tooSoon))
        .isInstanceOf(DeadlineExceededException.class);
    CallContext enough = CallContext.of(clock).withTimeout(Duration.ofMillis(150));
    assertThat(batcher.infer(row("in-time", 1, 2), enough).id()).isEqualTo("in-time");

    assertThat(received).extracting(InferRequest::id).containsExactly("first", "in-time");
    assertThat(listener.rejections).containsExactly(BatchingListener.DEADLINE);
  }

  @Test
  void aQueuedRequestWhoseDeadlinePassesIsRejectedInsteadOfRun() throws InterruptedException {
    DynamicBatcher batcher = batcher(config(8, AN_HOUR_MICROS));
    CallContext tenSeconds = CallContext.of(clock).withTimeout(Duration.ofSeconds(10));
    CompletableFuture<InferResponse> answer =
        CompletableFuture.supplyAsync(() -> batcher.infer(row("r", 1, 2), tenSeconds), callers);
    wait.awaitTimedWait();

    clock.advance(Duration.ofHours(1));
    wait.wake();

    assertThat(failure(answer)).isInstanceOf(DeadlineExceededException.class);
    assertThat(received).isEmpty();
    assertThat(listener.rejections).containsExactly(BatchingListener.DEADLINE);
    assertThat(batcher.queueDepth()).isZero();
  }

  @Test
  void aFailedBatchFailsEveryRequestInItWithTheSameError() {
    ModelExecutionException crash = new ModelExecutionException("m", "out of memory", null);
    DynamicBatcher batcher =
        batcher(
            (request, context) -> {
              received.add(request);
              throw crash;
            },
            config(3, AN_HOUR_MICROS));
    List<CompletableFuture<InferResponse>> answers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      answers.add(submit(batcher, row("r" + i, i, i)));
    }

    assertThat(answers).allSatisfy(answer -> assertThat(failure(answer)).isSameAs(crash));
    assertThat(received)
        .singleElement()
        .satisfies(batch -> assertThat(batch.inputs().getFirst().shape()[0]).isEqualTo(3));
  }

  @Test
  void invalidInputInABatchFailsOnlyTheRequestThatCausedIt() {
    Predictor rejectsNegatives =
        (request, context) -> {
          received.add(request);
          for (float value : request.inputs().getFirst().floats()) {
            if (value < 0) {
              throw new InvalidInputException("inputs[0].data", value + " (expected: >= 0)");
            }
          }
          return doubled(request);
        };
    DynamicBatcher batcher = batcher(rejectsNegatives, config(3, AN_HOUR_MICROS));
    CompletableFuture<InferResponse> good1 = submit(batcher, row("good1", 1, 2));
    CompletableFuture<InferResponse> bad = submit(batcher, row("bad", -1, 2));
    CompletableFuture<InferResponse> good2 = submit(batcher, row("good2", 3, 4));

    assertThat(good1.join().outputs().getFirst().floats()).containsExactly(2f, 4f);
    assertThat(good2.join().outputs().getFirst().floats()).containsExactly(6f, 8f);
    assertThat(failure(bad)).isInstanceOf(InvalidInputException.class).hasMessageContaining("-1.0");
    // One batched call, then each request alone.
    assertThat(received).hasSize(4);
    assertThat(listener.runs).containsExactlyInAnyOrder("3/3", "1/1", "1/1", "1/1");
  }

  @Test
  void anAnswerThatCannotBeSplitIsReplacedByOneByOneRunsAndBatchingStops() {
    // One sum for the whole batch: its first dimension is not the batch's rows.
    Predictor sums =
        (request, context) -> {
          received.add(request);
          float sum = 0;
          for (float value : request.inputs().getFirst().floats()) {
            sum += value;
          }
          return new InferResponse(
              "m",
              "1",
              request.id(),
              List.of(Tensor.ofFloats("sum", new long[] {1}, sum)),
              Map.of());
        };
    DynamicBatcher batcher = batcher(sums, config(2, AN_HOUR_MICROS));
    CompletableFuture<InferResponse> first = submit(batcher, row("a", 1, 2));
    CompletableFuture<InferResponse> second = submit(batcher, row("b", 3, 4));

    assertThat(first.join().outputs().getFirst().floats()).containsExactly(3f);
    assertThat(second.join().outputs().getFirst().floats()).containsExactly(7f);
    // Later requests no longer wait for company: they run alone at once.
    assertThat(batcher.infer(row("c", 5, 6), CallContext.of(clock)).outputs().getFirst().floats())
        .containsExactly(11f);
    assertThat(received)
        .extracting(request -> request.inputs().getFirst().shape()[0])
        .containsExactly(2L, 1L, 1L, 1L);
  }

  @Test
  void bytesTensorsAreConcatenatedAndSplitToo() {
    Predictor echo =
        (request, context) -> {
          received.add(request);
          return new InferResponse("m", "1", request.id(), request.inputs(), Map.of());
        };
    DynamicBatcher batcher = batcher(echo, config(3, AN_HOUR_MICROS));
    CompletableFuture<InferResponse> one = submit(batcher, text("one", "a"));
    CompletableFuture<InferResponse> two = submit(batcher, text("two", "b", "c"));

    assertThat(one.join().outputs().getFirst().strings()).containsExactly("a");
    assertThat(two.join().outputs().getFirst().strings()).containsExactly("b", "c");
    assertThat(two.join().id()).isEqualTo("two");
    assertThat(received)
        .singleElement()
        .satisfies(batch -> assertThat(batch.inputs().getFirst().shape()).containsExactly(3));
  }

  @Test
  void maxConcurrentBatchesRunAtTheSameTime() {
    CyclicBarrier bothRunning = new CyclicBarrier(2);
    Predictor meets =
        (request, context) -> {
          try {
            bothRunning.await();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return doubled(request);
        };
    DynamicBatcher batcher = batcher(meets, config(1, 0).withMaxConcurrentBatches(2));

    // Each call passes the barrier only while the other is running too.
    CompletableFuture<InferResponse> a = submit(batcher, row("a", 1, 1));
    CompletableFuture<InferResponse> b = submit(batcher, row("b", 2, 2));

    assertThat(a.join().id()).isEqualTo("a");
    assertThat(b.join().id()).isEqualTo("b");
  }

  @Test
  void whenLargerBatchesCostMorePerRowRequestsRunOneAtATime() throws InterruptedException {
    // A batch of n rows takes n * n ms: the larger the batch, the more each row costs.
    HeldModel model = new HeldModel(rows -> rows * rows);
    DynamicBatcher batcher = batcher(model, config(8, 0));

    List<CompletableFuture<InferResponse>> answers = model.queueBehindAHeldCall(batcher, 8);

    answers.forEach(CompletableFuture::join);
    // Two rows were never measured, so one batch tries them; they cost more, so the rest run alone.
    assertThat(listener.runs)
        .containsExactly("1/1", "1/1", "2/2", "1/1", "1/1", "1/1", "1/1", "1/1", "1/1");
    // The cap starts at max-batch-size and falls to one row once one row is measured cheapest.
    assertThat(listener.caps).containsExactly(8, 1);
  }

  @Test
  void whenLargerBatchesCostLessPerRowTheBatchesGrow() throws InterruptedException {
    // A batch of n rows takes 10 + n ms: the larger the batch, the less each row costs.
    HeldModel model = new HeldModel(rows -> 10 + rows);
    DynamicBatcher batcher = batcher(model, config(8, 0));

    List<CompletableFuture<InferResponse>> answers = model.queueBehindAHeldCall(batcher, 14);

    answers.forEach(CompletableFuture::join);
    assertThat(listener.runs).containsExactly("1/1", "1/1", "2/2", "4/4", "8/8");
    assertThat(listener.caps).containsExactly(8, 1, 2, 4, 8);
  }

  @Test
  void aBatcherCappedAtOneRowDoesNotWaitTheDelayForCompany() throws InterruptedException {
    Predictor quadratic =
        (request, context) -> {
          long rows = request.inputs().getFirst().shape()[0];
          clock.advance(Duration.ofMillis(rows * rows));
          return recordingDoubler().infer(request, context);
        };
    DynamicBatcher batcher = batcher(quadratic, config(8, AN_HOUR_MICROS));
    // One row alone (after the delay), then two together: two rows cost more, so the cap is 1.
    CompletableFuture<InferResponse> first = submit(batcher, row("first", 1, 2));
    wait.awaitTimedWait();
    clock.advance(Duration.ofHours(1));
    wait.wake();
    first.join();
    CompletableFuture<InferResponse> a = submit(batcher, row("a", 1, 2));
    CompletableFuture<InferResponse> b = submit(batcher, row("b", 1, 2));
    a.join();
    b.join();

    // The clock no longer moves, yet the next request runs: it waits for no one.
    assertThat(batcher.infer(row("next", 1, 2), CallContext.of(clock)).id()).isEqualTo("next");
    assertThat(listener.runs).containsExactly("1/1", "2/2", "1/1");
  }

  @Test
  void closeRunsWhatIsQueuedThenRefusesNewRequests() throws InterruptedException {
    DynamicBatcher batcher = batcher(config(8, AN_HOUR_MICROS));
    CompletableFuture<InferResponse> queued = submit(batcher, row("r", 1, 2));
    wait.awaitTimedWait();

    batcher.close();

    assertThat(received).hasSize(1);
    assertThat(queued.join().outputs().getFirst().floats()).containsExactly(2f, 4f);
    assertThatThrownBy(() -> batcher.infer(row("late", 1, 2), CallContext.of(clock)))
        .isInstanceOf(ModelNotReadyException.class)
        .hasMessageContaining("batcher is closed");
  }

  /**
   * Doubles its input and advances the clock by a run time that depends on the rows; can hold one
   * call until the test has queued requests behind it.
   */
  private final class HeldModel implements Predictor {
    private final LongUnaryOperator millisForRows;
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicBoolean holdNext = new AtomicBoolean();

    HeldModel(LongUnaryOperator millisForRows) {
      this.millisForRows = millisForRows;
    }

    @Override
    public InferResponse infer(InferRequest request, CallContext context) {
      if (holdNext.getAndSet(false)) {
        holding.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      long rows = request.inputs().getFirst().shape()[0];
      clock.advance(Duration.ofMillis(millisForRows.applyAsLong(rows)));
      return recordingDoubler().infer(request, context);
    }

    /**
     * Runs one request alone (measuring one row), holds a second one in the model, queues {@code
     * count} one-row requests behind it and lets it go; answers the queued ones.
     */
    List<CompletableFuture<InferResponse>> queueBehindAHeldCall(DynamicBatcher batcher, int count)
        throws InterruptedException {
      batcher.infer(row("alone", 0, 0), CallContext.of(clock));
      holdNext.set(true);
      CompletableFuture<InferResponse> held = submit(batcher, row("held", 0, 0));
      holding.await();
      List<CompletableFuture<InferResponse>> answers = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        answers.add(submit(batcher, row("r" + i, i, i)));
      }
      // Only a one-slot batcher's queue can hold them: wait until it does.
      while (batcher.queueDepth() < count) {
        Thread.onSpinWait();
      }
      release.countDown();
      held.join();
      return answers;
    }
  }

  private DynamicBatcher batcher(BatchingConfig config) {
    return batcher(recordingDoubler(), config);
  }

  private DynamicBatcher batcher(Predictor delegate, BatchingConfig config) {
    DynamicBatcher batcher =
        QueueingDynamicBatcher.start("m", delegate, config, clock, listener, wait);
    batchers.add(batcher);
    return batcher;
  }

  private static BatchingConfig config(int maxBatchSize, long delayMicros) {
    return BatchingConfig.defaults()
        .withMaxBatchSize(maxBatchSize)
        .withMaxQueueDelayMicros(delayMicros)
        .withMaxConcurrentBatches(1);
  }

  private Predictor recordingDoubler() {
    return (request, context) -> {
      received.add(request);
      return doubled(request);
    };
  }

  /** {@code y = 2x}, with x's shape. */
  private static InferResponse doubled(InferRequest request) {
    Tensor x = request.inputs().getFirst();
    float[] y = x.floats().clone();
    for (int i = 0; i < y.length; i++) {
      y[i] *= 2;
    }
    return new InferResponse(
        "m", "1", request.id(), List.of(Tensor.ofFloats("y", x.shape(), y)), Map.of());
  }

  private CompletableFuture<InferResponse> submit(DynamicBatcher batcher, InferRequest request) {
    return CompletableFuture.supplyAsync(
        () -> batcher.infer(request, CallContext.of(clock)), callers);
  }

  private static InferRequest row(String id, float... values) {
    return new InferRequest(
        id,
        List.of(Tensor.ofFloats("x", new long[] {1, values.length}, values)),
        List.of(),
        Map.of());
  }

  private static Tensor floats(int rows, float... values) {
    return Tensor.ofFloats("x", new long[] {rows, values.length / rows}, values);
  }

  private static InferRequest text(String id, String... values) {
    return new InferRequest(
        id,
        List.of(Tensor.ofStrings("s", new long[] {values.length}, values)),
        List.of(),
        Map.of());
  }

  private static boolean succeeds(CompletableFuture<?> future) {
    try {
      future.join();
      return true;
    } catch (CompletionException e) {
      return false;
    }
  }

  private static Throwable failure(CompletableFuture<?> future) {
    try {
      future.join();
    } catch (CompletionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure, got " + future.join());
  }
}
