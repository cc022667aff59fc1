package io.mlsys.cli.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.mlsys.server.config.MlsysConfig;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every config of the inference-graph examples loads strictly (unknown keys, types, rule syntax,
 * references between steps) and declares the graphs and models its README and run.sh use. Needs no
 * fixtures: model files are opened only when a server starts.
 */
class ExampleConfigsTest {
  private static final Map<String, String> REMOTE_URLS =
      Map.of(
          "SETOSA_URL", "http://127.0.0.1:9001",
          "VERSICOLOR_URL", "http://127.0.0.1:9002",
          "VIRGINICA_URL", "http://127.0.0.1:9003");
  private static final List<String> ONE_AGAINST_REST =
      List.of("iris-setosa", "iris-versicolor", "iris-virginica");

  static Stream<Arguments> configs() {
    String horizontal = "microservice-horizontal";
    return Stream.of(
        arguments(horizontal, "mlsys.yaml", List.of("iris-ovr"), ONE_AGAINST_REST),
        arguments(horizontal, "graph-server.yaml", List.of("iris-ovr"), List.of()),
        arguments(horizontal, "setosa-server.yaml", List.of(), List.of("iris-setosa")),
        arguments(horizontal, "versicolor-server.yaml", List.of(), List.of("iris-versicolor")),
        arguments(horizontal, "virginica-server.yaml", List.of(), List.of("iris-virginica")),
        arguments(
            "prep-pred", "mlsys.yaml", List.of("text-direction-graph"), List.of("text-direction")),
        arguments(
            "microservice-vertical",
            "mlsys.yaml",
            List.of("iris-checked"),
            List.of("iris-ocs", "iris-svc")),
        arguments(
            "condition-based",
            "mlsys.yaml",
            List.of("iris-routed"),
            List.of("iris-svc", "iris-setosa", "iris-versicolor", "iris-virginica")),
        arguments(
            "parameter-based",
            "mlsys.yaml",
            List.of("iris-ovr", "iris-cascade"),
            List.of(
                "iris-setosa", "iris-versicolor", "iris-virginica", "iris-light", "iris-heavy")),
        arguments(
            "multiple-stage",
            "mlsys.yaml",
            List.of("iris-cascade"),
            List.of("iris-light", "iris-heavy")),
        // Its model comes from --model-repository; the config is the prediction log's.
        arguments("prediction-log", "mlsys.yaml", List.of(), List.of()));
  }

  @ParameterizedTest(name = "{0}/{1}")
  @MethodSource("configs")
  void loadsWithTheGraphsAndModelsItDeclares(
      String example, String file, List<String> graphs, List<String> models) {
    MlsysConfig config = Examples.load(example, file, REMOTE_URLS);

    assertThat(config.graphs().keySet()).containsExactlyElementsOf(graphs);
    assertThat(config.models().keySet()).containsExactlyInAnyOrderElementsOf(models);
  }
}
