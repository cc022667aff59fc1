package io.mlsys.cli.examples;

import static io.mlsys.cli.examples.ExampleServer.data;
import static io.mlsys.cli.examples.ExampleServer.row;
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

/** examples/microservice-vertical: outlier check, then classify only inliers, then name them. */
class MicroserviceVerticalExampleTest {
  private static final String GRAPH = "iris-checked";
  private static final String INLIER = row("float_input", 6.7, 3.0, 5.2, 2.3);
  private static final String OUTLIER = row("float_input", 50, 30.1, 111.4, 110.2);
  private static ExampleServer server;

  @BeforeAll
  static void start() {
    Fixtures.require("sklearn-iris/iris_ocs.onnx");
    Fixtures.require("sklearn-iris/iris_svc.onnx");
    Fixtures.require("sklearn-iris/label.json");
    server = ExampleServer.start("microservice-vertical", "mlsys.yaml", Map.of());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anInlierIsClassifiedAndNamed() {
    JsonNode answer = server.infer(GRAPH, INLIER);

    assertThat(data(answer, "species").get(0).asText()).isEqualTo("virginica");
    assertThat(data(answer, "output_probability").get(2).floatValue())
        .isCloseTo(0.9803286f, within(1e-5f));
  }

  @Test
  void theOutlierIsNotClassified() {
    JsonNode answer = server.infer(GRAPH, OUTLIER);

    assertThat(names(answer)).containsExactly("outlier_label", "outlier_score");
    assertThat(data(answer, "outlier_label").get(0).asLong()).isEqualTo(-1);
    assertThat(data(answer, "outlier_score").get(0).floatValue())
        .isCloseTo(-2.9413142f, within(1e-5f));
  }

  @Test
  void aStepOutOfItsOwnTimeFailsTheCallNamingTheStep() {
    server.setParameters(GRAPH, "{\"sequence.classify.timeout\":\"1us\"}");
    try {
      ExampleServer.Reply reply = server.call("POST", "/v2/models/" + GRAPH + "/infer", INLIER);

      assertThat(reply.status()).isEqualTo(504);
      assertThat(reply.body().get("error").asText()).contains("classify");
    } finally {
      server.setParameters(GRAPH, "{\"sequence.classify.timeout\":\"100ms\"}");
    }
  }

  @Test
  void anOutlierNeverReachesATimedOutStep() {
    server.setParameters(GRAPH, "{\"sequence.classify.timeout\":\"1us\"}");
    try {
      JsonNode answer = server.infer(GRAPH, OUTLIER);

      assertThat(data(answer, "outlier_label").get(0).asLong()).isEqualTo(-1);
    } finally {
      server.setParameters(GRAPH, "{\"sequence.classify.timeout\":\"100ms\"}");
    }
  }

  private static List<String> names(JsonNode answer) {
    List<String> names = new ArrayList<>();
    answer.get("outputs").forEach(output -> names.add(output.get("name").asText()));
    return names;
  }
}
