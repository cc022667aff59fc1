package io.mlsys.server;

import io.mlsys.core.CapacityExceededException;
import io.mlsys.core.CircuitOpenException;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.core.FailedPreconditionException;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.MlsysException;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.core.PayloadTooLargeException;
import io.mlsys.core.PermissionDeniedException;
import io.mlsys.core.QuotaExceededException;
import io.mlsys.core.ResourceExistsException;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.core.UnauthenticatedException;
import io.mlsys.core.UnsupportedMediaTypeException;
import io.mlsys.core.UpstreamFailureException;
import java.time.Duration;

/**
 * The HTTP answer to an error: the one place where {@link MlsysException}s become statuses.
 *
 * @param status HTTP status code
 * @param kind short, bounded name of the error for the {@code mlsys_request_errors_total} metric
 * @param retryAfter when the client may retry (sent as {@code Retry-After}); null for none
 */
record HttpError(int status, String kind, Duration retryAfter) {

  /** Kind of errors that are not {@link MlsysException}s (bugs): answered 500, logged in full. */
  static final HttpError INTERNAL = new HttpError(500, "internal", null);

  static final HttpError NOT_FOUND = new HttpError(404, "route_not_found", null);
  static final HttpError METHOD_NOT_ALLOWED = new HttpError(405, "method_not_allowed", null);

  /**
   * Maps every kind of {@link MlsysException}; a new kind does not compile until added here.
   *
   * <p>The overload statuses, fixed for every feature: 429 when a caller exceeds its own quota, 503
   * (with Retry-After) when the server or a model is overloaded or unavailable, 504 when a deadline
   * passed.
   */
  static HttpError of(MlsysException error) {
    return switch (error) {
      case InvalidInputException e -> new HttpError(400, "invalid_input", null);
      case PayloadTooLargeException e -> new HttpError(413, "payload_too_large", null);
      case UnsupportedMediaTypeException e -> new HttpError(415, "unsupported_media_type", null);
      case ModelNotFoundException e -> new HttpError(404, "model_not_found", null);
      case ModelNotReadyException e -> new HttpError(503, "model_not_ready", null);
      // A model that fails to load is the request's fault (bad model or config), as in Triton.
      case ModelLoadException e -> new HttpError(400, "model_load_failed", null);
      case CapacityExceededException e -> new HttpError(503, "capacity_exceeded", e.retryAfter());
      case QuotaExceededException e -> new HttpError(429, "quota_exceeded", e.retryAfter());
      case DeadlineExceededException e -> new HttpError(504, "deadline_exceeded", null);
      case CircuitOpenException e ->
          new HttpError(503, "circuit_open", e.retryAfter().orElse(null));
      case UpstreamFailureException e -> new HttpError(502, "upstream_failure", null);
      case DependencyUnavailableException e ->
          new HttpError(503, "dependency_unavailable", e.retryAfter());
      case ModelExecutionException e -> new HttpError(500, "model_execution_failed", null);
      case UnauthenticatedException e -> new HttpError(401, "unauthenticated", null);
      case PermissionDeniedException e -> new HttpError(403, "permission_denied", null);
      case ResourceNotFoundException e -> new HttpError(404, "resource_not_found", null);
      case ResourceExistsException e -> new HttpError(409, "resource_exists", null);
      case FailedPreconditionException e -> new HttpError(409, "failed_precondition", null);
    };
  }

  /** The {@code Retry-After} value in whole seconds, rounded up, at least 1; null for none. */
  String retryAfterSeconds() {
    if (retryAfter == null) {
      return null;
    }
    long millis = Math.max(0, retryAfter.toMillis());
    return Long.toString(Math.max(1, (millis + 999) / 1000));
  }
}
