package io.mlsys.onnx;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The native libraries of ONNX Runtime, extracted once into a folder that is reused by every start.
 *
 * <p>Left alone, ONNX Runtime's Java API copies its native libraries (about 24 MB) into a new
 * {@code onnxruntime-java*} folder of the system temp directory on every start and cannot delete
 * them while they are loaded, so each start leaves one behind. Pointed at a folder that holds them
 * (the system property {@value #NATIVE_PATH_PROPERTY}), it loads them from there and copies
 * nothing. This class only prepares that folder; setting the property is JVM-wide and belongs to
 * the launcher (the CLI), before anything loads ONNX Runtime.
 */
public final class OnnxRuntimeLibraries {

  /** The system property ONNX Runtime reads the folder of its native libraries from. */
  public static final String NATIVE_PATH_PROPERTY = "onnxruntime.native.path";

  /** The libraries ONNX Runtime looks for in that folder, those its jar carries for a platform. */
  private static final List<String> LIBRARIES =
      List.of(
          "onnxruntime",
          "onnxruntime4j_jni",
          "onnxruntime_providers_shared",
          "webgpu_dawn",
          "dxil",
          "dxcompiler");

  private static final System.Logger LOG = System.getLogger(OnnxRuntimeLibraries.class.getName());

  private OnnxRuntimeLibraries() {}

  /**
   * The folder {@code <nativeRoot>/onnxruntime-<version>-<os>-<arch>} holding the native libraries
   * of the ONNX Runtime on the class path, extracted there first if it does not exist yet. The
   * extraction goes to a temporary folder beside it that is then renamed, so a folder of that name
   * is always complete, and several processes starting at once end up sharing one.
   *
   * @return the folder, or null when the jar carries no libraries for this platform (ONNX Runtime
   *     then finds its libraries by itself)
   * @throws IOException when the folder cannot be written
   */
  public static Path extract(Path nativeRoot) throws IOException {
    String platform = platform();
    if (platform == null) {
      return null;
    }
    String resources = "/ai/onnxruntime/native/" + platform + "/";
    if (OrtEnvironment.class.getResource(resources + System.mapLibraryName(LIBRARIES.get(1)))
        == null) {
      return null;
    }
    Path target = nativeRoot.resolve("onnxruntime-" + version() + "-" + platform);
    if (Files.isDirectory(target)) {
      return target;
    }
    Files.createDirectories(nativeRoot);
    Path partial = Files.createTempDirectory(nativeRoot, ".extracting-");
    try {
      for (String library : LIBRARIES) {
        String file = System.mapLibraryName(library);
        try (InputStream in = OrtEnvironment.class.getResourceAsStream(resources + file)) {
          if (in != null) {
            Files.copy(in, partial.resolve(file));
          }
        }
      }
      try {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException
          | DirectoryNotEmptyException
          | AtomicMoveNotSupportedException e) {
        if (!Files.isDirectory(target)) {
          throw e;
        }
        // Another process extracted the same libraries first: use its folder.
      }
    } finally {
      deleteRecursively(partial);
    }
    return target;
  }

  /**
   * Loads ONNX Runtime now, then deletes the temp folder its loader creates on every start even
   * when {@value #NATIVE_PATH_PROPERTY} makes it copy nothing there: ONNX Runtime only marks that
   * folder for deletion at a normal JVM exit, so each start that ends with SIGKILL would leave an
   * empty {@code onnxruntime-java*} folder behind. Best effort: a folder that is not empty (the
   * libraries were extracted there after all) or a runtime whose loader looks different is left
   * alone.
   */
  public static void loadAndRemoveTempFolder() {
    OrtEnvironment.getEnvironment();
    try {
      Field tempDirectory =
          Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("tempDirectory");
      tempDirectory.setAccessible(true);
      if (tempDirectory.get(null) instanceof Path folder) {
        Files.deleteIfExists(folder);
      }
    } catch (ReflectiveOperationException | IOException | RuntimeException e) {
      LOG.log(
          System.Logger.Level.DEBUG, "ONNX Runtime's temp folder is left to ONNX Runtime: " + e);
    }
  }

  /**
   * The ONNX Runtime version on the class path, from its jar's manifest; read without loading the
   * native library (the class is not initialised).
   */
  static String version() {
    String version = OrtEnvironment.class.getPackage().getImplementationVersion();
    return version == null || version.isBlank() ? "unknown" : version;
  }

  /** ONNX Runtime's name for this platform ({@code linux-x64}, ...), or null if it has none. */
  static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String osName =
        os.contains("mac") || os.contains("darwin")
            ? "osx"
            : os.contains("win") ? "win" : os.contains("nux") ? "linux" : null;
    String archName =
        arch.startsWith("amd64") || arch.startsWith("x86_64")
            ? "x64"
            : arch.startsWith("aarch64") ? "aarch64" : null;
    return osName == null || archName == null ? null : osName + "-" + archName;
  }

  private static void deleteRecursively(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
