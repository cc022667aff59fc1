package io.mlsys.onnx;

import io.mlsys.core.Model;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.spi.ModelArtifact;
import io.mlsys.core.spi.ModelRuntime;

/**
 * ONNX Runtime as a {@link ModelRuntime}: platform {@value OnnxModel#PLATFORM}, version folders
 * holding {@value #MODEL_FILE_NAME}, one session per model version ({@link OnnxModel}). Registered
 * in {@code META-INF/services/io.mlsys.core.spi.ModelRuntime}, so a server with this module on its
 * classpath serves ONNX models.
 */
public final class OnnxModelRuntime implements ModelRuntime {
  /** The model file in each version folder of a repository, as in Triton. */
  public static final String MODEL_FILE_NAME = "model.onnx";

  /** Called by {@link java.util.ServiceLoader}; loads nothing until the first model. */
  public OnnxModelRuntime() {}

  @Override
  public String platform() {
    return OnnxModel.PLATFORM;
  }

  @Override
  public String modelFileName() {
    return MODEL_FILE_NAME;
  }

  /**
   * Loads the file into a new ONNX Runtime session with the artifact's labels, intra-op threads and
   * default outputs; non-finite inputs stay refused ({@link
   * OnnxModelOptions#DEFAULT_ALLOW_NON_FINITE}).
   */
  @Override
  public Model load(ModelArtifact artifact) {
    OnnxModelOptions options;
    try {
      options =
          new OnnxModelOptions(
              artifact.name(),
              artifact.version(),
              artifact.intraOpThreads(),
              artifact.labels(),
              artifact.defaultOutputs(),
              OnnxModelOptions.DEFAULT_ALLOW_NON_FINITE);
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(artifact.name(), e.getMessage(), e);
    }
    return OnnxModel.load(artifact.file(), artifact.location(), options);
  }
}
