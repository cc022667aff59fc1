package io.mlsys.core;

/**
 * The request carries no credentials, or credentials the server does not know (HTTP 401 with {@code
 * WWW-Authenticate: Bearer}, gRPC UNAUTHENTICATED).
 */
public final class UnauthenticatedException extends MlsysException {
  private final boolean credentialsGiven;

  /**
   * @param credentialsGiven whether a token was sent (and is unknown), as opposed to none at all
   * @param message what is wrong and what was expected
   */
  public UnauthenticatedException(boolean credentialsGiven, String message) {
    super(message);
    this.credentialsGiven = credentialsGiven;
  }

  /** Whether a token was sent (and is unknown or malformed) rather than none at all. */
  public boolean credentialsGiven() {
    return credentialsGiven;
  }
}
