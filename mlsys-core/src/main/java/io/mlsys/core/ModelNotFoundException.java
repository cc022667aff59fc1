package io.mlsys.core;

/** No model (or no such version of it) is known. */
public final class ModelNotFoundException extends MlsysException {
  private final String modelName;
  private final String version;

  public ModelNotFoundException(String modelName, String version) {
    super(
        version == null
            ? "model '" + modelName + "' is not found"
            : "model '" + modelName + "' has no version '" + version + "'");
    this.modelName = modelName;
    this.version = version;
  }

  public String modelName() {
    return modelName;
  }

  /** The version asked for, or null. */
  public String version() {
    return version;
  }
}
