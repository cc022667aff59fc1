package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.registry.RegistryConfig;
import io.mlsys.server.MlflowHttp.Answer;
import io.mlsys.store.StoreConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mlsys-only registry API ({@code /v2/registry/...}) over real HTTP: version names, model
 * cards, data profiles, lineage, approvals, archive, alias history, audit and garbage collection,
 * with the /v2 API's errors.
 */
class RegistryApiTest {
  static final String V2 = "/v2/registry";

  @TempDir Path dataDir;
  @TempDir Path sources;

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .repository(new TestRepository())
                  .registry(
                      TestRegistries.open(
                          StoreConfig.defaults(),
                          dataDir,
                          RegistryConfig.defaults()
                              .withSourceRoots(List.of(sources))
                              .withApproval(
                                  new RegistryConfig.ApprovalConfig(List.of("champion"), true)))));

  final MlflowHttp http = new MlflowHttp(() -> server.port());

  private Answer register(String folder, String versionName) {
    Path source = TestRegistries.irisFolder(sources, folder);
    return http.post(
        V2 + "/models/iris/versions",
        MlflowHttp.json(
            Map.of(
                "source",
                source.toString(),
                "version_name",
                versionName,
                "card",
                Map.of(
                    "purpose",
                    "iris species from flower measurements",
                    "inputs",
                    List.of(Map.of("name", "petal_length", "description", "petal", "unit", "cm")),
                    "owner",
                    "ml-team",
                    "limitations",
                    "three species only"),
                "profile",
                Map.of(
                    "rows",
                    150,
                    "features",
                    List.of(
                        Map.of(
                            "name",
                            "petal_length",
                            "count",
                            150,
                            "missing",
                            0,
                            "numeric",
                            Map.of(
                                "min",
                                1.0,
                                "max",
                                6.9,
                                "mean",
                                3.76,
                                "stddev",
                                1.76,
                                "quantiles",
                                Map.of("0.5", 4.35),
                                "bin_edges",
                                List.of(1.0, 4.0, 6.9),
                                "bin_counts",
                                List.of(60, 90))))),
                "lineage",
                Map.of(
                    "dataset_uri",
                    "file:iris.csv",
                    "dataset_digest",
                    "sha256:00",
                    "split",
                    "train 0.7 / test 0.3, seed 1",
                    "metrics",
                    Map.of("accuracy", 0.96),
                    "code_version",
                    "abc123"),
                "tags",
                Map.of("team", "ml"))));
  }

  @Test
  void aVersionIsRegisteredWithItsNameCardProfileAndLineage() {
    Answer registered = register("v1", "1.0.0-1.1");

    assertThat(registered.status()).as(registered.toString()).isEqualTo(200);
    JsonNode version = registered.json();
    assertThat(version.path("version").asLong()).isEqualTo(1);
    assertThat(version.path("version_name").asText()).isEqualTo("1.0.0-1.1");
    assertThat(version.path("status").asText()).isEqualTo("READY");
    assertThat(version.path("artifact_digest").asText()).startsWith("sha256:");
    assertThat(version.path("signature").path("inputs").get(0).path("datatype").asText())
        .isEqualTo("FP32");
    assertThat(version.path("created_by").asText()).isEqualTo("anonymous");

    JsonNode byName = http.get(V2 + "/models/iris/versions/1.0.0-1.1").json();
    assertThat(byName.path("version").asLong()).isEqualTo(1);
    assertThat(
            http.get(V2 + "/models/iris/versions/1/card")
                .json()
                .path("inputs")
                .get(0)
                .path("unit")
                .asText())
        .isEqualTo("cm");
    JsonNode profile = http.get(V2 + "/models/iris/versions/1/profile").json();
    assertThat(profile.path("features").get(0).path("numeric").path("bin_counts").toString())
        .isEqualTo("[60,90]");
    JsonNode lineage = http.get(V2 + "/models/iris/versions/1/lineage").json();
    assertThat(lineage.path("dataset_uri").asText()).isEqualTo("file:iris.csv");
    assertThat(lineage.path("metrics").path("accuracy").asDouble()).isEqualTo(0.96);
    assertThat(lineage.path("artifact_digest").asText())
        .isEqualTo(version.path("artifact_digest").asText());
    JsonNode list = http.get(V2 + "/models/iris/versions", "version_name", "1.0.0-1.1").json();
    assertThat(list.path("versions")).hasSize(1);
  }

  @Test
  void badInputNamesTheField() {
    Answer badName = register("v1", "1.0");
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.message()).startsWith("version_name: '1.0' is not a version name");

    Answer badCard =
        http.post(
            V2 + "/models/iris/versions",
            "{\"source\":\"/x\",\"card\":{\"purpose\":\"p\",\"colour\":\"red\"}}");
    assertThat(badCard.status()).isEqualTo(400);
    assertThat(badCard.message()).startsWith("card.colour: ");

    Answer badKey = http.post(V2 + "/models/iris/versions", "{\"src\":\"/x\"}");
    assertThat(badKey.message()).startsWith("src: unknown key");
    assertThat(http.get(V2 + "/models/iris/versions/2.0.0-1.1").status()).isEqualTo(404);
    assertThat(http.get(V2 + "/models/iris/versions/x").message()).startsWith("version: 'x'");
  }

  @Test
  void anAliasThatRequiresApprovalMovesOnlyAfterAnotherUserApproves() {
    register("v1", "1.0.0-1.1");
    String setAlias = "{\"name\":\"iris\",\"alias\":\"champion\",\"version\":\"1\"}";

    Answer refused = http.post("/api/2.0/mlflow/registered-models/alias", setAlias);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorCode()).isEqualTo("INVALID_STATE");

    // The approver must differ from who registered it (anonymous here).
    Answer self = http.post(V2 + "/models/iris/versions/1/approve", "{\"alias\":\"champion\"}");
    assertThat(self.status()).isEqualTo(409);
    assertThat(self.json().path("error").asText()).isNotEmpty();

    Answer approved =
        http.send(
            java.net.http.HttpRequest.newBuilder(http.uri(V2 + "/models/iris/versions/1/approve"))
                .header("Content-Type", "application/json")
                .header(MlsysServer.USER_HEADER, "bob")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"alias\":\"champion\",\"comment\":\"looks good\"}")));
    assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
    assertThat(approved.json().path("approver").asText()).isEqualTo("bob");
    assertThat(http.get(V2 + "/models/iris/versions/1/approvals").json().path("approvals"))
        .hasSize(1);

    assertThat(http.post("/api/2.0/mlflow/registered-models/alias", setAlias).status())
        .isEqualTo(200);
    JsonNode moves = http.get(V2 + "/models/iris/aliases/champion/history").json().path("moves");
    assertThat(moves).hasSize(1);
    assertThat(moves.get(0).path("to").asLong()).isEqualTo(1);
    assertThat(moves.get(0).path("from").isNull()).isTrue();
  }

  @Test
  void anArchivedVersionStaysReadable() {
    register("v1", "1.0.0-1.1");

    Answer archived = http.post(V2 + "/models/iris/versions/1/archive", "{}");

    assertThat(archived.status()).as(archived.toString()).isEqualTo(200);
    assertThat(archived.json().path("archived").asBoolean()).isTrue();
    assertThat(http.get(V2 + "/models/iris/versions/1").json().path("archived").asBoolean())
        .isTrue();
  }

  @Test
  void theAuditIsPagedNewestFirst() {
    register("v1", "1.0.0-1.1");
    register("v2", "1.1.0-1.1");

    JsonNode first = http.get(V2 + "/audit", "model", "iris", "max_results", "2").json();
    assertThat(first.path("entries")).hasSize(2);
    String token = first.path("next_page_token").asText();
    assertThat(token).isNotEmpty();
    JsonNode second =
        http.get(V2 + "/audit", "model", "iris", "max_results", "2", "page_token", token).json();
    assertThat(second.path("entries").size()).isGreaterThanOrEqualTo(1);
    assertThat(first.path("entries").get(0).path("id").asLong())
        .isGreaterThan(second.path("entries").get(0).path("id").asLong());
    assertThat(first.path("entries").get(0).path("actor").asText()).isEqualTo("anonymous");
    assertThat(http.get(V2 + "/audit", "max_results", "0").status()).isEqualTo(400);
  }

  @Test
  void garbageCollectionAnswersWhatItDeleted() {
    register("v1", "1.0.0-1.1");

    Answer gc = http.post(V2 + "/gc", "");

    assertThat(gc.status()).as(gc.toString()).isEqualTo(200);
    assertThat(gc.json().path("deleted").isArray()).isTrue();
    assertThat(http.get(V2 + "/models/iris/versions/1").json().path("status").asText())
        .isEqualTo("READY");
  }
}
