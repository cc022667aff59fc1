package io.mlsys.cli.examples;

import static io.mlsys.cli.examples.ExampleServer.data;
import static io.mlsys.cli.examples.ExampleServer.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.testing.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** examples/condition-based: a switch on a header, an input value, else the default. */
class ConditionBasedExampleTest {
  private static final String GRAPH = "iris-routed";
  private static final String LONG_PETALS = row("float_input", 6.7, 3.0, 5.2, 2.3);
  private static final String SHORT_PETALS = row("float_input", 5.1, 3.5, 1.4, 0.2);
  private static ExampleServer server;

  @BeforeAll
  static void start() {
    for (String model :
        new String[] {"svc", "svc_0_setosa", "svc_0_versicolor", "svc_0_virginica"}) {
      Fixtures.require("sklearn-iris/iris_" + model + ".onnx");
    }
    server = ExampleServer.start("condition-based", "mlsys.yaml", Map.of());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theHeaderRuleAnswersFirst() {
    JsonNode answer = server.infer(GRAPH, SHORT_PETALS, "X-Model", "svc");

    assertThat(answer.at("/parameters/route").asText()).isEqualTo("asked-for-svc");
    assertThat(data(answer, "output_probability")).hasSize(3);
    assertThat(data(answer, "label").get(0).asText()).isEqualTo("setosa");
  }

  @Test
  void theInputRuleRoutesLongPetalsToTheTwoDetectors() {
    JsonNode answer = server.infer(GRAPH, LONG_PETALS);

    assertThat(answer.at("/parameters/route").asText()).isEqualTo("long-petals");
    assertThat(answer.at("/parameters/answered_by").asText()).isEqualTo("versicolor,virginica");
    assertThat(data(answer, "label").get(0).asText()).isEqualTo("virginica");
  }

  @Test
  void noRuleHoldingMeansTheDefaultRoute() {
    JsonNode answer = server.infer(GRAPH, SHORT_PETALS, "X-Model", "other");

    assertThat(answer.at("/parameters/route").asText()).isEqualTo("default");
    assertThat(data(answer, "label").get(0).asText()).isEqualTo("setosa");
  }

  @Test
  void everyRouteAnswersALabelSoTheGraphSignatureHasIt() {
    JsonNode metadata = server.get("/v2/models/" + GRAPH);

    assertThat(metadata.at("/outputs/0/name").asText()).isEqualTo("label");
    assertThat(metadata.at("/outputs/0/datatype").asText()).isEqualTo("BYTES");
  }
}
