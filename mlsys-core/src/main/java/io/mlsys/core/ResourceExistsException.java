package io.mlsys.core;

/**
 * A resource to create already exists (HTTP 409, gRPC ALREADY_EXISTS, MLflow {@code
 * RESOURCE_ALREADY_EXISTS}).
 */
public final class ResourceExistsException extends MlsysException {

  /**
   * @param message which resource (kind and name) exists already
   */
  public ResourceExistsException(String message) {
    super(message);
  }
}
