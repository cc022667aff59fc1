package io.mlsys.core;

/** A model could not be loaded (missing file, corrupt model, bad model config). */
public final class ModelLoadException extends MlsysException {
  private final String modelName;
  private final String reason;

  public ModelLoadException(String modelName, String reason, Throwable cause) {
    super("model '" + modelName + "' failed to load: " + reason, cause);
    this.modelName = modelName;
    this.reason = reason;
  }

  public String modelName() {
    return modelName;
  }

  /** Why, without the model's name: what the message says after "failed to load: ". */
  public String reason() {
    return reason;
  }
}
