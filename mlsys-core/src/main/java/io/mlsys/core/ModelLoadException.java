package io.mlsys.core;

/** A model could not be loaded (missing file, corrupt model, bad model config). */
public final class ModelLoadException extends MlsysException {
  private final String modelName;

  public ModelLoadException(String modelName, String reason, Throwable cause) {
    super("model '" + modelName + "' failed to load: " + reason, cause);
    this.modelName = modelName;
  }

  public String modelName() {
    return modelName;
  }
}
