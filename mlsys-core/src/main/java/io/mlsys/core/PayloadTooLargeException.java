package io.mlsys.core;

/** The request body is larger than the configured limit. */
public final class PayloadTooLargeException extends MlsysException {
  private final long limitBytes;

  public PayloadTooLargeException(long limitBytes) {
    super("request body is too large (expected: at most " + limitBytes + " bytes)");
    this.limitBytes = limitBytes;
  }

  public long limitBytes() {
    return limitBytes;
  }
}
