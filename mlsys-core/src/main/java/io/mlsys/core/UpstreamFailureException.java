package io.mlsys.core;

/** A remote predictor (another server) failed or could not be reached. */
public final class UpstreamFailureException extends MlsysException {
  private final String upstream;

  public UpstreamFailureException(String upstream, String problem, Throwable cause) {
    super("upstream '" + upstream + "' failed: " + problem, cause);
    this.upstream = upstream;
  }

  public String upstream() {
    return upstream;
  }
}
