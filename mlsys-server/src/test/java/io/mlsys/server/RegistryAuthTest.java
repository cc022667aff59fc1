package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.registry.AuditEntry;
import io.mlsys.registry.AuditQuery;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.RegistryConfig;
import io.mlsys.server.MlflowHttp.Answer;
import io.mlsys.server.config.AuthConfig;
import io.mlsys.server.config.Role;
import io.mlsys.store.StoreConfig;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry APIs are protected as the management API is: state changes need a {@code manage}
 * token, reads follow {@code protect-metadata}; refusals come in each API's own error format; the
 * audit names the token's user.
 */
class RegistryAuthTest {
  static final String READER = "reader-token-0123456789";
  static final String ADMIN = "admin-token-0123456789";
  static final String API = "/api/2.0/mlflow";

  @TempDir Path dataDir;

  private ModelRegistry registry;

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder -> {
            registry =
                TestRegistries.open(StoreConfig.defaults(), dataDir, RegistryConfig.defaults());
            return builder
                .config(
                    MlsysServerExtension.config()
                        .withAuth(
                            AuthConfig.defaults()
                                .withMode(AuthConfig.Mode.REQUIRED)
                                .withTokens(
                                    List.of(
                                        new AuthConfig.Token(READER, "rita", Role.READ),
                                        new AuthConfig.Token(ADMIN, "alice", Role.MANAGE)))))
                .repository(new TestRepository())
                .registry(registry);
          });

  final MlflowHttp http = new MlflowHttp(() -> server.port());

  @Test
  void aChangeWithoutATokenIsUnauthenticatedInMlflowsFormat() {
    Answer answer = http.post(API + "/registered-models/create", "{\"name\":\"iris\"}");

    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.errorCode()).isEqualTo("UNAUTHENTICATED");
    assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer");
  }

  @Test
  void aChangeWithAReadTokenIsPermissionDenied() {
    Answer answer =
        http.withToken(READER).post(API + "/registered-models/create", "{\"name\":\"iris\"}");

    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.errorCode()).isEqualTo("PERMISSION_DENIED");
    assertThat(answer.message()).contains("rita");
    Answer upload =
        http.put(
            "/api/2.0/mlflow-artifacts/artifacts/1/a/artifacts/x",
            new byte[] {1},
            "X-Requested-With",
            "x");
    assertThat(upload.errorCode()).isEqualTo("PERMISSION_DENIED");
    Answer gc = http.post("/v2/registry/gc", "{}");
    assertThat(gc.status()).isEqualTo(403);
    assertThat(gc.json().path("error").asText()).contains("rita");
  }

  @Test
  void readsFollowTheMetadataRuleAndReadsByPostAreReads() {
    assertThat(http.get(API + "/registered-models/search").status()).isEqualTo(200);
    assertThat(http.post(API + "/runs/search", "{}").status()).isEqualTo(200);
    assertThat(http.get("/v2/registry/audit").status()).isEqualTo(200);
  }

  @Test
  void theAuditNamesTheTokensUser() {
    Answer created =
        http.withToken(ADMIN).post(API + "/registered-models/create", "{\"name\":\"iris\"}");

    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    assertThat(created.json().path("registered_model").path("user_id").asText()).isEqualTo("alice");
    List<AuditEntry> audit = registry.store().audit(new AuditQuery(null, 10, null)).items();
    assertThat(audit).extracting(AuditEntry::actor).containsOnly("alice");
  }

  @Test
  void aRunsUserIsTheAuthenticatedCallerNotWhatTheClientClaims() {
    Answer run = http.withToken(ADMIN).post(API + "/runs/create", "{\"user_id\":\"mallory\"}");

    assertThat(run.json().path("run").path("info").path("user_id").asText()).isEqualTo("alice");
  }

  @Test
  void aForeignOriginIsRefused() {
    Answer answer =
        http.send(
            HttpRequest.newBuilder(http.uri(API + "/registered-models/search"))
                .header("Origin", "https://evil.example")
                .GET());

    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.errorCode()).isEqualTo("PERMISSION_DENIED");
  }
}
