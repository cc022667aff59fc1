package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mlsys image build} refuses bad input with a message naming the option. */
class ImageCommandTest {
  @TempDir Path dataDir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int build(String... args) {
    List<String> all = new ArrayList<>(List.of("image", "build", "--data-dir", dataDir.toString()));
    all.addAll(List.of(args));
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(all.toArray(String[]::new));
  }

  private String target() {
    return "oci-archive:" + dataDir.resolve("iris.tar");
  }

  @Test
  void anUnknownModelIsNamed() {
    assertThat(build("--model", "nope@champion", "--to", target()))
        .isEqualTo(CliErrorHandler.EXIT_FAILURE);

    assertThat(err.toString())
        .startsWith("mlsys: --model: 'nope@champion' is not in the registry: ")
        .contains("nope not found");
    assertThat(dataDir.resolve("iris.tar")).doesNotExist();
  }

  @Test
  void aMalformedModelReferenceNamesModel() {
    assertThat(build("--model", "iris", "--to", target())).isEqualTo(CliErrorHandler.EXIT_FAILURE);

    assertThat(err.toString()).startsWith("mlsys: --model: 'iris' is not a registry reference");
  }

  @Test
  void aBadTargetNamesTo() {
    assertThat(build("--model", "iris@champion", "--to", "Not An Image!"))
        .isEqualTo(CliErrorHandler.EXIT_FAILURE);

    assertThat(err.toString())
        .startsWith("mlsys: --to: 'Not An Image!' is not an image reference (expected: ");
  }

  @Test
  void aMissingBaseArchiveNamesBaseAndTheFile() {
    Path missing = dataDir.resolve("base.tar");

    assertThat(build("--model", "iris@champion", "--to", target(), "--base", "tar://" + missing))
        .isEqualTo(CliErrorHandler.EXIT_FAILURE);

    assertThat(err.toString()).startsWith("mlsys: --base: 'tar://" + missing + "': no such file");
  }

  @Test
  void withoutModelOrTargetPicocliSaysWhatIsMissing() {
    assertThat(build("--model", "iris@champion")).isEqualTo(CommandLine.ExitCode.USAGE);

    assertThat(err.toString()).contains("Missing required option: '--to=TARGET'");
  }
}
