package io.mlsys.deploy;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import io.mlsys.core.FailedPreconditionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A base image made from this machine, for building model images without any image registry: this
 * JVM's Java runtime under {@value #JAVA_DIR}, and the C libraries (glibc, libstdc++, the dynamic
 * loader) that it and the given native libraries (ONNX Runtime's) link against, found with {@code
 * ldd}, at the paths this machine has them. Linux only. Written as a Docker-format archive, which
 * Jib reads as a base ({@code --base docker-archive:FILE}).
 */
public final class HostBaseImage {
  /** Where the Java runtime goes in the image. */
  public static final String JAVA_DIR = "/opt/java";

  static final String PATH =
      JAVA_DIR + "/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** Parts of a JDK that a server never runs: sources, headers, manual pages, module files. */
  static final Set<String> SKIPPED =
      Set.of("lib/src.zip", "lib/ct.sym", "include", "man", "jmods", "demo", "sample");

  /** {@code libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)} or the loader's own line. */
  private static final Pattern LDD_LINE =
      Pattern.compile("^\\s*(?:\\S+\\s+=>\\s+)?(/\\S+)\\s+\\(0x[0-9a-f]+\\)\\s*$");

  private static final long LDD_TIMEOUT_SECONDS = 60;

  private HostBaseImage() {}

  /**
   * Builds the base image into a Docker-format archive.
   *
   * @param javaHome the Java runtime to copy (21 or newer; e.g. {@code java.home})
   * @param nativeLibraries further shared libraries whose C dependencies the image must hold
   * @param archive the tar file to write
   * @param cacheDir Jib's layer cache
   * @return the image's manifest digest
   */
  public static String build(
      Path javaHome, List<Path> nativeLibraries, Path archive, Path cacheDir, Consumer<String> log)
      throws InterruptedException {
    try {
      List<Path> elfFiles = new ArrayList<>(elfFiles(javaHome));
      elfFiles.addAll(nativeLibraries);
      TreeMap<String, Path> libraries = new TreeMap<>();
      for (String library : ldd(elfFiles)) {
        if (!Path.of(library).startsWith(javaHome)) {
          libraries.put(library, Path.of(library).toRealPath());
        }
      }
      FileEntriesLayer.Builder system = FileEntriesLayer.builder().setName("c-libraries");
      for (var library : libraries.entrySet()) {
        system.addEntry(
            library.getValue(),
            AbsoluteUnixPath.get(library.getKey()),
            permissions(library.getValue()));
      }
      // The JVM and the server write temporary files (MLSYS_DATA_DIR is under /tmp).
      Path emptyFolder = Files.createDirectories(cacheDir.resolve("empty-folder"));
      system.addEntry(
          emptyFolder, AbsoluteUnixPath.get("/tmp"), FilePermissions.fromOctalString("777"));
      FileEntriesLayer.Builder java = FileEntriesLayer.builder().setName("java");
      for (Path file : javaFiles(javaHome)) {
        java.addEntry(
            file,
            AbsoluteUnixPath.get(JAVA_DIR + "/" + javaHome.relativize(file).toString()),
            permissions(file));
      }
      JibContainerBuilder builder =
          Jib.fromScratch()
              .setFormat(ImageFormat.Docker)
              .addFileEntriesLayer(system.build())
              .addFileEntriesLayer(java.build())
              .addEnvironmentVariable("PATH", PATH)
              .addEnvironmentVariable("JAVA_HOME", JAVA_DIR)
              .addLabel(
                  ImagePlan.OCI_PREFIX + "description",
                  "Java "
                      + Runtime.version()
                      + " and the C libraries it needs, copied from the build machine by mlsys");
      JibContainer container =
          builder.containerize(
              Containerizer.to(
                      TarImage.at(archive).named("mlsys-host-java:" + Runtime.version().feature()))
                  .setToolName(ImageBuilder.TOOL_NAME)
                  .setBaseImageLayersCache(cacheDir.resolve("base"))
                  .setApplicationLayersCache(cacheDir.resolve("application"))
                  .addEventHandler(
                      LogEvent.class,
                      event -> {
                        if (event.getLevel() == LogEvent.Level.WARN
                            || event.getLevel() == LogEvent.Level.ERROR) {
                          log.accept(event.getMessage());
                        }
                      }));
      return container.getDigest().toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ExecutionException | RegistryException | CacheDirectoryCreationException e) {
      throw new FailedPreconditionException(
          "cannot build the base image " + archive + ": " + e.getMessage());
    } catch (com.google.cloud.tools.jib.api.InvalidImageReferenceException e) {
      throw new IllegalStateException("the base image's name is fixed and valid", e);
    }
  }

  /** The runtime's files, less {@link #SKIPPED}. */
  static List<Path> javaFiles(Path javaHome) throws IOException {
    try (Stream<Path> files = Files.walk(javaHome)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              file ->
                  SKIPPED.stream().noneMatch(skip -> javaHome.relativize(file).startsWith(skip)))
          .sorted()
          .toList();
    }
  }

  /** The executables and shared libraries of a Java runtime. */
  static List<Path> elfFiles(Path javaHome) throws IOException {
    List<Path> elf = new ArrayList<>();
    for (Path file : javaFiles(javaHome)) {
      String name = file.getFileName().toString();
      boolean executable = javaHome.relativize(file).startsWith("bin") && Files.isExecutable(file);
      if (executable || name.endsWith(".so")) {
        elf.add(file);
      }
    }
    return elf;
  }

  /**
   * The absolute paths of the shared libraries {@code files} need, as {@code ldd} resolves them.
   */
  static Set<String> ldd(List<Path> files) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ldd"));
    files.forEach(file -> command.add(file.toString()));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new FailedPreconditionException(
          "cannot run ldd, which finds the C libraries Java needs (expected: Linux with glibc): "
              + e.getMessage());
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(LDD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new FailedPreconditionException("ldd did not finish in " + LDD_TIMEOUT_SECONDS + " s");
    }
    // ldd exits non-zero when one of several files is not dynamic (a script); its lines still hold.
    return parseLdd(output);
  }

  static Set<String> parseLdd(String output) {
    Set<String> libraries = new TreeSet<>();
    for (String line : output.split("\n")) {
      Matcher matcher = LDD_LINE.matcher(line);
      if (matcher.matches()) {
        libraries.add(matcher.group(1));
      }
    }
    return libraries;
  }

  private static FilePermissions permissions(Path file) throws IOException {
    return FilePermissions.fromPosixFilePermissions(Files.getPosixFilePermissions(file));
  }
}
