package io.mlsys.cli;

import io.mlsys.core.InvalidInputException;
import io.mlsys.deploy.HostBaseImage;
import io.mlsys.deploy.ImageTarget;
import io.mlsys.onnx.OnnxRuntimeLibraries;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mlsys image base --from-host}: a base image for offline builds, from this machine's Java
 * runtime and the C libraries it and ONNX Runtime link against.
 */
@Command(
    name = "base",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a base image for `mlsys image build --base docker-archive:FILE` without any image"
          + " registry: this machine's Java runtime under /opt/java (on the PATH) and the C"
          + " libraries it and ONNX Runtime need (glibc, libstdc++), found with ldd. Linux only;"
          + " the image runs on machines of this architecture."
    })
final class ImageBaseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--from-host",
      required = true,
      description =
          "Copy the Java runtime and C libraries of this machine (the only source today).")
  boolean fromHost;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "docker-archive:FILE.tar",
      description = "The Docker-format tar to write.")
  String to;

  @Option(
      names = "--java-home",
      paramLabel = "DIR",
      description = "The Java 21+ runtime to copy (default: the one running this command).")
  Path javaHome;

  @Mixin DataDirOption dataDir = new DataDirOption();

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    if (!(ImageTarget.parse(to, "--to") instanceof ImageTarget.DockerArchive archive)) {
      throw new InvalidInputException(
          "--to", "'" + to + "' (expected: docker-archive:FILE.tar, which --base reads)");
    }
    Path java =
        (javaHome != null ? javaHome : Path.of(System.getProperty("java.home")))
            .toAbsolutePath()
            .normalize();
    if (!Files.isExecutable(java.resolve("bin/java"))) {
      throw new InvalidInputException(
          "--java-home", java + " has no bin/java (expected: a Java 21+ runtime's folder)");
    }
    Path root = dataDir.resolve(System.getenv(), System.getProperty("user.home"));
    Path libraries = OnnxRuntimeLibraries.extract(root.resolve(DataDirOption.NATIVE_FOLDER));
    List<Path> nativeLibraries = new ArrayList<>();
    if (libraries != null) {
      try (Stream<Path> files = Files.list(libraries)) {
        files
            .filter(file -> file.toString().endsWith(".so"))
            .sorted()
            .forEach(nativeLibraries::add);
      }
    }
    out.printf("Writing a base image of %s to %s...%n", java, archive.file());
    out.flush();
    Path cache = root.resolve(ImageBuildCommand.CACHE_FOLDER);
    Files.createDirectories(cache);
    String digest =
        HostBaseImage.build(
            java,
            nativeLibraries,
            archive.file(),
            cache,
            line -> spec.commandLine().getErr().println("  " + line));
    out.println("  image " + digest);
    out.println("  wrote docker-archive:" + archive.file());
    out.flush();
    return 0;
  }
}
