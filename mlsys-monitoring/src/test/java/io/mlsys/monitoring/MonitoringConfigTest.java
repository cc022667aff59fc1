package io.mlsys.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigBinder;
import io.mlsys.config.ConfigDocument;
import io.mlsys.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code monitoring:} bound from YAML: defaults, rules, paths, and errors by key. */
class MonitoringConfigTest {
  private static MonitoringConfig bind(String yaml) {
    return ConfigBinder.bind(
        ConfigDocument.parse(yaml, "mlsys.yaml", Path.of("/srv"), Map.of()),
        MonitoringConfig.class);
  }

  @Test
  void anEmptyMappingTakesEveryDefault() {
    MonitoringConfig config = bind("{}");
    assertThat(config).isEqualTo(MonitoringConfig.defaults());
    assertThat(config.rules()).hasSize(6);
  }

  @Test
  void rulesPathsAndDurationsBind() {
    MonitoringConfig config =
        bind(
            "baseline: train.csv\n"
                + "window: 30s\n"
                + "alerts:\n"
                + "  - { signal: feature-drifted, threshold: 0.5 }\n"
                + "  - { signal: outlier-ratio, threshold: 0.2, severity: critical }\n"
                + "  - { name: slow, signal: latency-p99-seconds, threshold: 0.5, for-duration: 1m }\n");
    assertThat(config.baseline()).isEqualTo(Path.of("/srv/train.csv"));
    assertThat(config.window()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.rules())
        .extracting(AlertRule::displayName)
        .containsExactly("feature-drifted", "outlier-ratio", "slow");
    assertThat(config.rules().get(1).severity()).isEqualTo(AlertRule.Severity.CRITICAL);
    assertThat(config.rules().get(2).forDuration()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void anUnknownKeyAndABadValueNameTheirPaths() {
    assertThatThrownBy(() -> bind("windoww: 1m\nbins: 1\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("windoww")
        .hasMessageContaining("bins");
    assertThatThrownBy(() -> bind("alerts: [{ signal: nope, threshold: 1 }]\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("alerts[0].signal");
  }
}
