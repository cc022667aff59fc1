package io.mlsys.cli.examples;

import static io.mlsys.cli.examples.ExampleServer.data;
import static io.mlsys.cli.examples.ExampleServer.row;
import static io.mlsys.cli.examples.ExampleServer.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.graph.GraphOptions;
import io.mlsys.testing.Fixtures;
import io.mlsys.training.IrisDemo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/parameter-based: runtime parameters read and changed over HTTP. (Reloading the edited
 * file is shown by run.sh, which ExamplesIT runs.)
 */
class ParameterBasedExampleTest {
  private static final String CATALOG_ROW = row("float_input", 1, 2, 3, 4);
  private static final String THREE_ROWS =
      rows("input", 5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3, 6.0, 2.7, 5.1, 1.6);
  @TempDir static Path models;
  private static ExampleServer server;

  @BeforeAll
  static void start() {
    for (String model :
        new String[] {"svc", "svc_0_setosa", "svc_0_versicolor", "svc_0_virginica"}) {
      Fixtures.require("sklearn-iris/iris_" + model + ".onnx");
    }
    IrisDemo.writeToRepository(IrisDemo.train(42), models, "iris-light");
    server =
        ExampleServer.start(
            "parameter-based", "mlsys.yaml", Map.of("MLSYS_DEMO_MODELS", models.toString()));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theParametersOfAGraphAreReadByPath() {
    JsonNode parameters = server.get("/v2/models/iris-cascade/parameters");

    assertThat(parameters.get("name").asText()).isEqualTo("iris-cascade");
    assertThat(parameters.at("/parameters/cascade.stages.light.threshold").asDouble())
        .isEqualTo(0.9);
    assertThat(parameters.get("parameters").has("cascade.stages.heavy.threshold")).isFalse();
  }

  @Test
  void aChangeAnswersTheOldAndTheNewValue() {
    try {
      JsonNode changed =
          server.setParameters(
              "iris-ovr", "{\"ensemble.branches.virginica.active\":false}", "Mlsys-User", "alice");

      assertThat(changed.at("/changed/0/path").asText())
          .isEqualTo("ensemble.branches.virginica.active");
      assertThat(changed.at("/changed/0/old").asBoolean()).isTrue();
      assertThat(changed.at("/changed/0/new").asBoolean()).isFalse();
    } finally {
      server.setParameters("iris-ovr", "{\"ensemble.branches.virginica.active\":true}");
    }
  }

  @Test
  void aChangeIsAuditedWithWhoMadeIt() {
    List<String> audit = new CopyOnWriteArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord logRecord) {
            audit.add(logRecord.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger auditLogger = Logger.getLogger(GraphOptions.AUDIT_LOGGER);
    auditLogger.addHandler(handler);
    try {
      server.setParameters(
          "iris-cascade", "{\"cascade.stages.light.threshold\":0.75}", "Mlsys-User", "bob");

      assertThat(audit)
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains(
                          "graph=iris-cascade path=cascade.stages.light.threshold old=0.9"
                              + " new=0.75 who=bob"));
    } finally {
      auditLogger.removeHandler(handler);
      server.setParameters("iris-cascade", "{\"cascade.stages.light.threshold\":0.9}");
    }
  }

  @Test
  void anInactiveBranchIsLeftOutOfTheAnswer() {
    server.setParameters("iris-ovr", "{\"ensemble.branches.virginica.active\":false}");
    try {
      JsonNode answer = server.infer("iris-ovr", CATALOG_ROW);

      // answered_by lists the branches whose answers were combined. (A model's /stats count
      // calls to its own endpoint only; MicroserviceHorizontalExampleTest counts a remote one.)
      assertThat(answer.at("/parameters/answered_by").asText()).isEqualTo("setosa,versicolor");
      assertThat(data(answer, "label").get(0).asText()).isEqualTo("setosa");
    } finally {
      server.setParameters("iris-ovr", "{\"ensemble.branches.virginica.active\":true}");
    }
  }

  @Test
  void aLowerThresholdLetsTheLightStageAnswerMoreRows() {
    assertThat(data(server.infer("iris-cascade", THREE_ROWS), "stage").toString())
        .isEqualTo("[\"light\",\"heavy\",\"heavy\"]");
    server.setParameters("iris-cascade", "{\"cascade.stages.light.threshold\":0.8}");
    try {
      JsonNode answer = server.infer("iris-cascade", THREE_ROWS);

      assertThat(data(answer, "stage").toString()).isEqualTo("[\"light\",\"light\",\"heavy\"]");
    } finally {
      server.setParameters("iris-cascade", "{\"cascade.stages.light.threshold\":0.9}");
    }
  }

  @Test
  void aBadValueIsABadRequestNamingTheParameterAndChangesNothing() {
    ExampleServer.Reply reply =
        server.call(
            "PUT",
            "/v2/models/iris-cascade/parameters",
            "{\"parameters\":{\"cascade.stages.light.threshold\":\"high\"}}");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body().get("error").asText())
        .contains("parameters.cascade.stages.light.threshold");
    assertThat(
            server
                .get("/v2/models/iris-cascade/parameters")
                .at("/parameters/cascade.stages.light.threshold")
                .asDouble())
        .isEqualTo(0.9);
  }
}
