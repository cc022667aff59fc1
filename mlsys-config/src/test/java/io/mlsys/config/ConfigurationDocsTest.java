package io.mlsys.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every key the loader accepts. */
class ConfigurationDocsTest {

  private static String docs() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    assertThat(dir)
        .as("the repository root (the folder with mvnw) above the working dir")
        .isNotNull();
    return Files.readString(dir.resolve("docs/configuration.md"));
  }

  @Test
  void documentsEveryMainFileKey() throws IOException {
    String docs = docs();
    List<String> missing =
        ConfigLoader.keyPaths().stream().filter(key -> !docs.contains("`" + key + "`")).toList();

    assertThat(missing).as("keys of mlsys.yaml missing from docs/configuration.md").isEmpty();
  }

  @Test
  void documentsEveryRepositoryModelConfigKey() throws IOException {
    String docs = docs();
    int start = docs.indexOf("## Repository models");
    assertThat(start).as("the Repository models section").isNotNegative();
    String section = docs.substring(start);
    List<String> missing =
        ConfigLoader.modelConfigKeyPaths().stream()
            .filter(key -> !section.contains("`" + key + "`"))
            .toList();

    assertThat(missing).as("config.yaml keys missing from docs/configuration.md").isEmpty();
  }

  @Test
  void theKeyListsCoverTheNestedKeys() {
    assertThat(ConfigLoader.keyPaths())
        .contains("server.port", "model-repository.path", "models.<name>.default-outputs");
    assertThat(ConfigLoader.modelConfigKeyPaths())
        .contains("version-policy.latest", "version-policy.all", "version-policy.specific");
  }
}
