package io.mlsys.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.mlsys.core.CapacityExceededException;
import io.mlsys.core.CircuitOpenException;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.core.ErrorMessages;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * The MLflow API's answer to an error, {@code {"error_code": ..., "message": ...}} with MLflow's
 * status: the one place where {@link MlsysException}s become MLflow errors (the guard's refusals
 * included, see {@link #around}).
 *
 * <p>MLflow answers {@code RESOURCE_ALREADY_EXISTS} with 400, not 409. It answers {@code
 * INVALID_STATE} with 500, which its Python client retries for minutes; here it is 400, since the
 * state that forbids the change will not change by retrying.
 *
 * @param status HTTP status
 * @param errorCode MLflow's {@code ErrorCode} name
 */
record MlflowError(int status, String errorCode) {
  private static final RateLimitedLogger LOG = RateLimitedLogger.of(MlflowError.class.getName());
  private static final JsonFactory FACTORY = new JsonFactory();

  static final String INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE";
  static final String RESOURCE_DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST";
  static final String RESOURCE_ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS";
  static final String INVALID_STATE = "INVALID_STATE";
  static final String TEMPORARILY_UNAVAILABLE = "TEMPORARILY_UNAVAILABLE";

  /** Maps every kind of {@link MlsysException}; a new kind does not compile until added here. */
  static MlflowError of(MlsysException error) {
    return switch (error) {
      case InvalidInputException e -> new MlflowError(400, INVALID_PARAMETER_VALUE);
      case PayloadTooLargeException e -> new MlflowError(413, INVALID_PARAMETER_VALUE);
      case UnsupportedMediaTypeException e -> new MlflowError(415, INVALID_PARAMETER_VALUE);
      case ModelNotFoundException e -> new MlflowError(404, RESOURCE_DOES_NOT_EXIST);
      case ResourceNotFoundException e -> new MlflowError(404, RESOURCE_DOES_NOT_EXIST);
      case ResourceExistsException e -> new MlflowError(400, RESOURCE_ALREADY_EXISTS);
      case FailedPreconditionException e -> new MlflowError(400, INVALID_STATE);
      // The artifact a version was registered from does not load: the request's fault.
      case ModelLoadException e -> new MlflowError(400, INVALID_PARAMETER_VALUE);
      case ModelNotReadyException e -> new MlflowError(503, TEMPORARILY_UNAVAILABLE);
      case CapacityExceededException e -> new MlflowError(503, TEMPORARILY_UNAVAILABLE);
      case CircuitOpenException e -> new MlflowError(503, TEMPORARILY_UNAVAILABLE);
      // The store (a shared PostgreSQL) is unreachable: MLflow clients retry 503.
      case UpstreamFailureException e -> new MlflowError(503, TEMPORARILY_UNAVAILABLE);
      case DependencyUnavailableException e -> new MlflowError(503, TEMPORARILY_UNAVAILABLE);
      case QuotaExceededException e -> new MlflowError(429, "REQUEST_LIMIT_EXCEEDED");
      case DeadlineExceededException e -> new MlflowError(504, "DEADLINE_EXCEEDED");
      case ModelExecutionException e -> new MlflowError(500, "INTERNAL_ERROR");
      case UnauthenticatedException e -> new MlflowError(401, "UNAUTHENTICATED");
      case PermissionDeniedException e -> new MlflowError(403, "PERMISSION_DENIED");
    };
  }

  /** The MLflow answer to {@code error}, with Retry-After and WWW-Authenticate as the /v2 API. */
  static Reply reply(MlsysException error) {
    MlflowError mlflow = of(error);
    HttpError http = HttpError.of(error);
    List<Header> headers = new ArrayList<>(1);
    String retryAfter = http.retryAfterSeconds();
    if (retryAfter != null) {
      headers.add(HeaderValues.create(HeaderNames.RETRY_AFTER, retryAfter));
    }
    if (mlflow.status() == 401) {
      headers.add(Reply.BEARER_CHALLENGE);
    }
    return new Reply(
        mlflow.status(),
        body(mlflow.errorCode(), error.getMessage()),
        Reply.JSON,
        headers,
        new HttpError(mlflow.status(), http.kind(), http.retryAfter()));
  }

  /**
   * {@code route} (with the guard in front) answering its {@link MlsysException}s, and its store's
   * failures (503 {@code TEMPORARILY_UNAVAILABLE}, which MLflow's clients retry), in MLflow's
   * format; other exceptions (bugs) go on to the pipeline, which logs them and answers 500.
   */
  static Route around(Route route) {
    return exchange -> {
      try {
        return route.handle(exchange);
      } catch (MlsysException e) {
        Reply reply = reply(e);
        if (reply.status() >= 500 && reply.status() != 503 && reply.status() != 504) {
          LOG.log(Level.WARNING, "request " + exchange.requestId() + ": " + e.getMessage(), e);
        }
        return reply;
      } catch (RuntimeException e) {
        DependencyUnavailableException store = StoreUnavailable.of(e);
        if (store == null) {
          throw e;
        }
        return reply(store);
      }
    };
  }

  static byte[] body(String errorCode, String message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("error_code", errorCode);
      json.writeStringField("message", message == null ? "" : ErrorMessages.cap(message));
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
