package io.mlsys.core;

/**
 * The request may not do what it asks (HTTP 403, gRPC PERMISSION_DENIED): a known caller without
 * the role an endpoint requires, or a request the cross-site checks refuse (an origin that is not
 * allowed, a state change without a JSON content type or a custom header).
 */
public final class PermissionDeniedException extends MlsysException {
  private final String user;

  /**
   * @param user the authenticated caller, or null when there is none (auth off or not needed)
   * @param message what was refused and what would be accepted
   */
  public PermissionDeniedException(String user, String message) {
    super(message);
    this.user = user;
  }

  /** The authenticated caller, or null. */
  public String user() {
    return user;
  }
}
