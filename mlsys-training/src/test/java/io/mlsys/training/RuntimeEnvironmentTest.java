package io.mlsys.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeEnvironmentTest {

  @Test
  void capturesTheJdkOsAndLibraryVersions() {
    Map<String, String> environment = RuntimeEnvironment.capture();

    assertThat(environment)
        .containsEntry("java.version", Runtime.version().toString())
        .containsEntry("java.vendor", System.getProperty("java.vendor"))
        .containsEntry("os.arch", System.getProperty("os.arch"))
        .containsEntry("tribuo", org.tribuo.Tribuo.VERSION)
        .containsKeys("os", "mlsys", "protobuf", "datasketches");
    // From the jars' manifests, as the build resolved them.
    assertThat(environment.get("onnxruntime")).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(environment.get("protobuf")).matches("\\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void absentLibraryHasNoVersion() {
    assertThat(RuntimeEnvironment.libraryVersion("com.example.Absent")).isNull();
  }

  @Test
  void codeVersionOutsideAGitCheckoutIsMlsysVersion(@TempDir Path dir) {
    assertThat(RuntimeEnvironment.codeVersion(dir))
        .isEqualTo("mlsys-" + RuntimeEnvironment.mlsysVersion());
    assertThat(RuntimeEnvironment.gitCommit(dir)).isNull();
  }

  @Test
  void codeVersionInAGitCheckoutIsItsCommitAndSaysWhenDirty(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(run(dir, "git", "init", "-q") == 0, "git is installed");
    Files.writeString(dir.resolve("train.py"), "print(1)\n");
    run(dir, "git", "add", "train.py");
    assertThat(
            run(
                dir,
                "git",
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "commit",
                "-q",
                "-m",
                "one"))
        .isZero();
    String commit = output(dir, "git", "rev-parse", "HEAD");

    assertThat(RuntimeEnvironment.codeVersion(dir)).isEqualTo("git:" + commit);
    Files.writeString(dir.resolve("train.py"), "print(2)\n");
    assertThat(RuntimeEnvironment.codeVersion(dir)).isEqualTo("git:" + commit + "-dirty");
    assertThat(RuntimeEnvironment.gitCommit(dir)).isEqualTo(commit);
  }

  private static int run(Path dir, String... command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(List.of(command))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return process.exitValue();
  }

  private static String output(Path dir, String... command)
      throws IOException, InterruptedException {
    Process process = new ProcessBuilder(List.of(command)).directory(dir.toFile()).start();
    String text = new String(process.getInputStream().readAllBytes()).strip();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return text;
  }
}
