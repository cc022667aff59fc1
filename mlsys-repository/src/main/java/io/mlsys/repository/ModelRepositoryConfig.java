package io.mlsys.repository;

import java.nio.file.Path;

/**
 * The model repository folder ({@code model-repository:} in mlsys.yaml), laid out as {@code
 * DIR/<model>/<version>/model.onnx} with an optional {@code DIR/<model>/config.yaml}.
 *
 * @param path the folder; null when models come only from {@code models:}. A relative path is
 *     resolved against the working directory (the loader resolves it against the config file's
 *     folder first).
 */
public record ModelRepositoryConfig(Path path) {
  public static final String EXPECTED_PATH = "an existing folder";

  public static ModelRepositoryConfig none() {
    return new ModelRepositoryConfig(null);
  }

  public static ModelRepositoryConfig of(Path path) {
    return new ModelRepositoryConfig(path);
  }

  /** Whether a repository folder is configured. */
  public boolean isPresent() {
    return path != null;
  }
}
