package io.mlsys.graph;

import static io.mlsys.graph.TestModels.floats;
import static io.mlsys.graph.TestModels.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.Tensor;
import io.mlsys.core.spi.JobSubmitter;
import io.mlsys.core.spi.SharedResources;
import io.mlsys.testing.StubModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CascadeNodeTest {
  private final TestModels models = new TestModels();
  private final List<float[]> heavyRows = new ArrayList<>();
  private final List<Map<String, Object>> heavyParameters = new ArrayList<>();
  private StubModel heavy;

  /** Light is sure (0.95) about rows whose x >= 5, unsure (0.6) otherwise; it answers label 1. */
  @BeforeEach
  void models() {
    models.stub(
        "light",
        (call, context) -> {
          float[] x = call.inputs().getFirst().floats();
          float[] p = new float[x.length * 2];
          long[] labels = new long[x.length];
          for (int row = 0; row < x.length; row++) {
            p[row * 2] = x[row] >= 5 ? 0.95f : 0.6f;
            p[row * 2 + 1] = 1 - p[row * 2];
            labels[row] = 1;
          }
          return TestModels.answer(
              "light",
              call,
              Tensor.ofLongs("label", new long[] {x.length}, labels),
              Tensor.ofFloats("p", new long[] {x.length, 2}, p));
        });
    heavy =
        models.stub(
            "heavy",
            (call, context) -> {
              float[] x = call.inputs().getFirst().floats();
              heavyRows.add(x);
              heavyParameters.add(call.parameters());
              long[] labels = new long[x.length];
              float[] p = new float[x.length * 2];
              for (int row = 0; row < x.length; row++) {
                labels[row] = 2;
                p[row * 2 + 1] = 0.9f;
              }
              return TestModels.answer(
                  "heavy",
                  call,
                  Tensor.ofLongs("label", new long[] {x.length}, labels),
                  Tensor.ofFloats("p", new long[] {x.length, 2}, p));
            });
  }

  private static CascadeOptions cascade() {
    return new CascadeOptions(
        List.of(
            new CascadeOptions.Stage(model("light"), "light", new CascadeOptions.Accept("p", 0.9)),
            new CascadeOptions.Stage(model("heavy"), "heavy", null)),
        null);
  }

  private InferResponse infer(Graphs graphs, float... x) {
    InferRequest request = InferRequest.of(floats("x", new long[] {x.length, 1}, x));
    return graphs.predictor("g").infer(request, CallContext.of(models.clock));
  }

  @Test
  void unsureRowsGoOnAsASmallerBatchAndAreMergedBackInOrder() {
    InferResponse answer = infer(models.graphs("g", cascade()), 5, 1, 6, 2);

    assertThat(heavyRows).hasSize(1);
    assertThat(heavyRows.getFirst()).containsExactly(1, 2);
    assertThat(answer.output("label").orElseThrow().longs()).containsExactly(1, 2, 1, 2);
    assertThat(answer.output("p").orElseThrow().shape()).containsExactly(4, 2);
    assertThat(answer.output("p").orElseThrow().floats())
        .containsExactly(0.95f, 0.050000012f, 0, 0.9f, 0.95f, 0.050000012f, 0, 0.9f);
    assertThat(answer.output("stage").orElseThrow().strings())
        .containsExactly("light", "heavy", "light", "heavy");
    assertThat(answer.parameters()).doesNotContainKey("stage");
  }

  @Test
  void whenTheFirstStageIsSureOfEveryRowTheNextIsNotCalled() {
    InferResponse answer = infer(models.graphs("g", cascade()), 5, 7);

    assertThat(heavy.calls()).isZero();
    assertThat(answer.output("stage").orElseThrow().strings()).containsExactly("light", "light");
    assertThat(answer.parameters()).containsEntry("stage", "light");
  }

  @Test
  void whenTheFirstStageIsSureOfNoRowTheNextGetsTheWholeRequest() {
    InferResponse answer = infer(models.graphs("g", cascade()), 1, 2);

    assertThat(heavyRows.getFirst()).containsExactly(1, 2);
    assertThat(answer.output("label").orElseThrow().longs()).containsExactly(2, 2);
    assertThat(answer.parameters()).containsEntry("stage", "heavy");
  }

  @Test
  void theThresholdIsARuntimeParameter() {
    Graphs graphs = models.graphs("g", cascade());
    graphs.setParameters("g", Map.of("cascade.stages.light.threshold", 0.5), "ops");

    InferResponse answer = infer(graphs, 1, 2);

    assertThat(heavy.calls()).isZero();
    assertThat(answer.parameters()).containsEntry("stage", "light");
  }

  @Test
  void stagesAnsweringDifferentOutputsCannotBeMerged() {
    models.stub(
        "odd",
        (call, context) ->
            TestModels.answer("odd", call, Tensor.ofStrings("label", new long[] {1}, "two")));
    CascadeOptions root =
        new CascadeOptions(
            List.of(
                new CascadeOptions.Stage(
                    model("light"), "light", new CascadeOptions.Accept("p", 0.9)),
                new CascadeOptions.Stage(model("odd"), "odd", null)),
            "answered_by");

    assertThatThrownBy(() -> infer(models.graphs("g", root), 5, 1))
        .isInstanceOf(ModelExecutionException.class)
        .hasMessageContaining("graphs.g.cascade.stages[odd]: answered 'label' as BYTES [1]");
  }

  private static CascadeOptions asyncCascade() {
    return new CascadeOptions(
        List.of(
            new CascadeOptions.Stage(model("light"), "light", new CascadeOptions.Accept("p", 0.9)),
            new CascadeOptions.Stage(model("heavy"), "heavy", null, true)),
        null);
  }

  /** Graphs whose server runs jobs: each submitted job is recorded, not run. */
  private Graphs graphsWithJobs(List<InferRequest> jobs, CascadeOptions root) {
    SharedResources resources = SharedResources.create();
    resources.computeIfAbsent(
        JobSubmitter.class,
        () ->
            (target, request, context) -> {
              assertThat(target).isEqualTo("g");
              jobs.add(request);
              return new JobSubmitter.SubmittedJob("job-" + jobs.size(), "/v2/jobs/job-1");
            });
    return Graphs.create(
        Map.of("g", new GraphConfig(NodeConfig.of(root))),
        models,
        models.options().withResources(resources));
  }

  @Test
  void anAsyncLastStageAnswersEveryRowFromTheFirstAtOnceAndQueuesTheRestAsAJob() {
    List<InferRequest> jobs = new ArrayList<>();

    InferResponse answer = infer(graphsWithJobs(jobs, asyncCascade()), 5, 1, 6, 2);

    assertThat(heavy.calls()).isZero();
    assertThat(answer.output("label").orElseThrow().longs()).containsExactly(1, 1, 1, 1);
    assertThat(answer.output("stage").orElseThrow().strings())
        .containsExactly("light", "light", "light", "light");
    assertThat(answer.parameters())
        .containsEntry("job", "job-1")
        .containsEntry("job_location", "/v2/jobs/job-1")
        .containsEntry("job_stage", "heavy")
        .containsEntry("job_rows", "1,3");
    assertThat(jobs).hasSize(1);
    assertThat(jobs.getFirst().inputs().getFirst().floats()).containsExactly(1, 2);
    assertThat(jobs.getFirst().parameters())
        .containsEntry("mlsys_cascade_stage", "graphs.g.cascade.stages[heavy]");
  }

  @Test
  void theJobRunsOnlyTheAsyncStageOnTheRowsItWasGiven() {
    List<InferRequest> jobs = new ArrayList<>();
    Graphs graphs = graphsWithJobs(jobs, asyncCascade());
    infer(graphs, 5, 1, 6, 2);

    InferResponse later =
        graphs.predictor("g").infer(jobs.getFirst(), CallContext.of(models.clock));

    assertThat(heavyRows.getFirst()).containsExactly(1, 2);
    assertThat(answerParametersOfHeavyCall()).doesNotContainKey("mlsys_cascade_stage");
    assertThat(later.output("label").orElseThrow().longs()).containsExactly(2, 2);
    assertThat(later.parameters()).containsEntry("stage", "heavy").doesNotContainKey("job");
  }

  @Test
  void whenTheFirstStageIsSureOfEveryRowNoJobIsQueued() {
    List<InferRequest> jobs = new ArrayList<>();

    InferResponse answer = infer(graphsWithJobs(jobs, asyncCascade()), 5, 7);

    assertThat(jobs).isEmpty();
    assertThat(answer.parameters()).containsEntry("stage", "light").doesNotContainKey("job");
  }

  @Test
  void anAsyncStageNeedsAServerThatRunsJobs() {
    assertThatThrownBy(() -> models.graphs("g", asyncCascade()))
        .hasMessageContaining(
            "graphs.g.cascade.stages[1].async: true, but this server runs no jobs");
  }

  @Test
  void onlyTheLastStageMayBeAsync() {
    assertThatThrownBy(
            () ->
                new CascadeOptions(
                    List.of(
                        new CascadeOptions.Stage(
                            model("light"), "light", new CascadeOptions.Accept("p", 0.9), true),
                        new CascadeOptions.Stage(model("heavy"), "heavy", null)),
                    null))
        .hasMessageContaining("stages[0].async: true on a stage but the last");
  }

  private Map<String, Object> answerParametersOfHeavyCall() {
    return heavyParameters.getLast();
  }
}
