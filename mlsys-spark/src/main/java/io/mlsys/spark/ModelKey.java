package io.mlsys.spark;

import java.io.Serializable;
import java.util.Objects;

/**
 * Which model a job predicts with: a model of a repository folder that every executor can read at
 * the same path (a shared mount, or the folder shipped beside the job).
 *
 * @param repository the model repository folder ({@code <repository>/<model>/<version>/model.onnx})
 * @param model the model's name in it
 * @param version its version; null for the model's default version
 */
public record ModelKey(String repository, String model, String version) implements Serializable {
  public ModelKey {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(model, "model");
  }

  @Override
  public String toString() {
    return model + (version == null ? "" : ":" + version) + " of " + repository;
  }
}
