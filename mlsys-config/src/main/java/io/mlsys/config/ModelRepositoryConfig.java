package io.mlsys.config;

import java.nio.file.Path;

/**
 * The model repository folder ({@code model-repository:} in mlsys.yaml), laid out as {@code
 * DIR/<model>/<version>/model.onnx} with an optional {@code DIR/<model>/config.yaml}.
 *
 * @param path the folder; null when models come only from {@code models:}
 */
public record ModelRepositoryConfig(Path path) {
  public static ModelRepositoryConfig none() {
    return new ModelRepositoryConfig(null);
  }
}
