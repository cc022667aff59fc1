package io.mlsys.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.cache.PredictionCacheOptions;
import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigViolation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code cache} decorator's options as mlsys.yaml binds them. */
class PredictionCacheConfigTest {
  @TempDir Path dir;

  private MlsysConfig parse(String yaml) {
    return MlsysConfigLoader.parse(yaml, dir, Map.of("REDIS_URL", "redis://127.0.0.1:6379"));
  }

  private List<String> violations(String yaml) {
    try {
      parse(yaml);
    } catch (ConfigException e) {
      return e.violations().stream().map(ConfigViolation::toString).toList();
    }
    throw new AssertionError("expected a ConfigException for:\n" + yaml);
  }

  private PredictionCacheOptions options(String yaml) {
    return (PredictionCacheOptions) parse(yaml).models().get("iris").decorators().getFirst();
  }

  @Test
  void theIssuesOwnExampleBindsWithEveryOtherDefault() {
    PredictionCacheOptions options =
        options("models: {iris: {uri: file:iris.onnx, decorators: [{cache: {ttl: 60s}}]}}");

    assertThat(options.ttl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(options.redis()).isNull();
    assertThat(options.maxEntries()).isNull();
    assertThat(options.maxBytes()).isNull();
    assertThat(options.maxStale()).isZero();
  }

  @Test
  void theKindAloneAndARedisFromTheEnvironmentBind() {
    assertThat(options("models: {iris: {uri: file:iris.onnx, decorators: [cache]}}").ttl())
        .isEqualTo(PredictionCacheOptions.DEFAULT_TTL);
    assertThat(
            options(
                    "models: {iris: {uri: file:iris.onnx, decorators: [{cache: {ttl: 5s, redis:"
                        + " \"${REDIS_URL}\", key-parameters: [top_k]}}]}}")
                .redis())
        .isEqualTo("redis://127.0.0.1:6379");
  }

  @Test
  void badValuesAreNamedByTheirKeyPath() {
    List<String> violations =
        violations(
            "models: {iris: {uri: file:iris.onnx, decorators: [{cache: {ttl: 0s, max-entries: 5,"
                + " max-bytes: 10, redis: \"http://user:secret@host\", redis-timeout: -1s}}]}}");

    assertThat(String.join("\n", violations))
        .contains("models.iris.decorators[0].cache.ttl")
        .contains("models.iris.decorators[0].cache.max-bytes")
        .contains("models.iris.decorators[0].cache.redis")
        .contains("models.iris.decorators[0].cache.redis-timeout")
        .doesNotContain("secret");
  }

  @Test
  void anUnknownKeyListsTheKnownOnes() {
    assertThatThrownBy(
            () -> parse("models: {iris: {uri: file:iris.onnx, decorators: [{cache: {tll: 5s}}]}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("models.iris.decorators[0].cache.tll")
        .hasMessageContaining("ttl");
  }
}
