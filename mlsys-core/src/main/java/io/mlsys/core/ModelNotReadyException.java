package io.mlsys.core;

/** The model is known but not loaded (loading, failed, or unloaded). */
public final class ModelNotReadyException extends MlsysException {
  private final String modelName;

  public ModelNotReadyException(String modelName, String reason) {
    super("model '" + modelName + "' is not ready: " + reason);
    this.modelName = modelName;
  }

  public String modelName() {
    return modelName;
  }
}
