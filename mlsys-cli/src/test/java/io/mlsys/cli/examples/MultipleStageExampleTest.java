package io.mlsys.cli.examples;

import static io.mlsys.cli.examples.ExampleServer.data;
import static io.mlsys.cli.examples.ExampleServer.row;
import static io.mlsys.cli.examples.ExampleServer.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.testing.Fixtures;
import io.mlsys.training.IrisDemo;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/multiple-stage: the Tribuo demo (light) answers the rows it is sure of, the SVC (heavy)
 * the rest. The light model is trained as run.sh trains it (`mlsys train-demo`, seed 42).
 */
class MultipleStageExampleTest {
  private static final String GRAPH = "iris-cascade";
  @TempDir static Path models;
  private static ExampleServer server;

  @BeforeAll
  static void start() {
    Fixtures.require("sklearn-iris/iris_svc.onnx");
    IrisDemo.writeToRepository(IrisDemo.train(42), models, "iris-light");
    server =
        ExampleServer.start(
            "multiple-stage", "mlsys.yaml", Map.of("MLSYS_DEMO_MODELS", models.toString()));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aConfidentRowIsAnsweredByTheLightStage() {
    JsonNode answer = server.infer(GRAPH, row("input", 5.1, 3.5, 1.4, 0.2));

    assertThat(answer.at("/parameters/stage").asText()).isEqualTo("light");
    assertThat(data(answer, "stage").get(0).asText()).isEqualTo("light");
    assertThat(data(answer, "label").get(0).asLong()).isZero();
  }

  @Test
  void anAmbiguousRowIsEscalatedToTheHeavyStage() {
    JsonNode answer = server.infer(GRAPH, row("input", 6.0, 2.7, 5.1, 1.6));

    assertThat(answer.at("/parameters/stage").asText()).isEqualTo("heavy");
    assertThat(data(answer, "label").get(0).asLong()).isEqualTo(2);
    assertThat(ExampleServer.output(answer, "probabilities").get("datatype").asText())
        .isEqualTo("FP32");
  }

  @Test
  void onlyTheUnsureRowsOfABatchGoOn() {
    JsonNode answer =
        server.infer(
            GRAPH, rows("input", 5.1, 3.5, 1.4, 0.2, 6.0, 2.7, 5.1, 1.6, 4.9, 3.0, 1.4, 0.2));

    assertThat(data(answer, "stage").toString()).isEqualTo("[\"light\",\"heavy\",\"light\"]");
    assertThat(data(answer, "label").toString()).isEqualTo("[0,2,0]");
    assertThat(answer.at("/parameters/stage").isMissingNode()).isTrue();
  }
}
