package io.mlsys.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.server.config.MlsysConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md documents every key of the features node (the server's own docs test does
 * not see this module's kind: it is not on the server module's class path).
 */
class FeaturesDocsTest {

  @Test
  void documentsEveryKeyOfTheFeaturesNode() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("the repository root above the working dir").isNotNull();
    String docs = Files.readString(dir.resolve("docs/configuration.md"));
    List<String> keys =
        MlsysConfigLoader.keyPaths().stream().filter(key -> key.contains(".features")).toList();
    assertThat(keys).as("the features node's keys").contains("<node>.features.source.url");
    assertThat(keys.stream().filter(key -> !docs.contains("`" + key + "`")).toList())
        .as("keys of the features node missing from docs/configuration.md")
        .isEmpty();
  }
}
