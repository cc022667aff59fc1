package io.mlsys.core.spi;

import io.mlsys.core.Model;

/**
 * Loads model files of one platform into {@link Model}s: ONNX Runtime for {@code onnxruntime_onnx},
 * and whatever a jar on the classpath adds. Found through {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/io.mlsys.core.spi.ModelRuntime}; the model repository
 * picks the runtime whose {@link #platform()} a model's config names.
 *
 * <p>The interface lives in {@code mlsys-core} so that dependencies point inward: a runtime module
 * (such as {@code mlsys-onnx}) depends on the core only, never on the repository or the server that
 * use it, and the repository and server reach runtimes only through this interface.
 *
 * <p>Implementations are thread-safe (models load in parallel) and cheap to construct: the service
 * loader makes one instance when the server is wired, before any model is loaded, so native
 * libraries and the like are set up on the first {@link #load}, not in the constructor.
 */
public interface ModelRuntime {

  /**
   * The platform name models name in their config ({@code platform:}) and that {@link
   * io.mlsys.core.ModelMetadata#platform()} reports, in Triton's spelling, e.g. {@code
   * onnxruntime_onnx}.
   */
  String platform();

  /**
   * The name of the model file in each version folder of a model repository ({@code
   * <model>/<version>/<file>}), e.g. {@code model.onnx}.
   */
  String modelFileName();

  /**
   * Loads one model version; the model serves under the artifact's name and version.
   *
   * @throws io.mlsys.core.ModelLoadException with a reason naming the file as {@link
   *     ModelArtifact#location()} shows it, when the file is missing or not a model of this
   *     platform, or an option does not fit the model
   */
  Model load(ModelArtifact artifact);
}
