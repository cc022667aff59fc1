package io.mlsys.cli.examples;

import static io.mlsys.cli.examples.ExampleServer.data;
import static io.mlsys.cli.examples.ExampleServer.row;
import static io.mlsys.cli.examples.ExampleServer.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** examples/microservice-horizontal: fan-out to three models, the most confident answers. */
class MicroserviceHorizontalExampleTest {
  private static final String EXAMPLE = "microservice-horizontal";
  private static final List<String> SPECIES = List.of("setosa", "versicolor", "virginica");
  private static final String CATALOG_ROW = row("float_input", 1, 2, 3, 4);
  private static ExampleServer server;

  @BeforeAll
  static void start() {
    for (String species : SPECIES) {
      Fixtures.require("sklearn-iris/iris_svc_0_" + species + ".onnx");
    }
    server = ExampleServer.start(EXAMPLE, "mlsys.yaml", Map.of());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theCatalogRowGetsTheSampleAnswer() {
    JsonNode answer = server.infer("iris-ovr", CATALOG_ROW);

    // The catalog's sample answered {"proba": 0.3042130172252655, "label": "virginica"}.
    assertThat(data(answer, "proba").get(0).floatValue()).isEqualTo(0.3042130172252655f);
    assertThat(data(answer, "label").get(0).asText()).isEqualTo("virginica");
    assertThat(answer.at("/parameters/answered_by").asText())
        .isEqualTo("setosa,versicolor,virginica");
  }

  @Test
  void eachRowOfABatchGetsItsOwnWinner() {
    JsonNode answer =
        server.infer(
            "iris-ovr",
            rows("float_input", 5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3, 5.9, 3, 4.2, 1.5));

    assertThat(texts(data(answer, "label"))).containsExactly("setosa", "virginica", "versicolor");
    assertThat(data(answer, "proba").get(1).floatValue()).isCloseTo(0.99581474f, within(1e-5f));
  }

  @Test
  void anOptionalBranchOutOfTimeIsLeftOut() {
    server.setParameters("iris-ovr", "{\"ensemble.branches.virginica.timeout\":\"1us\"}");
    try {
      JsonNode answer = server.infer("iris-ovr", CATALOG_ROW);

      assertThat(answer.at("/parameters/answered_by").asText()).isEqualTo("setosa,versicolor");
      assertThat(data(answer, "label").get(0).asText()).isEqualTo("setosa");
      assertThat(data(answer, "proba").get(0).floatValue()).isCloseTo(0.2897034f, within(1e-5f));
    } finally {
      server.setParameters("iris-ovr", "{\"ensemble.branches.virginica.timeout\":\"500ms\"}");
    }
  }

  @Test
  void theRemoteGraphAnswersLikeTheLocalOne() {
    try (RemoteSetup remote = RemoteSetup.start()) {
      JsonNode answer = remote.graph.infer("iris-ovr", CATALOG_ROW);

      assertThat(data(answer, "proba").get(0).floatValue()).isEqualTo(0.3042130172252655f);
      assertThat(data(answer, "label").get(0).asText()).isEqualTo("virginica");
      assertThat(remote.modelServers.getFirst().successCount("iris-setosa")).isEqualTo(1);
    }
  }

  @Test
  void aSwitchedOffBranchIsNotCalledAtAll() {
    try (RemoteSetup remote = RemoteSetup.start()) {
      ExampleServer virginica = remote.modelServers.getLast();
      remote.graph.infer("iris-ovr", CATALOG_ROW);
      long calls = virginica.successCount("iris-virginica");
      remote.graph.setParameters("iris-ovr", "{\"ensemble.branches.virginica.active\":false}");

      JsonNode answer = remote.graph.infer("iris-ovr", CATALOG_ROW);

      assertThat(calls).isEqualTo(1);
      assertThat(answer.at("/parameters/answered_by").asText()).isEqualTo("setosa,versicolor");
      assertThat(virginica.successCount("iris-virginica")).isEqualTo(calls);
    }
  }

  @Test
  void aModelServerDownLeavesItsOptionalBranchOut() {
    try (RemoteSetup remote = RemoteSetup.start()) {
      remote.modelServers.getLast().close();

      JsonNode answer = remote.graph.infer("iris-ovr", CATALOG_ROW);

      assertThat(answer.at("/parameters/answered_by").asText()).isEqualTo("setosa,versicolor");
      assertThat(data(answer, "label").get(0).asText()).isEqualTo("setosa");
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(value -> texts.add(value.asText()));
    return texts;
  }

  /** Three model servers (setosa, versicolor, virginica) and a graph server calling them. */
  private static final class RemoteSetup implements AutoCloseable {
    final List<ExampleServer> modelServers = new ArrayList<>();
    ExampleServer graph;

    static RemoteSetup start() {
      RemoteSetup setup = new RemoteSetup();
      try {
        for (String species : SPECIES) {
          setup.modelServers.add(ExampleServer.start(EXAMPLE, species + "-server.yaml", Map.of()));
        }
        setup.graph =
            ExampleServer.start(
                EXAMPLE,
                "graph-server.yaml",
                Map.of(
                    "SETOSA_URL", setup.modelServers.get(0).url(),
                    "VERSICOLOR_URL", setup.modelServers.get(1).url(),
                    "VIRGINICA_URL", setup.modelServers.get(2).url()));
        return setup;
      } catch (RuntimeException e) {
        setup.close();
        throw e;
      }
    }

    @Override
    public void close() {
      if (graph != null) {
        graph.close();
      }
      modelServers.forEach(ExampleServer::close);
    }
  }
}
