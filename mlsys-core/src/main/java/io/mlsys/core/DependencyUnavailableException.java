package io.mlsys.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Something the call needs besides the model is down or too slow (a feature store's database): the
 * request was valid and may succeed later. Transports answer it as unavailable (HTTP 503 with
 * Retry-After, gRPC UNAVAILABLE); a remote model server that fails is an {@link
 * UpstreamFailureException} instead.
 */
public final class DependencyUnavailableException extends MlsysException {
  private final String dependency;
  private final String problem;
  private final Duration retryAfter;

  /**
   * @param dependency what is unavailable, as an operator knows it ({@code feature source
   *     'jdbc:postgresql://db/features' (graphs.churn.features)}), never a credential
   * @param problem what happened ({@code connection refused}, {@code no answer within 500 ms})
   * @param retryAfter when a retry may succeed
   */
  public DependencyUnavailableException(
      String dependency, String problem, Duration retryAfter, Throwable cause) {
    super(dependency + " is unavailable: " + problem, cause);
    this.dependency = Objects.requireNonNull(dependency, "dependency");
    this.problem = Objects.requireNonNull(problem, "problem");
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
  }

  public String dependency() {
    return dependency;
  }

  public String problem() {
    return problem;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
