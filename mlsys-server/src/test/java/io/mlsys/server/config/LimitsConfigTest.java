package io.mlsys.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigViolation;
import io.mlsys.resilience.LimitsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code server.limits} and the default request deadline. */
class LimitsConfigTest {

  private static MlsysConfig parse(String yaml) {
    return MlsysConfigLoader.parse(yaml, Path.of("/srv"), Map.of());
  }

  private static List<String> violations(String yaml) {
    try {
      parse(yaml);
    } catch (ConfigException e) {
      return e.violations().stream().map(ConfigViolation::toString).toList();
    }
    throw new AssertionError("expected a ConfigException for:\n" + yaml);
  }

  @Test
  void readsEveryLimit() {
    LimitsConfig limits =
        parse(
                """
                server:
                  limits:
                    max-request-elements: 1000
                    memory-budget-bytes: 1048576
                    max-in-flight: 4
                    max-queue-wait: 250ms
                """)
            .server()
            .limits();

    assertThat(limits).isEqualTo(new LimitsConfig(1000, 1048576L, 4, Duration.ofMillis(250)));
    assertThat(limits.memoryBudgetBytes(8L << 30)).isEqualTo(1048576);
  }

  @Test
  void absentLimitsAreTheDefaults() {
    LimitsConfig limits = parse("server: { limits: {} }").server().limits();

    assertThat(limits).isEqualTo(LimitsConfig.defaults());
    assertThat(limits.maxRequestElements()).isEqualTo(4_194_304);
    assertThat(limits.maxInFlight()).isEqualTo(128);
    assertThat(limits.maxQueueWait()).isEqualTo(Duration.ofSeconds(1));
    assertThat(limits.memoryBudgetBytes(8L << 30)).isEqualTo(1L << 30);
  }

  @Test
  void everyInvalidLimitIsReportedWithItsPath() {
    assertThat(
            violations(
                """
                server:
                  limits:
                    max-request-elements: 0
                    memory-budget-bytes: -1
                    max-in-flight: 0
                    max-queue-wait: -1s
                """))
        .containsExactlyInAnyOrder(
            "server.limits.max-request-elements: 0 (expected: an integer from 1 to 2147483647)",
            "server.limits.memory-budget-bytes: -1 (expected: an integer >= 1; leave it out for 1/8"
                + " of the maximum heap)",
            "server.limits.max-in-flight: 0 (expected: an integer from 1 to 1000000)",
            "server.limits.max-queue-wait: -1s (expected: a duration such as 250ms, 2s, 5m, 1h or"
                + " PT2S, >= 0)");
  }

  @Test
  void anUnknownLimitKeyFails() {
    assertThat(violations("server: { limits: { max-elements: 3 } }"))
        .singleElement()
        .asString()
        .startsWith("server.limits.max-elements: unknown key");
  }

  @Test
  void theDefaultTimeoutIsThirtySecondsAndNullTurnsItOff() {
    assertThat(parse("server: {}").server().defaultTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(ServerConfig.defaults().defaultTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(parse("server: { default-timeout: null }").server().defaultTimeout()).isNull();
  }
}
