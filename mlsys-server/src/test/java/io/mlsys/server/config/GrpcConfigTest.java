package io.mlsys.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigViolation;
import io.mlsys.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code server.grpc:} read from mlsys.yaml. */
class GrpcConfigTest {
  private static GrpcConfig parse(String yaml) {
    return MlsysConfigLoader.parse(yaml, Path.of("."), Map.of()).server().grpc();
  }

  private static List<String> violations(String yaml) {
    try {
      MlsysConfigLoader.parse(yaml, Path.of("."), Map.of());
    } catch (ConfigException e) {
      return e.violations().stream().map(ConfigViolation::toString).toList();
    }
    throw new AssertionError("expected a ConfigException for:\n" + yaml);
  }

  @Test
  void defaultsLimitStreamsAndResetsAndTurnReflectionOff() {
    GrpcConfig grpc = parse("server: {}");

    assertThat(grpc).isEqualTo(GrpcConfig.defaults());
    assertThat(grpc.maxConcurrentCallsPerConnection()).isEqualTo(100);
    assertThat(grpc.maxRstFramesPerWindow()).isEqualTo(200);
    assertThat(grpc.rstFramesWindow()).isEqualTo(Duration.ofSeconds(10));
    assertThat(grpc.reflection()).isFalse();
  }

  @Test
  void readsEveryKey() {
    GrpcConfig grpc =
        parse(
            """
            server:
              grpc:
                max-concurrent-calls-per-connection: 16
                max-rst-frames-per-window: 50
                rst-frames-window: 30s
                max-connection-idle: 1m
                keepalive-time: 30s
                keepalive-timeout: 5s
                permit-keepalive-time: 10s
                max-inbound-metadata-bytes: 16384
                reflection: true
            """);

    assertThat(grpc)
        .isEqualTo(
            new GrpcConfig(
                16,
                50,
                Duration.ofSeconds(30),
                Duration.ofMinutes(1),
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                16384,
                true));
  }

  @Test
  void zeroResetsMeansNoLimit() {
    assertThat(parse("server: { grpc: { max-rst-frames-per-window: 0 } }").maxRstFramesPerWindow())
        .isZero();
  }

  @Test
  void everyInvalidValueIsReportedWithItsPath() {
    assertThat(
            violations(
                """
                server:
                  grpc:
                    max-concurrent-calls-per-connection: 0
                    max-rst-frames-per-window: -1
                    rst-frames-window: 1500ms
                    max-connection-idle: 0s
                    keepalive-time: -1s
                    max-inbound-metadata-bytes: 10
                    reflection: maybe
                """))
        .containsExactlyInAnyOrder(
            "server.grpc.max-concurrent-calls-per-connection: 0 (expected: an integer >= 1)",
            "server.grpc.max-rst-frames-per-window: -1 (expected: an integer >= 0; 0 for no limit)",
            "server.grpc.rst-frames-window: 1500ms (expected: a whole number of seconds such as"
                + " 10s, >= 1s)",
            "server.grpc.max-connection-idle: 0s (expected: " + Durations.EXPECTED + ", > 0)",
            "server.grpc.keepalive-time: -1s (expected: " + Durations.EXPECTED + ", > 0)",
            "server.grpc.max-inbound-metadata-bytes: 10 (expected: an integer from 1024 to"
                + " 1048576)",
            "server.grpc.reflection: 'maybe' (expected: true or false)");
  }

  @Test
  void anUnknownKeyIsRefused() {
    assertThat(violations("server: { grpc: { max-streams: 1 } }"))
        .singleElement()
        .asString()
        .startsWith("server.grpc.max-streams: unknown key (expected one of:");
  }
}
