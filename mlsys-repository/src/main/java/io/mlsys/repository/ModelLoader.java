package io.mlsys.repository;

import io.mlsys.core.Model;
import io.mlsys.core.spi.ModelRuntime;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Turns a model source into a loaded {@link Model}. The server's loader picks a {@link
 * ModelRuntime} by the source's platform ({@link #installedRuntimes()}); tests pass lambdas.
 */
@FunctionalInterface
public interface ModelLoader {

  /**
   * A loader over the runtimes on the thread's context class loader, found through {@link
   * ServiceLoader} ({@code META-INF/services/io.mlsys.core.spi.ModelRuntime}): ONNX Runtime when
   * {@code mlsys-onnx} is on the classpath.
   *
   * @throws IllegalStateException when two installed runtimes claim one platform
   */
  static ModelLoader installedRuntimes() {
    return runtimes(ServiceLoader.load(ModelRuntime.class).stream().map(p -> p.get()).toList());
  }

  /**
   * A loader that hands each source to the runtime of its platform; a source whose platform none of
   * them serves fails to load with a reason listing the platforms there are, e.g. {@code platform
   * 'tensorflow_savedmodel': no runtime installed (installed: onnxruntime_onnx)}.
   *
   * @throws IllegalStateException when two runtimes claim one platform
   */
  static ModelLoader runtimes(List<ModelRuntime> runtimes) {
    return new RuntimeModelLoader(runtimes);
  }

  /**
   * Loads one model version.
   *
   * @throws io.mlsys.core.ModelLoadException when it cannot be loaded
   */
  Model load(ModelSource source);

  /**
   * The model file a repository version folder holds for {@code platform}; by default {@value
   * ModelScanner#MODEL_FILE_NAME}.
   *
   * @throws io.mlsys.core.ModelLoadException when no runtime serves the platform
   */
  default String modelFileName(String platform) {
    return ModelScanner.MODEL_FILE_NAME;
  }
}
