package io.mlsys.core;

/**
 * A registry or tracking resource does not exist (HTTP 404, gRPC NOT_FOUND, MLflow {@code
 * RESOURCE_DOES_NOT_EXIST}): a registered model, model version, alias, experiment or run.
 */
public final class ResourceNotFoundException extends MlsysException {

  /**
   * @param message which resource (kind and name) was asked for
   */
  public ResourceNotFoundException(String message) {
    super(message);
  }
}
