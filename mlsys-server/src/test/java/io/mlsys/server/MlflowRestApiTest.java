package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.RegistryConfig;
import io.mlsys.server.MlflowHttp.Answer;
import io.mlsys.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLflow's REST API over real HTTP against a server with a registry on SQLite in a temp folder: the
 * JSON shapes MLflow clients read, MLflow's error codes and statuses, and registration that copies
 * and loads the artifact.
 */
class MlflowRestApiTest {
  static final String API = "/api/2.0/mlflow";
  static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";

  @TempDir Path dataDir;
  @TempDir Path sources;

  private ModelRegistry registry;

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder -> {
            registry =
                TestRegistries.open(
                    StoreConfig.defaults(),
                    dataDir,
                    RegistryConfig.defaults()
                        .withSourceRoots(List.of(sources))
                        .withMaxArtifactBytes(1 << 20));
            return builder.repository(new TestRepository()).registry(registry);
          });

  final MlflowHttp http = new MlflowHttp(() -> server.port());

  /**
   * The main flow a client goes through, shared with the PostgreSQL test: model, version from a
   * local source, alias, stage, tags, search, tracking run with metrics.
   */
  static void mainFlow(MlflowHttp http, Path sources) {
    Path iris = TestRegistries.irisFolder(sources, "iris-v1");

    Answer created =
        http.post(
            API + "/registered-models/create",
            "{\"name\":\"iris\",\"description\":\"iris classifier\","
                + "\"tags\":[{\"key\":\"team\",\"value\":\"ml\"}]}");
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    JsonNode model = created.json().path("registered_model");
    assertThat(model.path("name").asText()).isEqualTo("iris");
    assertThat(model.path("description").asText()).isEqualTo("iris classifier");
    assertThat(model.path("creation_timestamp").isIntegralNumber()).isTrue();
    assertThat(model.path("tags").get(0).path("key").asText()).isEqualTo("team");

    Answer duplicate = http.post(API + "/registered-models/create", "{\"name\":\"iris\"}");
    assertThat(duplicate.status()).isEqualTo(400);
    assertThat(duplicate.errorCode()).isEqualTo("RESOURCE_ALREADY_EXISTS");

    Answer version =
        http.post(
            API + "/model-versions/create",
            MlflowHttp.json(
                Map.of(
                    "name",
                    "iris",
                    "source",
                    iris.toString(),
                    "description",
                    "first",
                    "tags",
                    List.of(Map.of("key", "data", "value", "v1")))));
    assertThat(version.status()).as(version.toString()).isEqualTo(200);
    JsonNode v1 = version.json().path("model_version");
    assertThat(v1.path("version").isTextual()).isTrue();
    assertThat(v1.path("version").asText()).isEqualTo("1");
    assertThat(v1.path("status").asText()).isEqualTo("READY");
    assertThat(v1.path("current_stage").asText()).isEqualTo("None");
    assertThat(v1.path("source").asText()).isEqualTo(iris.toString());

    Answer alias =
        http.post(
            API + "/registered-models/alias",
            "{\"name\":\"iris\",\"alias\":\"champion\",\"version\":\"1\"}");
    assertThat(alias.status()).as(alias.toString()).isEqualTo(200);
    Answer byAlias =
        http.get(API + "/registered-models/alias", "name", "iris", "alias", "champion");
    assertThat(byAlias.json().path("model_version").path("version").asText()).isEqualTo("1");
    assertThat(byAlias.json().path("model_version").path("aliases").get(0).asText())
        .isEqualTo("champion");
    Answer withAlias = http.get(API + "/registered-models/get", "name", "iris");
    assertThat(withAlias.json().path("registered_model").path("aliases").get(0).toString())
        .isEqualTo("{\"alias\":\"champion\",\"version\":\"1\"}");

    Answer latest = http.get(API + "/registered-models/get-latest-versions", "name", "iris");
    assertThat(latest.json().path("model_versions").get(0).path("current_stage").asText())
        .isEqualTo("None");
    Answer staged =
        http.post(
            API + "/model-versions/transition-stage",
            "{\"name\":\"iris\",\"version\":\"1\",\"stage\":\"production\","
                + "\"archive_existing_versions\":false}");
    assertThat(staged.json().path("model_version").path("current_stage").asText())
        .isEqualTo("Production");
    Answer production =
        http.post(
            API + "/registered-models/get-latest-versions",
            "{\"name\":\"iris\",\"stages\":[\"Production\"]}");
    assertThat(production.json().path("model_versions")).hasSize(1);

    Answer search =
        http.get(API + "/model-versions/search", "filter", "name = 'iris'", "max_results", "10");
    assertThat(search.status()).as(search.toString()).isEqualTo(200);
    assertThat(search.json().path("model_versions")).hasSize(1);
    Answer models = http.get(API + "/registered-models/search", "filter", "name LIKE 'ir%'");
    assertThat(models.json().path("registered_models").get(0).path("name").asText())
        .isEqualTo("iris");

    Answer experiment = http.post(API + "/experiments/create", "{\"name\":\"iris-training\"}");
    assertThat(experiment.status()).as(experiment.toString()).isEqualTo(200);
    String experimentId = experiment.json().path("experiment_id").asText();
    Answer run =
        http.post(
            API + "/runs/create",
            "{\"experiment_id\":\""
                + experimentId
                + "\",\"start_time\":\"1700000000000\",\"run_name\":\"svc\"}");
    assertThat(run.status()).as(run.toString()).isEqualTo(200);
    String runId = run.json().path("run").path("info").path("run_id").asText();
    assertThat(
            http.post(
                    API + "/runs/log-metric",
                    "{\"run_id\":\""
                        + runId
                        + "\",\"key\":\"accuracy\",\"value\":0.97,\"timestamp\":1700000000001,"
                        + "\"step\":1}")
                .status())
        .isEqualTo(200);
    Answer history =
        http.get(API + "/metrics/get-history", "run_id", runId, "metric_key", "accuracy");
    assertThat(history.json().path("metrics").get(0).path("value").asDouble()).isEqualTo(0.97);
    Answer found =
        http.post(
            API + "/runs/search",
            "{\"experiment_ids\":[\""
                + experimentId
                + "\"],\"filter\":\"metrics.accuracy > 0.9\"}");
    assertThat(found.status()).as(found.toString()).isEqualTo(200);
    assertThat(found.json().path("runs").get(0).path("info").path("run_id").asText())
        .isEqualTo(runId);
  }

  @Test
  void theMainFlowWorks() {
    mainFlow(http, sources);
  }

  @Test
  void anUnknownModelIsResourceDoesNotExist() {
    Answer answer = http.get(API + "/registered-models/get", "name", "nope");

    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    assertThat(answer.message()).contains("nope");
    assertThat(answer.header("Content-Type")).isEqualTo("application/json");
  }

  @Test
  void aBadVersionIsInvalidParameterValueNamingIt() {
    http.post(API + "/registered-models/create", "{\"name\":\"iris\"}");

    Answer answer = http.get(API + "/model-versions/get", "name", "iris", "version", "abc");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(answer.message()).startsWith("version: 'abc'");
  }

  @Test
  void aMissingRequiredParameterIsNamed() {
    Answer answer = http.post(API + "/registered-models/create", "{\"description\":\"x\"}");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(answer.message()).contains("'name'");
  }

  @Test
  void aSourceOutsideTheRootsIsRefusedAndNothingIsWritten(@TempDir Path elsewhere)
      throws IOException {
    Path outside = TestRegistries.irisFolder(elsewhere, "iris");

    Answer answer =
        http.post(
            API + "/model-versions/create",
            MlflowHttp.json(Map.of("name", "iris", "source", outside.toString())));

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(answer.message()).startsWith("source: ").contains("registry.source-roots");
    assertThat(http.get(API + "/registered-models/get", "name", "iris").status()).isEqualTo(404);
    assertThat(registry.store().audit(new io.mlsys.registry.AuditQuery(null, 10, null)).items())
        .isEmpty();
    assertThat(filesUnder(dataDir.resolve("artifacts"))).isEmpty();
  }

  @Test
  void aTraversingSourceIsRefused() {
    Path traversing = sources.resolve("..").resolve("..").resolve("etc");

    Answer answer =
        http.post(
            API + "/model-versions/create",
            MlflowHttp.json(Map.of("name", "iris", "source", traversing + "/passwd")));

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(http.get(API + "/registered-models/get", "name", "iris").status()).isEqualTo(404);
  }

  @Test
  void anArtifactThatDoesNotLoadFailsRegistration() throws IOException {
    Path broken = Files.createDirectories(sources.resolve("broken"));
    Files.writeString(broken.resolve("model.onnx"), "not an onnx model");

    Answer answer =
        http.post(
            API + "/model-versions/create",
            MlflowHttp.json(Map.of("name", "iris", "source", broken.toString())));

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    Answer version = http.get(API + "/model-versions/get", "name", "iris", "version", "1");
    assertThat(version.json().path("model_version").path("status").asText())
        .isEqualTo("FAILED_REGISTRATION");
    Answer alias =
        http.post(
            API + "/registered-models/alias",
            "{\"name\":\"iris\",\"alias\":\"champion\",\"version\":\"1\"}");
    assertThat(alias.status()).isEqualTo(400);
    assertThat(alias.errorCode()).isEqualTo("INVALID_STATE");
  }

  @Test
  void registeredModelsAreUpdatedRenamedTaggedAndDeleted() {
    http.post(API + "/registered-models/create", "{\"name\":\"iris\"}");

    Answer updated =
        http.patch(
            API + "/registered-models/update", "{\"name\":\"iris\",\"description\":\"new\"}");
    assertThat(updated.json().path("registered_model").path("description").asText())
        .isEqualTo("new");
    assertThat(
            http.post(
                    API + "/registered-models/set-tag",
                    "{\"name\":\"iris\",\"key\":\"owner\",\"value\":\"ana\"}")
                .status())
        .isEqualTo(200);
    Answer renamed =
        http.post(API + "/registered-models/rename", "{\"name\":\"iris\",\"new_name\":\"flower\"}");
    assertThat(renamed.json().path("registered_model").path("name").asText()).isEqualTo("flower");
    assertThat(renamed.json().path("registered_model").path("tags").get(0).path("value").asText())
        .isEqualTo("ana");
    assertThat(
            http.delete(
                    API + "/registered-models/delete-tag",
                    "{\"name\":\"flower\",\"key\":\"owner\"}")
                .status())
        .isEqualTo(200);
    assertThat(http.delete(API + "/registered-models/delete", "{\"name\":\"flower\"}").status())
        .isEqualTo(200);
    assertThat(http.get(API + "/registered-models/get", "name", "flower").errorCode())
        .isEqualTo("RESOURCE_DOES_NOT_EXIST");
  }

  @Test
  void aVersionAnAliasPointsToIsNotDeleted() {
    register("iris", "iris-v1");
    http.post(
        API + "/registered-models/alias",
        "{\"name\":\"iris\",\"alias\":\"champion\",\"version\":\"1\"}");

    Answer refused =
        http.delete(API + "/model-versions/delete", "{\"name\":\"iris\",\"version\":\"1\"}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorCode()).isEqualTo("INVALID_STATE");

    assertThat(
            http.delete(
                    API + "/registered-models/alias", "{\"name\":\"iris\",\"alias\":\"champion\"}")
                .status())
        .isEqualTo(200);
    assertThat(
            http.delete(API + "/model-versions/delete", "{\"name\":\"iris\",\"version\":\"1\"}")
                .status())
        .isEqualTo(200);
    assertThat(http.get(API + "/model-versions/get", "name", "iris", "version", "1").status())
        .isEqualTo(404);
  }

  @Test
  void versionsAreUpdatedAndTagged() {
    register("iris", "iris-v1");

    Answer updated =
        http.patch(
            API + "/model-versions/update",
            "{\"name\":\"iris\",\"version\":\"1\",\"description\":\"tuned\"}");
    assertThat(updated.json().path("model_version").path("description").asText())
        .isEqualTo("tuned");
    http.post(
        API + "/model-versions/set-tag",
        "{\"name\":\"iris\",\"version\":\"1\",\"key\":\"k\",\"value\":\"v\"}");
    assertThat(
            http.get(API + "/model-versions/get", "name", "iris", "version", "1")
                .json()
                .path("model_version")
                .path("tags")
                .toString())
        .isEqualTo("[{\"key\":\"k\",\"value\":\"v\"}]");
    http.delete(
        API + "/model-versions/delete-tag", "{\"name\":\"iris\",\"version\":\"1\",\"key\":\"k\"}");
    assertThat(
            http.get(API + "/model-versions/get", "name", "iris", "version", "1")
                .json()
                .path("model_version")
                .has("tags"))
        .isFalse();
  }

  @Test
  void trackingCallsTakeMlflowShapes() {
    String experimentId =
        http.post(
                API + "/experiments/create",
                "{\"name\":\"exp\",\"tags\":[{\"key\":\"team\",\"value\":\"ml\"}]}")
            .json()
            .path("experiment_id")
            .asText();
    Answer experiment = http.get(API + "/experiments/get", "experiment_id", experimentId);
    assertThat(experiment.json().path("experiment").path("name").asText()).isEqualTo("exp");
    assertThat(experiment.json().path("experiment").path("lifecycle_stage").asText())
        .isEqualTo("active");
    assertThat(
            http.get(API + "/experiments/get-by-name", "experiment_name", "exp")
                .json()
                .path("experiment")
                .path("experiment_id")
                .asText())
        .isEqualTo(experimentId);
    assertThat(http.get(API + "/experiments/get-by-name", "experiment_name", "none").status())
        .isEqualTo(404);
    assertThat(
            http.post(API + "/experiments/search", "{\"max_results\":10}")
                .json()
                .path("experiments")
                .size())
        .isGreaterThanOrEqualTo(1);
    http.post(
        API + "/experiments/set-experiment-tag",
        "{\"experiment_id\":\"" + experimentId + "\",\"key\":\"k\",\"value\":\"v\"}");

    JsonNode run =
        http.post(
                API + "/runs/create",
                "{\"experiment_id\":\""
                    + experimentId
                    + "\",\"user_id\":\"ana\",\"start_time\":1700000000000,"
                    + "\"tags\":[{\"key\":\"mlflow.source.git.commit\",\"value\":\"abc123\"}]}")
            .json()
            .path("run");
    String runId = run.path("info").path("run_id").asText();
    assertThat(run.path("info").path("run_uuid").asText()).isEqualTo(runId);
    assertThat(run.path("info").path("status").asText()).isEqualTo("RUNNING");
    assertThat(run.path("info").path("start_time").asLong()).isEqualTo(1700000000000L);
    assertThat(run.path("info").path("artifact_uri").asText()).startsWith("mlflow-artifacts:/");

    http.post(
        API + "/runs/log-parameter",
        "{\"run_uuid\":\"" + runId + "\",\"key\":\"c\",\"value\":\"1.0\"}");
    http.post(
        API + "/runs/log-batch",
        "{\"run_id\":\""
            + runId
            + "\",\"metrics\":[{\"key\":\"loss\",\"value\":\"NaN\",\"timestamp\":\"1\",\"step\":\"0\"},"
            + "{\"key\":\"loss\",\"value\":0.5,\"timestamp\":2,\"step\":1}],"
            + "\"params\":[{\"key\":\"kernel\",\"value\":\"rbf\"}],"
            + "\"tags\":[{\"key\":\"stage\",\"value\":\"dev\"}]}");
    http.post(
        API + "/runs/set-tag", "{\"run_id\":\"" + runId + "\",\"key\":\"t\",\"value\":\"x\"}");
    http.post(API + "/runs/delete-tag", "{\"run_id\":\"" + runId + "\",\"key\":\"t\"}");
    Answer updated =
        http.post(
            API + "/runs/update",
            "{\"run_id\":\"" + runId + "\",\"status\":\"FINISHED\",\"end_time\":1700000001000}");
    assertThat(updated.json().path("run_info").path("status").asText()).isEqualTo("FINISHED");
    assertThat(updated.json().path("run_info").path("end_time").asLong()).isEqualTo(1700000001000L);

    JsonNode data = http.get(API + "/runs/get", "run_id", runId).json().path("run").path("data");
    assertThat(data.path("params").toString()).contains("{\"key\":\"kernel\",\"value\":\"rbf\"}");
    assertThat(data.path("tags").toString())
        .contains("{\"key\":\"stage\",\"value\":\"dev\"}")
        .doesNotContain("\"t\"");
    assertThat(data.path("metrics").get(0).path("value").asDouble()).isEqualTo(0.5);
    JsonNode history =
        http.get(API + "/metrics/get-history", "run_uuid", runId, "metric_key", "loss")
            .json()
            .path("metrics");
    assertThat(history).hasSize(2);
    assertThat(history.get(0).path("value").asText()).isEqualTo("NaN");

    Answer badMetric =
        http.post(
            API + "/runs/log-metric",
            "{\"run_id\":\"" + runId + "\",\"key\":\"x\",\"value\":\"many\",\"timestamp\":1}");
    assertThat(badMetric.status()).isEqualTo(400);
    assertThat(badMetric.message()).startsWith("value: 'many'");
    Answer noTimestamp =
        http.post(
            API + "/runs/log-metric", "{\"run_id\":\"" + runId + "\",\"key\":\"x\",\"value\":1}");
    assertThat(noTimestamp.message()).startsWith("timestamp: ");
    Answer unknownRun = http.get(API + "/runs/get", "run_id", "0123456789abcdef0123456789abcdef");
    assertThat(unknownRun.status()).isEqualTo(404);
    assertThat(unknownRun.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");

    assertThat(http.post(API + "/runs/delete", "{\"run_id\":\"" + runId + "\"}").status())
        .isEqualTo(200);
    assertThat(
            http.post(
                    API + "/runs/search",
                    "{\"experiment_ids\":[\""
                        + experimentId
                        + "\"],\"run_view_type\":\"DELETED_ONLY\"}")
                .json()
                .path("runs"))
        .hasSize(1);
    assertThat(
            http.post(API + "/experiments/delete", "{\"experiment_id\":\"" + experimentId + "\"}")
                .status())
        .isEqualTo(200);
  }

  @Test
  void aVersionFromARunKeepsTheRunAsLineage() {
    String runId =
        http.post(API + "/runs/create", "{\"start_time\":1}")
            .json()
            .path("run")
            .path("info")
            .path("run_id")
            .asText();
    http.post(
        API + "/runs/log-batch",
        "{\"run_id\":\""
            + runId
            + "\",\"metrics\":[{\"key\":\"accuracy\",\"value\":0.95,\"timestamp\":1}],"
            + "\"params\":[{\"key\":\"c\",\"value\":\"1.0\"}]}");
    Path iris = TestRegistries.irisFolder(sources, "iris-run");

    Answer version =
        http.post(
            API + "/model-versions/create",
            MlflowHttp.json(Map.of("name", "iris", "source", iris.toString(), "run_id", runId)));

    assertThat(version.json().path("model_version").path("run_id").asText()).isEqualTo(runId);
    JsonNode lineage = http.get("/v2/registry/models/iris/versions/1/lineage").json();
    assertThat(lineage.path("run_id").asText()).isEqualTo(runId);
    assertThat(lineage.path("metrics").path("accuracy").asDouble()).isEqualTo(0.95);
    assertThat(lineage.path("hyperparameters").path("c").asText()).isEqualTo("1.0");
    Answer unknownRun =
        http.post(
            API + "/model-versions/create",
            MlflowHttp.json(Map.of("name", "iris", "source", iris.toString(), "run_id", "nope")));
    assertThat(unknownRun.status()).isEqualTo(400);
    assertThat(unknownRun.message()).startsWith("run_id: ");
  }

  @Test
  void artifactsAreUploadedListedDownloadedAndRegistered() {
    String runPath = "1/abc/artifacts/model";
    byte[] model = TestRegistries.irisBytes();
    Answer tooBig =
        http.put(
            ARTIFACTS + "/" + runPath + "/big.bin",
            new byte[(1 << 20) + 1],
            "Content-Type",
            "application/octet-stream",
            "X-Requested-With",
            "mlflow");
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");

    Answer uploaded =
        http.put(
            ARTIFACTS + "/" + runPath + "/model.onnx",
            model,
            "Content-Type",
            "application/octet-stream",
            "Authorization",
            "Bearer any-token-when-auth-is-off");
    assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(200);
    http.put(
        ARTIFACTS + "/" + runPath + "/MLmodel",
        "flavors: {}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "Content-Type",
        "text/plain",
        "X-Requested-With",
        "mlflow");

    JsonNode files = http.get(ARTIFACTS, "path", runPath).json().path("files");
    assertThat(files.toString())
        .contains("{\"path\":\"model.onnx\",\"is_dir\":false,\"file_size\":" + model.length + "}")
        .contains("\"path\":\"MLmodel\"")
        .doesNotContain("big.bin");
    assertThat(http.get(ARTIFACTS, "path", "1/abc").json().path("files").get(0).toString())
        .isEqualTo("{\"path\":\"artifacts\",\"is_dir\":true}");
    Answer download = http.get(ARTIFACTS + "/" + runPath + "/model.onnx");
    assertThat(download.status()).isEqualTo(200);
    assertThat(download.bytes()).isEqualTo(model);
    assertThat(download.header("Content-Disposition"))
        .isEqualTo("attachment; filename=\"model.onnx\"");
    assertThat(http.get(ARTIFACTS + "/1/abc/artifacts/none.bin").errorCode())
        .isEqualTo("RESOURCE_DOES_NOT_EXIST");

    Answer version =
        http.post(
            API + "/model-versions/create",
            "{\"name\":\"iris\",\"source\":\"mlflow-artifacts:/" + runPath + "\"}");
    assertThat(version.status()).as(version.toString()).isEqualTo(200);
    assertThat(version.json().path("model_version").path("status").asText()).isEqualTo("READY");

    String uri =
        http.get(API + "/model-versions/get-download-uri", "name", "iris", "version", "1")
            .json()
            .path("artifact_uri")
            .asText();
    assertThat(uri).matches("mlflow-artifacts:/_registry/[0-9a-f]{64}");
    String registered = uri.substring("mlflow-artifacts:/".length());
    assertThat(http.get(ARTIFACTS, "path", registered).json().path("files").toString())
        .contains("\"path\":\"model.onnx\"");
    assertThat(http.get(ARTIFACTS + "/" + registered + "/model.onnx").bytes()).isEqualTo(model);
    Answer overwrite =
        http.put(
            ARTIFACTS + "/" + registered + "/model.onnx", new byte[1], "X-Requested-With", "x");
    assertThat(overwrite.status()).isEqualTo(400);
    assertThat(overwrite.message()).startsWith("path: ");
  }

  @Test
  void artifactPathsThatLeaveTheStoreAreRefused() {
    for (String path : List.of("../../etc", "a/../../b", "/etc", "a//b", "a/./b", "C:/x")) {
      Answer listed = http.get(ARTIFACTS, "path", path);
      assertThat(listed.status()).as(path).isEqualTo(400);
      assertThat(listed.errorCode()).as(path).isEqualTo("INVALID_PARAMETER_VALUE");
      assertThat(listed.message()).as(path).startsWith("path: ");
    }
    Answer encoded =
        http.put(
            ARTIFACTS + "/a/%2E%2E/%2E%2E/escape.txt", new byte[] {1}, "X-Requested-With", "x");
    assertThat(encoded.status()).isIn(400, 404);
    assertThat(filesUnder(dataDir)).noneMatch(file -> file.endsWith("escape.txt"));
  }

  @Test
  void anUploadWithoutACrossSiteProofIsRefused() {
    Answer answer =
        http.put(
            ARTIFACTS + "/1/abc/artifacts/x.txt", new byte[] {1}, "Content-Type", "text/plain");

    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.errorCode()).isEqualTo("PERMISSION_DENIED");
    assertThat(http.get(ARTIFACTS, "path", "1/abc/artifacts").json().path("files").isMissingNode())
        .isTrue();
  }

  @Test
  void aPostWithAFormContentTypeIsRefused() {
    Answer answer =
        http.send(
            java.net.http.HttpRequest.newBuilder(http.uri(API + "/registered-models/create"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("name=iris")));

    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.errorCode()).isEqualTo("PERMISSION_DENIED");
    assertThat(http.get(API + "/registered-models/get", "name", "iris").status()).isEqualTo(404);
  }

  private void register(String name, String folder) {
    Path source = TestRegistries.irisFolder(sources, folder);
    Answer answer =
        http.post(
            API + "/model-versions/create",
            MlflowHttp.json(Map.of("name", name, "source", source.toString())));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
  }

  static List<Path> filesUnder(Path root) {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
