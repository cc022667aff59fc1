package io.mlsys.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.graph.Condition;
import io.mlsys.repository.ModelConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        MlsysConfigLoader.keyPaths().stream()
            .filter(ConfigurationDocsTest::isProductKey)
            .filter(key -> !docs.contains("`" + key + "`"))
            .toList();

    assertThat(missing).as("keys of mlsys.yaml missing from docs/configuration.md").isEmpty();
  }

  @Test
  void documentsEveryRepositoryModelConfigKey() throws IOException {
    String docs = docs();
    int start = docs.indexOf("## Repository models");
    assertThat(start).as("the Repository models section").isNotNegative();
    String section = docs.substring(start);
    List<String> missing =
        ModelConfigLoader.keyPaths().stream()
            .filter(ConfigurationDocsTest::isProductKey)
            .filter(key -> !section.contains("`" + key + "`"))
            .toList();

    assertThat(missing).as("config.yaml keys missing from docs/configuration.md").isEmpty();
  }

  @Test
  void theKeyListsCoverTheNestedKeys() {
    assertThat(MlsysConfigLoader.keyPaths())
        .contains("server.port", "model-repository.path", "models.<name>.default-outputs");
    assertThat(ModelConfigLoader.keyPaths())
        .contains("version-policy.latest", "version-policy.all", "version-policy.specific");
  }

  /** Not a kind that only this module's tests install (the decorators test-tag, test-...). */
  private static boolean isProductKey(String key) {
    return !key.contains(".test-");
  }

  /** The first ```yaml block after {@code heading}. */
  private static String yamlAfter(String docs, String heading) {
    int start = docs.indexOf(heading);
    assertThat(start).as(heading).isNotNegative();
    int open = docs.indexOf("```yaml\n", start) + "```yaml\n".length();
    return docs.substring(open, docs.indexOf("```", open));
  }

  @Test
  void theMainExampleLoads(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("models"));

    MlsysConfig config = MlsysConfigLoader.parse(yamlAfter(docs(), "## Example"), dir, Map.of());

    assertThat(config.server().grpcPort()).isEqualTo(8081);
    assertThat(config.models().get("iris-svc").batching().maxBatchSize()).isEqualTo(64);
    assertThat(config.graphs()).containsOnlyKeys("iris-checked");
  }

  @Test
  void theBatchingExampleLoads() throws IOException {
    MlsysConfig config =
        MlsysConfigLoader.parse(yamlAfter(docs(), "## Batching"), Path.of("/srv"), Map.of());

    assertThat(config.models().get("iris-svc").batching().preferredBatchSizes())
        .containsExactly(16, 32);
  }

  @Test
  void theCompleteGraphExampleLoads() throws IOException {
    MlsysConfig config =
        MlsysConfigLoader.parse(
            yamlAfter(docs(), "### Complete example"), Path.of("/srv"), Map.of());

    assertThat(config.graphs())
        .containsOnlyKeys(
            "iris-ovr", "iris-pipeline", "text-direction-graph", "iris-routed", "iris-cascade");
  }

  @Test
  void theRuleExamplesParse() throws IOException {
    List<String> rules =
        yamlAfter(docs(), "### Rules")
            .lines()
            .filter(line -> line.startsWith("when: \""))
            .map(line -> line.substring("when: \"".length(), line.length() - 1))
            .toList();

    assertThat(rules).hasSizeGreaterThanOrEqualTo(4);
    rules.forEach(rule -> assertThat(Condition.parse(rule).source()).isEqualTo(rule));
  }
}
