package io.mlsys.repository;

import io.mlsys.core.Model;

/** Turns a model source into a loaded {@link Model}; the ONNX runtime provides one. */
@FunctionalInterface
public interface ModelLoader {

  /**
   * Loads one model version.
   *
   * @throws io.mlsys.core.ModelLoadException when it cannot be loaded
   */
  Model load(ModelSource source);
}
