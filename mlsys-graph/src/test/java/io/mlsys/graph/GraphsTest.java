package io.mlsys.graph;

import static io.mlsys.graph.TestModels.floats;
import static io.mlsys.graph.TestModels.model;
import static io.mlsys.graph.TestModels.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.mlsys.config.ConfigException;
import io.mlsys.core.CallContext;
import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.transform.TransformConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GraphsTest {
  private final TestModels models = new TestModels();
  private final InferRequest request =
      new InferRequest("req-7", List.of(floats("x", new long[] {1, 2}, 1, 3)), List.of(), Map.of());

  private InferResponse infer(Graphs graphs, String name, InferRequest call) {
    return graphs.predictor(name).infer(call, CallContext.of(models.clock));
  }

  private static NodeConfig sequence(NodeConfig... nodes) {
    Map<String, SequenceOptions.Step> steps = new LinkedHashMap<>();
    for (int i = 0; i < nodes.length; i++) {
      steps.put("s" + i, SequenceOptions.Step.of(nodes[i]));
    }
    return NodeConfig.of(new SequenceOptions(steps));
  }

  @Test
  void aModelNodeNamingAGraphCallsThatGraph() {
    models.plus("plus1", "y", 1);
    models.plus("plus10", "z", 10);
    Map<String, GraphConfig> graphs = new LinkedHashMap<>();
    graphs.put("outer", new GraphConfig(sequence(model("inner"), model("plus10"))));
    graphs.put("inner", new GraphConfig(model("plus1")));

    InferResponse answer = infer(models.graphs(graphs), "outer", request);

    assertThat(answer.modelName()).isEqualTo("outer");
    assertThat(answer.outputs().getFirst().floats()).containsExactly(12, 14);
    assertThat(models.graphs(graphs).names()).containsExactly("outer", "inner");
  }

  @Test
  void theOutputsTheClientNamesFilterTheAnswer() {
    models.stub(
        "two",
        (call, context) ->
            TestModels.answer(
                "two", call, floats("a", new long[] {1}, 1), floats("b", new long[] {1}, 2)));
    Graphs graphs = models.graphs("g", model("two"));

    InferResponse answer =
        infer(graphs, "g", request.withOutputs(List.of(RequestedOutput.named("b"))));

    assertThat(answer.outputs()).extracting(Tensor::name).containsExactly("b");
  }

  @Test
  void anOutputTheGraphDoesNotAnswerIsAnInvalidInput() {
    models.echo("echo");
    Graphs graphs = models.graphs("g", model("echo"));

    assertThatThrownBy(
            () -> infer(graphs, "g", request.withOutputs(List.of(RequestedOutput.named("nope")))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("outputs[0].name: 'nope' (expected: an output of graph 'g': [x])");
  }

  @Test
  void anUnknownGraphIsNotFound() {
    Graphs graphs = Graphs.empty();

    assertThat(graphs.names()).isEmpty();
    assertThat(graphs.contains("g")).isFalse();
    assertThat(graphs.isReady("g")).isFalse();
    assertThatThrownBy(() -> graphs.predictor("g")).isInstanceOf(ModelNotFoundException.class);
    assertThatThrownBy(() -> graphs.metadata("g")).isInstanceOf(ModelNotFoundException.class);
  }

  @Test
  void aGraphIsReadyWhenEveryModelItCallsIsReadyAlsoThroughOtherGraphs() {
    models.echo("a");
    models.echo("b");
    models.markNotReady("b");
    Map<String, GraphConfig> configs = new LinkedHashMap<>();
    configs.put("outer", new GraphConfig(sequence(model("a"), model("inner"))));
    configs.put("inner", new GraphConfig(model("b")));
    Graphs graphs = models.graphs(configs);

    assertThat(graphs.isReady("outer")).isFalse();
    models.markReady("b");
    assertThat(graphs.isReady("outer")).isTrue();
  }

  @Test
  void aModelRemovedAfterTheBuildMakesTheGraphNotReadyNamingTheNode() {
    models.echo("a");
    Graphs graphs = models.graphs("g", sequence(model("a")));
    models.remove("a");

    assertThatThrownBy(() -> infer(graphs, "g", request))
        .isInstanceOf(ModelNotReadyException.class)
        .hasMessage("model 'a' is not ready: graphs.g.sequence[s0]: model 'a' is not found");
  }

  @Test
  void aTransformNodeRunsItsStepsAndKeepsTheRequestId() {
    Graphs graphs =
        models.graphs(
            "g",
            TransformOptions.of(
                new TransformConfig.Scale("x", List.of(1.0), List.of(2.0), "scaled")));

    InferResponse answer = infer(graphs, "g", request);

    assertThat(answer.id()).isEqualTo("req-7");
    assertThat(answer.output("scaled").orElseThrow().floats()).containsExactly(0, 1);
  }

  @Test
  void aTransformBetweenModelsIsCheckedAgainstTheSignatures() {
    models.stub(
        "pairs",
        List.of(spec("x", DataType.FP32, -1, 2)),
        List.of(spec("x", DataType.FP32, -1, 2)),
        (call, context) -> TestModels.answer("pairs", call));
    wide();
    NodeConfig root = sequence(model("pairs"), scale(), model("wide"));

    assertThatThrownBy(() -> models.graphs("g", root))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "graphs.g.sequence.s2.model: model 'wide' reads input 'scaled' of shape [-1, 2]"
                + " (expected: [-1, 3])");
  }

  @Test
  void anInputOnlyATransformReadsHasNoKnownDatatype() {
    wide();

    ModelMetadata metadata = models.graphs("g", sequence(scale(), model("wide"))).metadata("g");

    assertThat(metadata.inputs()).isEmpty();
    assertThat(metadata.properties())
        .containsEntry("inputs.untyped", "x")
        .containsEntry("nodes", "sequence(s0: transform(scale), s1: wide)");
    assertThat(metadata.outputs()).containsExactly(spec("y", DataType.FP32, -1));
  }

  private void wide() {
    models.stub(
        "wide",
        List.of(spec("scaled", DataType.FP32, -1, 3)),
        List.of(spec("y", DataType.FP32, -1)),
        (call, context) -> TestModels.answer("wide", call));
  }

  @Test
  void anImageTransformsInputIsBytesOneImagePerRow() {
    models.stub(
        "vision",
        List.of(spec("x", DataType.FP32, -1, 3, 2, 2)),
        List.of(spec("y", DataType.FP32, -1)),
        (call, context) -> TestModels.answer("vision", call));
    NodeConfig decode =
        NodeConfig.of(
            TransformOptions.of(
                new TransformConfig.Image(
                    "image", "x", 2, 2, null, null, null, null, null, null, null, null)));

    ModelMetadata metadata = models.graphs("g", sequence(decode, model("vision"))).metadata("g");

    assertThat(metadata.inputs()).containsExactly(spec("image", DataType.BYTES, -1));
    assertThat(metadata.properties()).doesNotContainKey("inputs.untyped");
  }

  @Test
  void aRenameCarriesWhatTheModelReadsBackToTheRequestsName() {
    models.stub(
        "m",
        List.of(spec("x", DataType.FP32, -1, 2), spec("k", DataType.INT64, -1)),
        List.of(spec("y", DataType.FP32, -1)),
        (call, context) -> TestModels.answer("m", call));
    NodeConfig prepare =
        NodeConfig.of(
            TransformOptions.of(
                new TransformConfig.Select(List.of("raw", "k")),
                new TransformConfig.Rename(Map.of("raw", "x"))));

    ModelMetadata metadata = models.graphs("g", sequence(prepare, model("m"))).metadata("g");

    assertThat(metadata.inputs())
        .containsExactly(spec("raw", DataType.FP32, -1, 2), spec("k", DataType.INT64, -1));
    assertThat(metadata.properties())
        .containsEntry("inputs.complete", "true")
        .containsEntry("nodes", "sequence(s0: transform(select, rename), s1: m)");
  }

  @Test
  void aCustomStepThatDoesNotSayWhatItReadsLeavesTheInputsIncomplete() {
    models.stub(
        "m",
        List.of(spec("x", DataType.FP32, -1, 2)),
        List.of(spec("y", DataType.FP32, -1)),
        (call, context) -> TestModels.answer("m", call));
    NodeConfig custom =
        NodeConfig.of(TransformOptions.of(new TransformConfig.Custom("pass-through", Map.of())));

    ModelMetadata metadata = models.graphs("g", sequence(custom, model("m"))).metadata("g");

    assertThat(metadata.inputs()).containsExactly(spec("x", DataType.FP32, -1, 2));
    assertThat(metadata.properties())
        .containsEntry("inputs.complete", "false")
        .containsEntry("nodes", "sequence(s0: transform(custom pass-through), s1: m)");
  }

  private static NodeConfig scale() {
    return NodeConfig.of(
        TransformOptions.of(new TransformConfig.Scale("x", List.of(1.0), List.of(2.0), "scaled")));
  }

  @Test
  void theSignatureIsIncompleteWhileAModelIsNotReady() {
    models.stub(
        "m",
        List.of(spec("x", DataType.FP32, -1, 2)),
        List.of(spec("y", DataType.FP32, -1)),
        (call, context) -> TestModels.answer("m", call));
    models.markNotReady("m");
    Graphs graphs = models.graphs("g", model("m"));

    assertThat(graphs.metadata("g").properties())
        .containsEntry("inputs.complete", "false")
        .containsEntry("outputs.complete", "false");
    models.markReady("m");
    assertThat(graphs.metadata("g").inputs())
        .containsExactly(new TensorSpec("x", DataType.FP32, List.of(-1L, 2L)));
  }

  @Test
  void aRemoteNodeCallsTheServerThroughASharedClientClosedWithTheGraphs() throws IOException {
    AtomicInteger calls = new AtomicInteger();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v2/models/far/infer",
        exchange -> {
          calls.incrementAndGet();
          exchange.getRequestBody().readAllBytes();
          byte[] body =
              ("{\"model_name\":\"far\",\"model_version\":\"3\",\"outputs\":[{\"name\":\"y\","
                      + "\"datatype\":\"FP32\",\"shape\":[1],\"data\":[7.5]}]}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort();
      Graphs graphs =
          models.graphs(
              "g",
              sequence(
                  NodeConfig.of(RemoteOptions.of(url, "far")),
                  NodeConfig.of(RemoteOptions.of(url, "far"))));

      InferResponse answer = infer(graphs, "g", request);
      graphs.close();

      assertThat(answer.outputs().getFirst().floats()).containsExactly(7.5f);
      assertThat(calls.get()).isEqualTo(2);
      assertThat(graphs.metadata("g").properties()).containsEntry("inputs.complete", "false");
      assertThatThrownBy(() -> infer(graphs, "g", request))
          .isInstanceOf(ModelExecutionException.class)
          .hasMessageContaining("graphs.g.sequence[s0]");
    } finally {
      server.stop(0);
    }
  }
}
