package io.mlsys.cli;

import io.mlsys.onnx.OnnxRuntimeLibraries;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --data-dir}: the folder where mlsys keeps what outlives one start (today ONNX Runtime's
 * native libraries, extracted once per version under {@code native/}).
 */
final class DataDirOption {
  /** Environment variable naming the data directory when {@code --data-dir} is not given. */
  static final String ENVIRONMENT_VARIABLE = "MLSYS_DATA_DIR";

  /** The data directory's default, inside the user's home folder. */
  static final String DEFAULT_FOLDER = ".mlsys";

  /** The sub-folder of the data directory that holds native libraries. */
  static final String NATIVE_FOLDER = "native";

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Folder for files kept between starts (the embedded registry store and artifacts,"
              + " prediction log journals, ONNX Runtime's native libraries under DIR/native/);"
              + " wins over data-dir in mlsys.yaml; default $"
              + ENVIRONMENT_VARIABLE
              + ", else ~/"
              + DEFAULT_FOLDER
              + ".")
  Path dataDir;

  /** The data directory: the flag, else the environment variable, else {@code ~/.mlsys}. */
  Path resolve(Map<String, String> environment, String userHome) {
    if (dataDir != null) {
      return dataDir.toAbsolutePath().normalize();
    }
    String fromEnvironment = environment.get(ENVIRONMENT_VARIABLE);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return Path.of(fromEnvironment).toAbsolutePath().normalize();
    }
    return Path.of(userHome, DEFAULT_FOLDER);
  }

  /**
   * Points ONNX Runtime at its native libraries extracted once under the data directory, so that a
   * start copies nothing into the system temp folder. Must run before anything loads ONNX Runtime;
   * leaves an {@value OnnxRuntimeLibraries#NATIVE_PATH_PROPERTY} given on the java command line
   * alone. When the folder cannot be written, says so and lets ONNX Runtime extract as it would.
   */
  void prepareOnnxRuntime(PrintWriter err) {
    if (System.getProperty(OnnxRuntimeLibraries.NATIVE_PATH_PROPERTY) != null) {
      return;
    }
    Path nativeRoot =
        resolve(System.getenv(), System.getProperty("user.home")).resolve(NATIVE_FOLDER);
    try {
      Path libraries = OnnxRuntimeLibraries.extract(nativeRoot);
      if (libraries != null) {
        // JVM-wide by nature: ONNX Runtime reads only this property. The launcher owns it.
        System.setProperty(OnnxRuntimeLibraries.NATIVE_PATH_PROPERTY, libraries.toString());
        OnnxRuntimeLibraries.loadAndRemoveTempFolder();
      }
    } catch (IOException | RuntimeException e) {
      err.println(
          "warning: cannot extract ONNX Runtime's native libraries to "
              + nativeRoot
              + " ("
              + e
              + "); ONNX Runtime extracts them to the temp folder instead (use --data-dir or $"
              + ENVIRONMENT_VARIABLE
              + " to name a writable folder)");
      err.flush();
    }
  }
}
