package io.mlsys.graph;

import static io.mlsys.graph.TestModels.ensemble;
import static io.mlsys.graph.TestModels.floats;
import static io.mlsys.graph.TestModels.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.CallContext;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.Predictor;
import io.mlsys.core.Tensor;
import io.mlsys.graph.EnsembleOptions.BranchPolicy;
import io.mlsys.graph.TestModels.NamedBranch;
import io.mlsys.testing.StubModel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class EnsembleNodeTest {
  private final TestModels models = new TestModels();
  private final InferRequest request = InferRequest.of(floats("x", new long[] {1, 2}, 1, 2));

  private static NamedBranch branch(String name) {
    return TestModels.branch(name, model(name), BranchPolicy.REQUIRED, true, 1, Map.of());
  }

  private static NamedBranch optional(String name, Duration timeout) {
    return TestModels.branch(
        name,
        new NodeConfig(ModelOptions.of(name), timeout),
        BranchPolicy.OPTIONAL,
        true,
        1,
        Map.of());
  }

  private static NamedBranch required(String name, Duration timeout) {
    return TestModels.branch(
        name,
        new NodeConfig(ModelOptions.of(name), timeout),
        BranchPolicy.REQUIRED,
        true,
        1,
        Map.of());
  }

  private InferResponse infer(NodeConfig root) {
    return infer(root, CallContext.of(models.clock));
  }

  private InferResponse infer(NodeConfig root, CallContext context) {
    return models.graphs("g", root).predictor("g").infer(request, context);
  }

  private void constant(String name, String output, long[] shape, float... values) {
    models.stub(
        name,
        (call, context) -> TestModels.answer(name, call, Tensor.ofFloats(output, shape, values)));
  }

  private void labels(String name, String... values) {
    models.stub(
        name,
        (call, context) ->
            TestModels.answer(
                name, call, Tensor.ofStrings("label", new long[] {values.length}, values)));
  }

  @Test
  void allAnswersEveryOutputRenamedByBranch() {
    models.plus("a", "y", 1);
    models.plus("b", "y", 2);

    InferResponse answer = infer(ensemble(new CombinerConfig.All(), branch("a"), branch("b")));

    assertThat(answer.outputs()).extracting(Tensor::name).containsExactly("a.y", "b.y");
    assertThat(answer.output("b.y").orElseThrow().floats()).containsExactly(3, 4);
    assertThat(answer.parameters()).containsEntry("answered_by", "a,b");
  }

  @Test
  void firstAnswersWithTheEarliestSuccessfulBranch() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    models.stub(
        "slow",
        (call, context) -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return TestModels.answer("slow", call, floats("y", new long[] {1}, 0));
        });
    models.plus("fast", "y", 1);
    try {
      InferResponse answer =
          infer(ensemble(new CombinerConfig.First(), branch("slow"), branch("fast")));

      assertThat(answer.parameters()).containsEntry("branch", "fast");
      assertThat(answer.outputs().getFirst().floats()).containsExactly(2, 3);
    } finally {
      release.countDown();
    }
  }

  @Test
  void firstSkipsFailedOptionalBranches() {
    models.stub(
        "broken",
        (call, context) -> {
          throw new ModelExecutionException("broken", "boom", null);
        });
    models.plus("ok", "y", 1);

    InferResponse answer =
        infer(ensemble(new CombinerConfig.First(), optional("broken", null), branch("ok")));

    assertThat(answer.parameters()).containsEntry("branch", "ok");
  }

  @Test
  void meanAveragesElementWise() {
    constant("a", "p", new long[] {1, 2}, 1, 2);
    constant("b", "p", new long[] {1, 2}, 3, 6);

    InferResponse answer = infer(ensemble(new CombinerConfig.Mean("p"), branch("a"), branch("b")));

    Tensor mean = answer.outputs().getFirst();
    assertThat(mean.name()).isEqualTo("p");
    assertThat(mean.shape()).containsExactly(1, 2);
    assertThat(mean.floats()).containsExactly(2, 4);
  }

  @Test
  void weightedMeanRenormalizesOverTheBranchesThatAnswered() {
    constant("a", "p", new long[] {1}, 1);
    constant("b", "p", new long[] {1}, 5);
    models.stub(
        "c",
        (call, context) -> {
          throw new ModelExecutionException("c", "down", null);
        });
    NodeConfig root =
        ensemble(
            new CombinerConfig.WeightedMean("p"),
            TestModels.branch("a", model("a"), BranchPolicy.REQUIRED, true, 1, Map.of()),
            TestModels.branch("b", model("b"), BranchPolicy.REQUIRED, true, 3, Map.of()),
            TestModels.branch("c", model("c"), BranchPolicy.OPTIONAL, true, 4, Map.of()));

    InferResponse answer = infer(root);

    assertThat(answer.outputs().getFirst().floats()).containsExactly(4);
    assertThat(answer.parameters()).containsEntry("answered_by", "a,b");
  }

  @Test
  void voteTakesTheMajorityOfEachRowAndTiesGoToTheEarliestBranch() {
    labels("a", "x", "y", "z");
    labels("b", "y", "y", "w");
    labels("c", "y", "x", "q");

    InferResponse answer =
        infer(ensemble(new CombinerConfig.Vote("label"), branch("a"), branch("b"), branch("c")));

    assertThat(answer.outputs().getFirst().strings()).containsExactly("y", "y", "z");
  }

  @Test
  void maxAnswersTheHighestScoreOfTheColumnAndItsBranchPerRow() {
    constant("a", "p", new long[] {2, 2}, 0.2f, 0.8f, 0.9f, 0.1f);
    constant("b", "p", new long[] {2, 2}, 0.5f, 0.5f, 0.3f, 0.7f);

    InferResponse answer =
        infer(ensemble(new CombinerConfig.Max("p", 0, "proba", "label"), branch("a"), branch("b")));

    assertThat(answer.output("proba").orElseThrow().floats()).containsExactly(0.5f, 0.9f);
    assertThat(answer.output("label").orElseThrow().strings()).containsExactly("b", "a");
  }

  @Test
  void aFailedRequiredBranchFailsTheCallNamingTheBranch() {
    models.plus("a", "y", 1);
    models.stub(
        "b",
        (call, context) -> {
          throw new ModelExecutionException("b", "boom", null);
        });

    assertThatThrownBy(() -> infer(ensemble(new CombinerConfig.All(), branch("a"), branch("b"))))
        .isInstanceOf(ModelExecutionException.class)
        .hasMessageContaining("graphs.g.ensemble.branches[b]: model 'b' failed: boom");
  }

  @Test
  void aFailedOptionalBranchIsLeftOut() {
    models.plus("a", "y", 1);
    models.stub(
        "b",
        (call, context) -> {
          throw new ModelExecutionException("b", "boom", null);
        });

    InferResponse answer =
        infer(ensemble(new CombinerConfig.All(), branch("a"), optional("b", null)));

    assertThat(answer.outputs()).extracting(Tensor::name).containsExactly("a.y");
    assertThat(answer.parameters()).containsEntry("answered_by", "a");
  }

  @Test
  void whenEveryBranchFailsTheFirstErrorIsTheAnswer() {
    for (String name : List.of("a", "b")) {
      models.stub(
          name,
          (call, context) -> {
            throw new ModelExecutionException(name, "boom " + name, null);
          });
    }

    assertThatThrownBy(
            () ->
                infer(ensemble(new CombinerConfig.All(), optional("a", null), optional("b", null))))
        .isInstanceOf(ModelExecutionException.class)
        .hasMessageContaining("graphs.g.ensemble.branches[a]")
        .hasMessageContaining("boom a");
  }

  @Test
  void anInactiveBranchIsNotCalled() {
    models.plus("a", "y", 1);
    StubModel inactive = models.plus("b", "y", 2);

    InferResponse answer =
        infer(
            ensemble(
                new CombinerConfig.All(),
                branch("a"),
                TestModels.branch("b", model("b"), BranchPolicy.REQUIRED, false, 1, Map.of())));

    assertThat(inactive.calls()).isZero();
    assertThat(answer.parameters()).containsEntry("answered_by", "a");
  }

  @Test
  void anOptionalBranchAnsweringAfterItsTimeoutIsLeftOut() {
    models.plus("a", "y", 1);
    models.stub("late", advancing(Duration.ofMillis(200)));

    InferResponse answer =
        infer(
            ensemble(
                new CombinerConfig.All(), branch("a"), optional("late", Duration.ofMillis(100))));

    assertThat(answer.parameters()).containsEntry("answered_by", "a");
  }

  @Test
  void aRequiredBranchPastItsTimeoutFailsTheCallNamingTheBranch() {
    models.plus("a", "y", 1);
    models.stub("late", advancing(Duration.ofMillis(200)));

    assertThatThrownBy(
            () ->
                infer(
                    ensemble(
                        new CombinerConfig.All(),
                        branch("a"),
                        required("late", Duration.ofMillis(100)))))
        .isInstanceOf(DeadlineExceededException.class)
        .extracting(e -> ((DeadlineExceededException) e).where())
        .isEqualTo("graphs.g.ensemble.branches[late]");
  }

  @Test
  void aBlockedBranchOnItsOwnThreadIsAbandonedAtItsTimeoutAndInterrupted() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    // The caller's own branch waits until the stuck one runs on its virtual thread, so the caller
    // cannot take it over and has to wait for it.
    models.stub(
        "a",
        (call, context) -> {
          try {
            started.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return TestModels.answer("a", call, floats("y", new long[] {1}, 1));
        });
    models.stub(
        "stuck",
        (call, context) -> {
          started.countDown();
          try {
            new CountDownLatch(1).await();
          } catch (InterruptedException e) {
            interrupted.countDown();
          }
          return TestModels.answer("stuck", call);
        });

    InferResponse answer =
        infer(
            ensemble(
                new CombinerConfig.All(), branch("a"), optional("stuck", Duration.ofMillis(20))));

    assertThat(answer.parameters()).containsEntry("answered_by", "a");
    interrupted.await();
  }

  @Test
  void theCallerThreadRunsTheFirstActiveBranchWhileVirtualThreadsRunTheOthers() throws Exception {
    Map<String, Thread> threads = new ConcurrentHashMap<>();
    CountDownLatch othersStarted = new CountDownLatch(2);
    models.stub(
        "a",
        (call, context) -> {
          threads.put("a", Thread.currentThread());
          try {
            othersStarted.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return TestModels.answer("a", call, floats("y", new long[] {1}, 1));
        });
    for (String name : List.of("b", "c")) {
      models.stub(
          name,
          (call, context) -> {
            threads.put(name, Thread.currentThread());
            othersStarted.countDown();
            return TestModels.answer(name, call, floats("y", new long[] {1}, 1));
          });
    }

    infer(ensemble(new CombinerConfig.All(), branch("a"), branch("b"), branch("c")));

    assertThat(threads.get("a")).isSameAs(Thread.currentThread());
    assertThat(threads.get("b").isVirtual()).isTrue();
    assertThat(threads.get("c").isVirtual()).isTrue();
  }

  @Test
  void eachBranchGetsTheEarlierOfItsTimeoutAndTheRequestDeadline() {
    Map<String, Instant> deadlines = new ConcurrentHashMap<>();
    for (String name : List.of("short", "long")) {
      models.stub(
          name,
          (call, context) -> {
            deadlines.put(name, context.deadline());
            return TestModels.answer(name, call, floats("y", new long[] {1}, 1));
          });
    }
    Instant now = models.clock.instant();
    CallContext context = CallContext.of(models.clock).withTimeout(Duration.ofSeconds(1));

    infer(
        ensemble(
            new CombinerConfig.All(),
            required("short", Duration.ofMillis(100)),
            required("long", Duration.ofSeconds(5))),
        context);

    assertThat(deadlines.get("short")).isEqualTo(now.plusMillis(100));
    assertThat(deadlines.get("long")).isEqualTo(now.plusSeconds(1));
  }

  /** A model that moves the test clock forward, then answers. */
  private Predictor advancing(Duration step) {
    return (call, context) -> {
      models.clock.advance(step);
      return TestModels.answer("late", call, floats("y", new long[] {1}, 0));
    };
  }
}
