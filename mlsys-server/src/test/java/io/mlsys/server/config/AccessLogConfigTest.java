package io.mlsys.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigViolation;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code server.access-log:} as true/false or as a mapping. */
class AccessLogConfigTest {
  @TempDir Path dir;

  private AccessLogConfig parse(String yaml) {
    return MlsysConfigLoader.parse(yaml, dir, Map.of()).server().accessLog();
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
  void absentMeansEveryRequestToStandardOutput() {
    assertThat(parse("server: {}")).isEqualTo(AccessLogConfig.defaults());
    assertThat(AccessLogConfig.defaults().enabled()).isTrue();
    assertThat(AccessLogConfig.defaults().file()).isNull();
    assertThat(AccessLogConfig.defaults().sampleRate()).isEqualTo(1.0);
  }

  @Test
  void trueAndFalseStayShorthands() {
    assertThat(parse("server: { access-log: false }")).isEqualTo(AccessLogConfig.enabled(false));
    assertThat(parse("server: { access-log: true }")).isEqualTo(AccessLogConfig.enabled(true));
  }

  @Test
  void readsTheMapping() {
    AccessLogConfig config =
        parse(
            """
            server:
              access-log:
                level: debug
                sample-rate: 0.1
                errors: sampled
                file: ./logs/access.log
                max-file-bytes: 1048576
                max-files: 3
            """);

    assertThat(config)
        .isEqualTo(
            new AccessLogConfig(
                true,
                Level.DEBUG,
                0.1,
                AccessLogConfig.Errors.SAMPLED,
                dir.resolve("./logs/access.log").normalize(),
                1048576,
                3));
  }

  @Test
  void aMappingCanTurnItOff() {
    assertThat(parse("server: { access-log: { enabled: false } }").enabled()).isFalse();
  }

  @Test
  void withAccessLogKeepsWorkingOnServerConfig() {
    ServerConfig config = ServerConfig.defaults().withAccessLog(false);

    assertThat(config.accessLog()).isEqualTo(AccessLogConfig.enabled(false));
    assertThat(config.withAccessLog(true).accessLog().enabled()).isTrue();
  }

  @Test
  void everyInvalidValueIsReportedWithItsPath() {
    assertThat(
            violations(
                """
                server:
                  access-log:
                    level: loud
                    sample-rate: 2
                    errors: never
                    max-file-bytes: 10
                    max-files: 0
                """))
        .containsExactlyInAnyOrder(
            "server.access-log.level: 'loud' (expected: one of: all, trace, debug, info, warning,"
                + " error, off)",
            "server.access-log.errors: 'never' (expected: one of: always, sampled)",
            "server.access-log.sample-rate: 2.0 (expected: a number from 0 to 1)",
            "server.access-log.max-file-bytes: 10 (expected: an integer >= 1024)",
            "server.access-log.max-files: 0 (expected: an integer >= 1)");
  }

  @Test
  void aNumberIsNeitherABooleanNorAMapping() {
    assertThat(violations("server: { access-log: 3 }"))
        .singleElement()
        .asString()
        .isEqualTo("server.access-log: 3 (expected: true, false or a mapping of settings)");
  }
}
