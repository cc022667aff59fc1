package io.mlsys.core;

/** The runtime failed while running a model on input that passed validation. */
public final class ModelExecutionException extends MlsysException {
  private final String modelName;

  public ModelExecutionException(String modelName, String problem, Throwable cause) {
    super("model '" + modelName + "' failed: " + problem, cause);
    this.modelName = modelName;
  }

  public String modelName() {
    return modelName;
  }
}
