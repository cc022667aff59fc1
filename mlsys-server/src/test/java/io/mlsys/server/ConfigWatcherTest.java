package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.config.ConfigException;
import io.mlsys.server.config.MlsysConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config watcher hands on changed, valid files only (checked directly, no waiting). */
class ConfigWatcherTest {
  @TempDir Path folder;

  private static final String ONE =
      "graphs:\n  g:\n    model: a\n    timeout: 100ms\nserver:\n  port: 0\n";
  private static final String TWO =
      "graphs:\n  g:\n    model: a\n    timeout: 200ms\nserver:\n  port: 0\n";

  private final List<MlsysConfig> seen = new ArrayList<>();

  private Path write(String text) throws IOException {
    return Files.writeString(folder.resolve("mlsys.yaml"), text);
  }

  @Test
  void anUnchangedFileIsNotHandedOn() throws IOException {
    ConfigWatcher watcher = new ConfigWatcher(write(ONE), seen::add);

    write(ONE);

    assertThat(watcher.checkNow()).isFalse();
    assertThat(seen).isEmpty();
  }

  @Test
  void aChangedValidFileIsHandedOnOnce() throws IOException {
    ConfigWatcher watcher = new ConfigWatcher(write(ONE), seen::add);

    write(TWO);

    assertThat(watcher.checkNow()).isTrue();
    assertThat(watcher.checkNow()).isFalse();
    assertThat(seen).hasSize(1);
    assertThat(seen.getFirst().graphs()).containsKey("g");
  }

  @Test
  void anInvalidFileIsIgnoredUntilItIsFixed() throws IOException {
    ConfigWatcher watcher = new ConfigWatcher(write(ONE), seen::add);

    write("graphs:\n  g:\n    modle: a\n");
    assertThat(watcher.checkNow()).isFalse();
    write(TWO);

    assertThat(watcher.checkNow()).isTrue();
    assertThat(seen).hasSize(1);
  }

  @Test
  void aConsumerThatRejectsTheGraphsKeepsTheOldConfig() throws IOException {
    ConfigWatcher watcher =
        new ConfigWatcher(
            write(ONE),
            config -> {
              throw new ConfigException("graphs.g", "unknown model (expected: a model)");
            });

    write(TWO);

    assertThat(watcher.checkNow()).isFalse();
  }

  @Test
  void aMissingFileIsNotAChange() throws IOException {
    Path file = write(ONE);
    ConfigWatcher watcher = new ConfigWatcher(file, seen::add);

    Files.delete(file);

    assertThat(watcher.checkNow()).isFalse();
  }
}
