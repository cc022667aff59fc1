package io.mlsys.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mlsys.core.CallContext;
import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.onnx.OnnxModel;
import io.mlsys.onnx.OnnxModelOptions;
import io.mlsys.testing.Fixtures;
import io.mlsys.testing.StubModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The catalog's iris examples on the real scikit-learn models of the shared fixtures. */
class IrisGraphTest {
  private static final String PROBABILITY = "output_probability";
  private static final List<OnnxModel> LOADED = new ArrayList<>();
  private static final TestModels MODELS = new TestModels();
  private static final List<Long> HEAVY_ROWS = new ArrayList<>();

  @BeforeAll
  static void load() {
    for (String species : List.of("setosa", "versicolor", "virginica")) {
      MODELS.add(load("iris_" + species, "sklearn-iris/iris_svc_0_" + species + ".onnx"));
    }
    MODELS.add(load("iris_svc", "sklearn-iris/iris_svc.onnx"));
    OnnxModel heavy = load("iris_heavy", "sklearn-iris/iris_svc.onnx");
    MODELS.add(
        new StubModel(
            heavy.metadata(),
            (request, context) -> {
              HEAVY_ROWS.add(request.inputs().getFirst().shape()[0]);
              return heavy.infer(request, context);
            }));
  }

  private static OnnxModel load(String name, String fixture) {
    OnnxModel model =
        OnnxModel.load(Fixtures.require(fixture), OnnxModelOptions.defaults(name, "1"));
    LOADED.add(model);
    return model;
  }

  @AfterAll
  static void close() {
    LOADED.forEach(OnnxModel::close);
  }

  private static InferResponse infer(Graphs graphs, float... rows) {
    InferRequest request =
        InferRequest.of(Tensor.ofFloats("float_input", new long[] {rows.length / 4, 4}, rows));
    return graphs.predictor("iris").infer(request, CallContext.of(MODELS.clock));
  }

  private static NodeConfig probability(String model) {
    return TestModels.model(model, PROBABILITY);
  }

  private static Graphs horizontal() {
    Map<String, EnsembleOptions.Branch> branches = new LinkedHashMap<>();
    for (String species : List.of("setosa", "versicolor", "virginica")) {
      branches.put(species, EnsembleOptions.Branch.of(probability("iris_" + species)));
    }
    return MODELS.graphs(
        "iris",
        new EnsembleOptions(branches, new CombinerConfig.Max(PROBABILITY, 0, "proba", "label")));
  }

  @Test
  void theHorizontalEnsembleAnswersTheMostLikelySpeciesAsTheCatalogSampleDoes() {
    InferResponse answer = infer(horizontal(), 1, 2, 3, 4);

    assertThat(answer.output("proba").orElseThrow().floats()[0])
        .isCloseTo(0.3042130172252655f, within(1e-5f));
    assertThat(answer.output("label").orElseThrow().strings()).containsExactly("virginica");
    assertThat(answer.parameters()).containsEntry("answered_by", "setosa,versicolor,virginica");
  }

  @Test
  void theHorizontalExampleLoadsFromYaml() {
    Map<String, GraphConfig> graphs =
        TestModels.parse(
            """
            graphs:
              iris:
                ensemble:
                  branches:
                    setosa: { model: { name: iris_setosa, outputs: [output_probability] } }
                    versicolor: { model: { name: iris_versicolor, outputs: [output_probability] } }
                    virginica: { model: { name: iris_virginica, outputs: [output_probability] } }
                  combine:
                    max: { output: output_probability, score-output: proba, label-output: label }
            """);

    InferResponse answer = infer(MODELS.graphs(graphs), 1, 2, 3, 4);

    assertThat(answer.output("proba").orElseThrow().floats()[0])
        .isCloseTo(0.30421302f, within(1e-5f));
    assertThat(answer.output("label").orElseThrow().strings()).containsExactly("virginica");
  }

  @Test
  void theHorizontalEnsembleAnswersEveryRowOfABatch() {
    InferResponse answer = infer(horizontal(), 5.1f, 3.5f, 1.4f, 0.2f, 6.7f, 3.0f, 5.2f, 2.3f);

    assertThat(answer.output("proba").orElseThrow().floats())
        .containsExactly(new float[] {0.98241454f, 0.99581474f}, within(1e-5f));
    assertThat(answer.output("label").orElseThrow().strings())
        .containsExactly("setosa", "virginica");
  }

  @Test
  void theHorizontalGraphSignatureComesFromTheModels() {
    ModelMetadata metadata = horizontal().metadata("iris");

    assertThat(metadata.inputs())
        .containsExactly(new TensorSpec("float_input", DataType.FP32, List.of(-1L, 4L)));
    assertThat(metadata.outputs())
        .containsExactly(
            new TensorSpec("proba", DataType.FP32, List.of(-1L)),
            new TensorSpec("label", DataType.BYTES, List.of(-1L)));
    assertThat(metadata.platform()).isEqualTo("mlsys_graph");
    assertThat(metadata.version()).isEqualTo("1");
    assertThat(metadata.properties())
        .containsEntry(
            "nodes",
            "ensemble(setosa: iris_setosa, versicolor: iris_versicolor, virginica: iris_virginica;"
                + " combine: max)")
        .containsEntry("inputs.complete", "true")
        .containsEntry("outputs.complete", "true");
  }

  @Test
  void theCascadeSendsOnlyUnsureRowsToTheNextStage() {
    HEAVY_ROWS.clear();
    Graphs graphs =
        MODELS.graphs(
            "iris",
            new CascadeOptions(
                List.of(
                    new CascadeOptions.Stage(
                        TestModels.model("iris_svc"),
                        "light",
                        new CascadeOptions.Accept(PROBABILITY, 0.9)),
                    new CascadeOptions.Stage(TestModels.model("iris_heavy"), "heavy", null)),
                null));

    InferResponse answer =
        infer(graphs, 5.1f, 3.5f, 1.4f, 0.2f, 1, 2, 3, 4, 6.7f, 3.0f, 5.2f, 2.3f);

    assertThat(HEAVY_ROWS).containsExactly(1L);
    assertThat(answer.output("output_label").orElseThrow().longs()).containsExactly(0, 2, 2);
    assertThat(answer.output("stage").orElseThrow().strings())
        .containsExactly("light", "heavy", "light");
    float[] probabilities = answer.output(PROBABILITY).orElseThrow().floats();
    assertThat(probabilities).hasSize(9);
    assertThat(new float[] {probabilities[3], probabilities[4], probabilities[5]})
        .containsExactly(new float[] {0.36133277f, 0.25747606f, 0.38119125f}, within(1e-5f));
  }

  @Test
  void theSwitchRoutesByAnElementOfTheInput() {
    Condition longPetal = Condition.parse("inputs.float_input[0][2] > 2.5");
    Graphs graphs =
        MODELS.graphs(
            "iris",
            new SwitchOptions(
                List.of(
                    new SwitchOptions.Rule(probability("iris_virginica"), "long_petal", longPetal)),
                probability("iris_setosa"),
                null));

    InferResponse longOne = infer(graphs, 1, 2, 3, 4);
    InferResponse shortOne = infer(graphs, 5.1f, 3.5f, 1.4f, 0.2f);

    assertThat(longOne.parameters()).containsEntry("route", "long_petal");
    assertThat(longOne.output(PROBABILITY).orElseThrow().floats()[0])
        .isCloseTo(0.30421302f, within(1e-5f));
    assertThat(shortOne.parameters()).containsEntry("route", "default");
    assertThat(shortOne.output(PROBABILITY).orElseThrow().floats()[0])
        .isCloseTo(0.98241454f, within(1e-5f));
  }
}
