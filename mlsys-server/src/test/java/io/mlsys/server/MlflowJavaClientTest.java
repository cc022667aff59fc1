package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mlsys.registry.RegistryConfig;
import io.mlsys.server.config.AuthConfig;
import io.mlsys.server.config.Role;
import io.mlsys.store.StoreConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.ModelRegistry.ModelVersionStatus;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * MLflow's own Java client ({@code org.mlflow:mlflow-client} 2.17.2), unchanged, against the
 * server: tracking, the registry reads it offers, and MLflow's errors as it sees them. It
 * authenticates with a bearer token, as {@code MLFLOW_TRACKING_TOKEN} does. (Its artifact calls
 * shell out to the Python CLI, so they are not exercised here.)
 */
class MlflowJavaClientTest {
  static final String ADMIN = "admin-token-0123456789";

  @TempDir Path dataDir;
  @TempDir Path sources;

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .config(
                      MlsysServerExtension.config()
                          .withAuth(
                              AuthConfig.defaults()
                                  .withMode(AuthConfig.Mode.REQUIRED)
                                  .withTokens(
                                      List.of(new AuthConfig.Token(ADMIN, "alice", Role.MANAGE)))))
                  .repository(new TestRepository())
                  .registry(
                      TestRegistries.open(
                          StoreConfig.defaults(),
                          dataDir,
                          RegistryConfig.defaults().withSourceRoots(List.of(sources)))));

  private MlflowClient client;

  private MlflowClient client() {
    if (client == null) {
      client =
          new MlflowClient(new BasicMlflowHostCreds("http://127.0.0.1:" + server.port(), ADMIN));
    }
    return client;
  }

  @AfterEach
  void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  @SuppressWarnings("deprecation") // searchRuns(List, String): what older clients call
  void trackingWorksThroughTheJavaClient() {
    MlflowClient mlflow = client();
    String experimentId = mlflow.createExperiment("iris-java");
    assertThat(mlflow.getExperiment(experimentId).getName()).isEqualTo("iris-java");
    assertThat(mlflow.getExperimentByName("iris-java").map(Experiment::getExperimentId))
        .contains(experimentId);
    assertThat(mlflow.getExperimentByName("no-such-experiment")).isEmpty();
    mlflow.setExperimentTag(experimentId, "team", "ml");

    RunInfo run = mlflow.createRun(experimentId);
    String runId = run.getRunId();
    assertThat(run.getStatus()).isEqualTo(RunStatus.RUNNING);
    // An authenticated caller is the run's user, whatever user.name the client sends.
    assertThat(run.getUserId()).isEqualTo("alice");
    mlflow.logParam(runId, "kernel", "rbf");
    mlflow.logMetric(runId, "accuracy", 0.93);
    mlflow.logMetric(runId, "loss", 0.7, 1_700_000_000_000L, 0);
    mlflow.logMetric(runId, "loss", 0.4, 1_700_000_000_100L, 1);
    mlflow.logBatch(
        runId,
        List.of(
            Metric.newBuilder()
                .setKey("f1")
                .setValue(0.9)
                .setTimestamp(1_700_000_000_200L)
                .setStep(2)
                .build()),
        List.of(Param.newBuilder().setKey("c").setValue("1.0").build()),
        List.of(RunTag.newBuilder().setKey("stage").setValue("dev").build()));
    mlflow.setTag(runId, "note", "first");
    mlflow.deleteTag(runId, "note");

    List<Metric> loss = mlflow.getMetricHistory(runId, "loss");
    assertThat(loss).extracting(Metric::getValue).containsExactly(0.7, 0.4);
    assertThat(loss).extracting(Metric::getStep).containsExactly(0L, 1L);

    List<Run> found =
        mlflow
            .searchRuns(List.of(experimentId), "metrics.accuracy > 0.9", ViewType.ACTIVE_ONLY, 10)
            .getItems();
    assertThat(found).extracting(r -> r.getInfo().getRunId()).containsExactly(runId);
    assertThat(
            mlflow
                .searchRuns(
                    List.of(experimentId), "params.kernel = 'linear'", ViewType.ACTIVE_ONLY, 10)
                .getItems())
        .isEmpty();
    assertThat(mlflow.searchExperiments().getItems())
        .extracting(Experiment::getName)
        .contains("iris-java");

    mlflow.setTerminated(runId, RunStatus.FINISHED, 1_700_000_001_000L);
    Run finished = mlflow.getRun(runId);
    assertThat(finished.getInfo().getStatus()).isEqualTo(RunStatus.FINISHED);
    assertThat(finished.getInfo().getEndTime()).isEqualTo(1_700_000_001_000L);
    assertThat(finished.getData().getParamsList())
        .extracting(Param::getKey)
        .containsExactlyInAnyOrder("kernel", "c");
    assertThat(finished.getData().getTagsList()).extracting(RunTag::getKey).contains("stage");
    assertThat(finished.getData().getTagsList()).extracting(RunTag::getKey).doesNotContain("note");
  }

  @Test
  void theRegistryReadsWorkThroughTheJavaClient() {
    MlflowClient mlflow = client();
    Path iris = TestRegistries.irisFolder(sources, "iris");
    // The Java client has no create calls for the registry: its raw POST sends them.
    mlflow.sendPost("registered-models/create", "{\"name\":\"iris\"}");
    mlflow.sendPost(
        "model-versions/create",
        MlflowHttp.json(Map.of("name", "iris", "source", iris.toString())));
    mlflow.sendPost(
        "model-versions/transition-stage",
        "{\"name\":\"iris\",\"version\":\"1\",\"stage\":\"Staging\",\"archive_existing_versions\":false}");

    assertThat(mlflow.getRegisteredModel("iris").getName()).isEqualTo("iris");
    assertThat(mlflow.getRegisteredModel("iris").getLatestVersionsList())
        .extracting(ModelVersion::getVersion)
        .containsExactly("1");
    assertThat(mlflow.getLatestVersions("iris"))
        .extracting(ModelVersion::getCurrentStage)
        .containsExactly("Staging");
    assertThat(mlflow.getLatestVersions("iris", List.of("Production"))).isEmpty();
    ModelVersion version = mlflow.getModelVersion("iris", "1");
    assertThat(version.getStatus()).isEqualTo(ModelVersionStatus.READY);
    assertThat(version.getUserId()).isEqualTo("alice");
    assertThat(mlflow.searchModelVersions("name = 'iris'").getItems())
        .extracting(ModelVersion::getVersion)
        .containsExactly("1");
    assertThat(mlflow.getModelVersionDownloadUri("iris", "1"))
        .matches("mlflow-artifacts:/_registry/[0-9a-f]{64}");
  }

  @Test
  void mlflowErrorsReachTheJavaClient() {
    MlflowClient mlflow = client();
    mlflow.sendPost("registered-models/create", "{\"name\":\"iris\"}");

    MlflowHttpException unknown =
        catchThrowableOfType(MlflowHttpException.class, () -> mlflow.getRegisteredModel("nope"));
    assertThat(unknown.getStatusCode()).isEqualTo(404);
    assertThat(unknown.getBodyMessage()).contains("RESOURCE_DOES_NOT_EXIST");

    MlflowHttpException badVersion =
        catchThrowableOfType(
            MlflowHttpException.class, () -> mlflow.getModelVersion("iris", "one"));
    assertThat(badVersion.getStatusCode()).isEqualTo(400);
    assertThat(badVersion.getBodyMessage()).contains("INVALID_PARAMETER_VALUE");

    MlflowHttpException duplicate =
        catchThrowableOfType(
            MlflowHttpException.class,
            () -> mlflow.sendPost("registered-models/create", "{\"name\":\"iris\"}"));
    assertThat(duplicate.getStatusCode()).isEqualTo(400);
    assertThat(duplicate.getBodyMessage()).contains("RESOURCE_ALREADY_EXISTS");

    MlflowHttpException outside =
        catchThrowableOfType(
            MlflowHttpException.class,
            () ->
                mlflow.sendPost(
                    "model-versions/create", "{\"name\":\"iris\",\"source\":\"/etc/passwd\"}"));
    assertThat(outside.getStatusCode()).isEqualTo(400);
    assertThat(outside.getBodyMessage()).contains("INVALID_PARAMETER_VALUE").contains("source");
  }
}
