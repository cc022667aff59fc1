package io.mlsys.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlsys.core.InvalidInputException;
import io.mlsys.repository.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a trained model into a model repository folder, Triton/KServe layout: {@code
 * DIR/<name>/<version>/model.onnx}, {@code DIR/<name>/labels.json} and {@code
 * DIR/<name>/config.yaml}. Each file is written to a temporary file beside it and moved into place,
 * and the model file comes last, so a server watching the folder never reads a half-written model
 * or a model without its labels.
 */
final class ModelRepositoryWriter {
  static final String MODEL_FILE = "model.onnx";
  static final String LABELS_FILE = "labels.json";
  static final String CONFIG_FILE = "config.yaml";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelRepositoryWriter() {}

  static Path write(DemoModel model, Path repositoryDir, String modelName, int version) {
    if (model == null) {
      throw new InvalidInputException("model", "null (expected: a trained DemoModel)");
    }
    if (repositoryDir == null) {
      throw new InvalidInputException("repositoryDir", "null (expected: a folder)");
    }
    if (Files.exists(repositoryDir) && !Files.isDirectory(repositoryDir)) {
      throw new InvalidInputException(
          "repositoryDir", "'" + repositoryDir + "' is not a folder (expected: a folder)");
    }
    // The repository's own rule, so that whatever is written here can be served.
    if (!ModelConfig.isValidName(modelName)) {
      throw new InvalidInputException(
          "modelName",
          (modelName == null ? "null" : "'" + modelName + "'")
              + " (expected: 1 to 128 letters, digits, '_', '.' or '-', not starting with '.')");
    }
    if (version < 1) {
      throw new InvalidInputException("version", version + " (expected: >= 1)");
    }
    Path modelDir = repositoryDir.resolve(modelName);
    try {
      Path versionDir = Files.createDirectories(modelDir.resolve(Integer.toString(version)));
      writeAtomically(modelDir.resolve(LABELS_FILE), labelsJson(model.classNames()));
      writeAtomically(modelDir.resolve(CONFIG_FILE), configYaml());
      byte[] onnx = model.onnxModel().toBuilder().setModelVersion(version).build().toByteArray();
      writeAtomically(versionDir.resolve(MODEL_FILE), onnx);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write model '" + modelName + "' into " + repositoryDir + ": " + e, e);
    }
    return modelDir;
  }

  /** Class index (as text, in output column order) to class name. */
  static byte[] labelsJson(List<String> classNames) throws IOException {
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < classNames.size(); i++) {
      labels.put(Integer.toString(i), classNames.get(i));
    }
    byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(labels);
    byte[] withNewline = java.util.Arrays.copyOf(json, json.length + 1);
    withNewline[json.length] = '\n';
    return withNewline;
  }

  /** Only keys the repository's strict config reader allows. */
  private static byte[] configYaml() {
    return ("# Written by mlsys-training: a Tribuo model exported to ONNX.\n"
            + "labels: "
            + LABELS_FILE
            + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    // Not Files.createTempFile: its owner-only permissions would follow the file into place, and a
    // server running as another user could not read the model. This name is unique per process
    // and thread, and files are created with the usual umask.
    Path temporary =
        target.resolveSibling(
            "."
                + target.getFileName()
                + "."
                + ProcessHandle.current().pid()
                + "-"
                + Thread.currentThread().threadId()
                + ".tmp");
    try {
      Files.write(temporary, bytes);
      try {
        Files.move(
            temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
