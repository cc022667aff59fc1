package io.mlsys.training;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tribuo.Tribuo;

/**
 * What a model was trained with, for its lineage: the JDK, the operating system, mlsys and the
 * libraries that shape a model (Tribuo, ONNX Runtime, protobuf, DataSketches), and the version of
 * the training code (the git commit of the working folder, or mlsys's version).
 */
public final class RuntimeEnvironment {
  /** mlsys's version when it runs from classes rather than its jars: {@value}. */
  public static final String DEV_VERSION = "dev";

  /** How long {@code git} may take to answer before the code version falls back: 10 s. */
  static final Duration GIT_TIMEOUT = Duration.ofSeconds(10);

  /** A library: its environment key and a class of it (loaded, never initialized). */
  private record Library(String key, String className) {}

  private static final List<Library> LIBRARIES =
      List.of(
          new Library("onnxruntime", "ai.onnxruntime.OrtEnvironment"),
          new Library("protobuf", "com.google.protobuf.Message"),
          new Library("datasketches", "org.apache.datasketches.kll.KllDoublesSketch"),
          new Library("jackson", "com.fasterxml.jackson.databind.ObjectMapper"));

  private static final Pattern JAR_VERSION = Pattern.compile(".*?-(\\d[^/]*)\\.jar");

  private RuntimeEnvironment() {}

  /**
   * The environment of this JVM: {@code java.version}, {@code java.vendor}, {@code java.vm}, {@code
   * os}, {@code os.arch}, {@code mlsys}, {@code tribuo}, and each of {@code onnxruntime}, {@code
   * protobuf}, {@code datasketches}, {@code jackson} that is on the class path.
   */
  public static Map<String, String> capture() {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("java.version", Runtime.version().toString());
    environment.put("java.vendor", System.getProperty("java.vendor", "unknown"));
    environment.put("java.vm", System.getProperty("java.vm.name", "unknown"));
    environment.put(
        "os",
        System.getProperty("os.name", "unknown") + " " + System.getProperty("os.version", ""));
    environment.put("os.arch", System.getProperty("os.arch", "unknown"));
    environment.put("mlsys", mlsysVersion());
    environment.put("tribuo", Tribuo.VERSION);
    for (Library library : LIBRARIES) {
      String version = libraryVersion(library.className());
      if (version != null) {
        environment.put(library.key(), version);
      }
    }
    return environment;
  }

  /**
   * The version of the training code: {@code git:<commit>} when {@code folder} is inside a git
   * checkout ({@code git:<commit>-dirty} when tracked files have changes), else {@code
   * mlsys-<version>}.
   */
  public static String codeVersion(Path folder) {
    GitResult head = git(folder, "rev-parse", "HEAD");
    if (head == null || head.exitCode() != 0 || !head.output().matches("[0-9a-f]{40,64}")) {
      return "mlsys-" + mlsysVersion();
    }
    // Exit code 1 when tracked files differ from the commit; no output to read.
    GitResult clean = git(folder, "diff-index", "--quiet", "HEAD", "--");
    return "git:" + head.output() + (clean != null && clean.exitCode() == 1 ? "-dirty" : "");
  }

  /** The git commit of {@code folder}'s checkout, or null when it is not one. */
  public static String gitCommit(Path folder) {
    String version = codeVersion(folder);
    if (!version.startsWith("git:")) {
      return null;
    }
    String commit = version.substring("git:".length());
    return commit.endsWith("-dirty") ? commit.substring(0, commit.length() - 6) : commit;
  }

  /** mlsys's version from its jar's Maven metadata, or {@value #DEV_VERSION}. */
  public static String mlsysVersion() {
    try (InputStream in =
        RuntimeEnvironment.class.getResourceAsStream(
            "/META-INF/maven/io.mlsys/mlsys-training/pom.properties")) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        String version = properties.getProperty("version");
        if (version != null && !version.isBlank()) {
          return version;
        }
      }
    } catch (IOException e) {
      // A jar we cannot read has no version we can report.
    }
    return DEV_VERSION;
  }

  /**
   * A library's version: its package's manifest entry, else its jar's {@code Bundle-Version}, else
   * the version in its jar's file name; null when the class is absent or none says.
   */
  static String libraryVersion(String className) {
    Class<?> type;
    try {
      type = Class.forName(className, false, RuntimeEnvironment.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
    Package pkg = type.getPackage();
    if (pkg != null && pkg.getImplementationVersion() != null) {
      return pkg.getImplementationVersion();
    }
    CodeSource source = type.getProtectionDomain().getCodeSource();
    URL location = source == null ? null : source.getLocation();
    if (location == null || !location.getPath().endsWith(".jar")) {
      return null;
    }
    try (JarFile jar = new JarFile(Path.of(location.toURI()).toFile())) {
      if (jar.getManifest() != null) {
        Attributes main = jar.getManifest().getMainAttributes();
        String bundle = main.getValue("Bundle-Version");
        if (bundle != null) {
          return bundle;
        }
      }
    } catch (IOException | URISyntaxException | IllegalArgumentException e) {
      // Fall back to the file name.
    }
    Matcher matcher = JAR_VERSION.matcher(location.getPath());
    return matcher.matches() ? matcher.group(1) : null;
  }

  private record GitResult(int exitCode, String output) {}

  /** {@code git -C folder ARGS}'s exit code and trimmed output, or null when git cannot run. */
  private static GitResult git(Path folder, String... args) {
    if (folder == null || !Files.isDirectory(folder)) {
      return null;
    }
    List<String> command = new java.util.ArrayList<>(List.of("git", "-C", folder.toString()));
    command.addAll(List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      return null;
    }
    try {
      process.getOutputStream().close();
      // The outputs asked for (a commit id, or none) fit the pipe's buffer: no reader thread.
      if (!process.waitFor(GIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return null;
      }
      return new GitResult(
          process.exitValue(),
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return null;
    }
  }
}
