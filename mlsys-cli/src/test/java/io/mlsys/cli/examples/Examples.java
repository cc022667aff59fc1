package io.mlsys.cli.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import io.mlsys.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Finds the examples folder and loads an example's config as the server would. */
final class Examples {
  private Examples() {}

  /** {@code examples/<name>} of this checkout. */
  static Path folder(String name) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("checkout root (folder with mvnw)").isNotNull();
    Path folder = dir.resolve("examples").resolve(name);
    assertThat(folder).isDirectory();
    return folder;
  }

  /**
   * The process environment plus {@code MLSYS_FIXTURES}, the fixtures folder the tests use (it may
   * be set with {@code -Dmlsys.fixtures}, which the configs' default path does not see), plus
   * {@code extra}.
   */
  static Map<String, String> environment(Map<String, String> extra) {
    Map<String, String> environment = new HashMap<>(System.getenv());
    Fixtures.root().ifPresent(root -> environment.put("MLSYS_FIXTURES", root.toString()));
    environment.putAll(extra);
    return environment;
  }

  /** Loads {@code examples/<example>/<file>} strictly, with {@link #environment}. */
  static MlsysConfig load(String example, String file, Map<String, String> extra) {
    return MlsysConfigLoader.load(folder(example).resolve(file), environment(extra));
  }
}
