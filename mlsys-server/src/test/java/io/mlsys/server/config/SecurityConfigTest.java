package io.mlsys.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigViolation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code server.auth}, {@code server.cors} and {@code server.tls} in mlsys.yaml. */
class SecurityConfigTest {
  @TempDir Path dir;

  private MlsysConfig parse(String yaml, Map<String, String> env) {
    return MlsysConfigLoader.parse(yaml, dir, env);
  }

  private List<String> violations(String yaml) {
    try {
      MlsysConfigLoader.parse(yaml, dir, Map.of());
    } catch (ConfigException e) {
      return e.violations().stream().map(ConfigViolation::toString).toList();
    }
    throw new AssertionError("expected a ConfigException for:\n" + yaml);
  }

  @Test
  void defaultsBindLoopbackWithAutoTokensNoCorsNoTls() {
    ServerConfig server = parse("{}", Map.of()).server();

    assertThat(server.host()).isEqualTo("127.0.0.1");
    assertThat(server.auth()).isEqualTo(AuthConfig.defaults());
    assertThat(server.auth().mode()).isEqualTo(AuthConfig.Mode.AUTO);
    assertThat(server.cors().enabled()).isFalse();
    assertThat(server.tls().enabled()).isFalse();
  }

  @Test
  void readsTokensFromTheEnvironmentAndATokensFile() throws IOException {
    Files.writeString(
        dir.resolve("tokens"), "# user role token\nbob infer bob-token-0123456789abc\n\n");
    AuthConfig auth =
        parse(
                """
                server:
                  auth:
                    mode: required
                    tokens:
                      - { token: "${ADMIN_TOKEN}", user: alice, role: manage }
                    tokens-file: tokens
                    protect-inference: true
                """,
                Map.of("ADMIN_TOKEN", "alice-token-0123456789"))
            .server()
            .auth();

    assertThat(auth.mode()).isEqualTo(AuthConfig.Mode.REQUIRED);
    assertThat(auth.protectInference()).isTrue();
    assertThat(auth.allTokens())
        .containsExactly(
            new AuthConfig.Token("alice-token-0123456789", "alice", Role.MANAGE),
            new AuthConfig.Token("bob-token-0123456789abc", "bob", Role.INFER));
    assertThat(auth.toString()).doesNotContain("alice-token", "bob-token");
  }

  @Test
  void anInvalidTokenNamesItsPathNeverItsValue() {
    assertThat(
            violations(
                """
                server:
                  auth:
                    mode: sometimes
                    tokens:
                      - { token: short, user: alice, role: admin }
                      - { token: "long-enough-token-1234", user: "a b", role: read }
                """))
        .contains(
            "server.auth.mode: 'sometimes' (expected: one of: auto, required, off)",
            "server.auth.tokens[0].role: 'admin' (expected: one of: read, infer, manage)",
            "server.auth.tokens[1].user: 'a b' (expected: a user name of printable characters"
                + " without spaces)")
        .noneMatch(violation -> violation.contains("short"));
  }

  @Test
  void aBadTokensFileLineNamesTheLine() throws IOException {
    Path file = dir.resolve("tokens");
    Files.writeString(file, "bob infer\ncarol owner carol-token-0123456789\n");

    assertThatThrownBy(() -> AuthConfig.readTokensFile(file))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.violations().stream().map(ConfigViolation::toString))
                    .containsExactly(
                        "server.auth.tokens-file[line 1]: 2 fields (expected: '<user> <role>"
                            + " <token>', 3 fields)",
                        "server.auth.tokens-file[line 2].role: 'owner' (expected: one of: read,"
                            + " infer, manage)"));
  }

  @Test
  void readsCors() {
    CorsConfig cors =
        parse(
                """
                server:
                  cors:
                    allowed-origins: [https://app.example.com, "http://localhost:3000"]
                    max-age: 1m
                """,
                Map.of())
            .server()
            .cors();

    assertThat(cors.allowedOrigins())
        .containsExactly("https://app.example.com", "http://localhost:3000");
    assertThat(cors.allowedMethods()).isEqualTo(CorsConfig.DEFAULT_METHODS);
    assertThat(cors.maxAge()).isEqualTo(Duration.ofMinutes(1));
    assertThat(violations("server: { cors: { allowed-origins: [\"https://app.example.com/x\"] } }"))
        .containsExactly(
            "server.cors.allowed-origins[0]: 'https://app.example.com/x' (expected: "
                + CorsConfig.EXPECTED_ORIGIN
                + ")");
  }

  @Test
  void readsTlsAndChecksItsFiles() throws IOException {
    Files.writeString(dir.resolve("tls.crt"), "pem");
    Files.writeString(dir.resolve("tls.key"), "pem");
    TlsConfig tls =
        parse(
                "server: { tls: { certificate: tls.crt, key: tls.key, reload-interval: 10s } }",
                Map.of())
            .server()
            .tls();

    assertThat(tls.certificate()).isEqualTo(dir.resolve("tls.crt"));
    assertThat(tls.clientAuth()).isEqualTo(TlsConfig.ClientAuth.NONE);
    assertThat(tls.reloadInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(violations("server: { tls: { certificate: tls.crt, client-auth: required } }"))
        .containsExactlyInAnyOrder(
            "server.tls.key: null (expected: the private key of the certificate (a PEM file))",
            "server.tls.client-ca: null (expected: the CA bundle client certificates are checked"
                + " against when client-auth is required)");
    assertThat(violations("server: { tls: { certificate: missing.crt, key: tls.key } }"))
        .contains(
            "server.tls.certificate: '"
                + dir.resolve("missing.crt")
                + "' (expected: a readable PEM file)");
  }
}
