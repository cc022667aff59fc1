package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.server.config.MlsysConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mlsys serve --otlp-endpoint URL}: spans exported there, the file's other keys kept. */
class OtlpEndpointFlagTest {
  @TempDir Path dir;

  private ServeCommand parse(String... args) {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs(args);
    return serve;
  }

  @Test
  void theFlagSetsTheEndpointAndKeepsTheFilesOtherTracingKeys() throws Exception {
    Path config = dir.resolve("mlsys.yaml");
    Files.createDirectories(dir.resolve("models"));
    Files.writeString(
        config, "model-repository: { path: models }\ntracing: { sample-rate: 0.25 }\n");

    MlsysConfig effective =
        parse("--config", config.toString(), "--otlp-endpoint", "http://collector:4318")
            .effectiveConfig();

    assertThat(effective.tracing().enabled()).isTrue();
    assertThat(effective.tracing().tracesUrl()).isEqualTo("http://collector:4318/v1/traces");
    assertThat(effective.tracing().sampleRate()).isEqualTo(0.25);
  }

  @Test
  void withoutTheFlagOrTheKeyNothingIsExported() throws Exception {
    Files.createDirectories(dir.resolve("models"));
    MlsysConfig effective =
        parse("--model-repository", dir.resolve("models").toString()).effectiveConfig();

    assertThat(effective.tracing().enabled()).isFalse();
  }

  @Test
  void anEndpointThatIsNotAnHttpUrlIsRefusedNamingTheKey() throws Exception {
    Files.createDirectories(dir.resolve("models"));
    ServeCommand serve =
        parse(
            "--model-repository", dir.resolve("models").toString(), "--otlp-endpoint", "collector");

    assertThatThrownBy(serve::effectiveConfig)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("otlp-endpoint: 'collector' (expected: an http:// or https:// URL");
  }
}
