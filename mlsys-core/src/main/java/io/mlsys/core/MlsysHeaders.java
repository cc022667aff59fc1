package io.mlsys.core;

/**
 * Names of the headers (gRPC metadata keys) that mlsys adds to the Open Inference Protocol, shared
 * by the server that reads them, the client that sends them and the configuration that allows them
 * across origins.
 */
public final class MlsysHeaders {
  /**
   * Sets a call's deadline as the time left in integer milliseconds; a client rounds up and sends
   * it on each attempt, so a remote server stops when the caller stops waiting.
   */
  public static final String TIMEOUT = "Mlsys-Timeout-Ms";

  private MlsysHeaders() {}
}
