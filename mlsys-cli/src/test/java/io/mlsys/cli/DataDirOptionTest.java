package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DataDirOptionTest {
  private static DataDirOption parsed(String... args) {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs(args);
    return serve.dataDir;
  }

  @Test
  void theFlagWins() {
    assertThat(
            parsed("--data-dir", "/srv/mlsys")
                .resolve(Map.of(DataDirOption.ENVIRONMENT_VARIABLE, "/env"), "/home/u"))
        .isEqualTo(Path.of("/srv/mlsys"));
  }

  @Test
  void thenTheEnvironmentVariable() {
    assertThat(parsed().resolve(Map.of(DataDirOption.ENVIRONMENT_VARIABLE, "/env"), "/home/u"))
        .isEqualTo(Path.of("/env"));
  }

  @Test
  void elseDotMlsysInTheHomeFolder() {
    assertThat(parsed().resolve(Map.of(), "/home/u")).isEqualTo(Path.of("/home/u/.mlsys"));
  }

  @Test
  void quickstartTakesItToo() {
    QuickstartCommand quickstart = new QuickstartCommand();
    new CommandLine(quickstart).parseArgs("--data-dir", "/srv/mlsys");

    // The quickstart keeps its registry beside its files unless told otherwise.
    assertThat(quickstart.dataDir).isEqualTo(Path.of("/srv/mlsys"));
  }

  @Test
  void theHelpNamesTheDefault() {
    // Without the line breaks picocli wraps the description with.
    assertThat(new CommandLine(new ServeCommand()).getUsageMessage().replaceAll("\\s+", ""))
        .contains("--data-dir=DIR")
        .contains("$MLSYS_DATA_DIR")
        .contains("~/.mlsys");
  }
}
