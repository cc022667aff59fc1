package io.mlsys.server;

import com.google.protobuf.Any;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
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
import java.util.Objects;

/**
 * The gRPC answer to an error: the one place where {@link MlsysException}s become gRPC statuses, as
 * {@link HttpError} is for HTTP.
 *
 * @param code the gRPC status code
 * @param kind short, bounded name of the error for the {@code mlsys_request_errors_total} metric
 *     (the same names as over HTTP)
 * @param retryAfter when the client may retry (sent as a {@code google.rpc.RetryInfo} detail); null
 *     for none
 */
record GrpcStatus(Status.Code code, String kind, Duration retryAfter) {

  /** Errors that are not {@link MlsysException}s (bugs): answered INTERNAL, logged in full. */
  static final GrpcStatus INTERNAL = new GrpcStatus(Status.Code.INTERNAL, "internal", null);

  /**
   * Maps every kind of {@link MlsysException}; a new kind does not compile until added here.
   *
   * <p>UpstreamFailure is UNAVAILABLE (REST: 502): gRPC has no "bad gateway", and UNAVAILABLE is
   * the code gRPC clients treat as transient and may retry, which is what a failed upstream is.
   * Overload is UNAVAILABLE (REST: 503), a caller over its own quota RESOURCE_EXHAUSTED (REST:
   * 429), a passed deadline DEADLINE_EXCEEDED (REST: 504); both retryable ones carry the delay.
   */
  static GrpcStatus of(MlsysException error) {
    return switch (error) {
      case InvalidInputException e -> of(Status.Code.INVALID_ARGUMENT, "invalid_input");
      case PayloadTooLargeException e -> of(Status.Code.INVALID_ARGUMENT, "payload_too_large");
      case UnsupportedMediaTypeException e ->
          of(Status.Code.INVALID_ARGUMENT, "unsupported_media_type");
      case ModelNotFoundException e -> of(Status.Code.NOT_FOUND, "model_not_found");
      case ModelNotReadyException e -> of(Status.Code.UNAVAILABLE, "model_not_ready");
      // A model that fails to load is the request's fault (bad model or config), as over REST.
      case ModelLoadException e -> of(Status.Code.INVALID_ARGUMENT, "model_load_failed");
      case CapacityExceededException e ->
          new GrpcStatus(Status.Code.UNAVAILABLE, "capacity_exceeded", e.retryAfter());
      case QuotaExceededException e ->
          new GrpcStatus(Status.Code.RESOURCE_EXHAUSTED, "quota_exceeded", e.retryAfter());
      case DeadlineExceededException e -> of(Status.Code.DEADLINE_EXCEEDED, "deadline_exceeded");
      case CircuitOpenException e ->
          new GrpcStatus(Status.Code.UNAVAILABLE, "circuit_open", e.retryAfter().orElse(null));
      case UpstreamFailureException e -> of(Status.Code.UNAVAILABLE, "upstream_failure");
      case DependencyUnavailableException e ->
          new GrpcStatus(Status.Code.UNAVAILABLE, "dependency_unavailable", e.retryAfter());
      case ModelExecutionException e -> of(Status.Code.INTERNAL, "model_execution_failed");
      case UnauthenticatedException e -> of(Status.Code.UNAUTHENTICATED, "unauthenticated");
      case PermissionDeniedException e -> of(Status.Code.PERMISSION_DENIED, "permission_denied");
      case ResourceNotFoundException e -> of(Status.Code.NOT_FOUND, "resource_not_found");
      case ResourceExistsException e -> of(Status.Code.ALREADY_EXISTS, "resource_exists");
      case FailedPreconditionException e ->
          of(Status.Code.FAILED_PRECONDITION, "failed_precondition");
    };
  }

  private static GrpcStatus of(Status.Code code, String kind) {
    return new GrpcStatus(code, kind, null);
  }

  /**
   * Whether the server or what it calls is at fault (logged as a warning): a model that failed to
   * run or an upstream that failed, as REST's 500 and 502.
   */
  boolean isServerFault() {
    return code == Status.Code.INTERNAL || kind.equals("upstream_failure");
  }

  /**
   * Longest status description sent, counted as it travels (percent-encoded in the {@code
   * grpc-message} trailer): well below the 8 KiB of metadata a gRPC client accepts by default, so a
   * long message (one naming a 100,000-dimension shape) still reaches the client as its status.
   */
  static final int MAX_DESCRIPTION_BYTES = 2048;

  /**
   * A request message grpc-java could not read: one larger than the limit once decompressed stays
   * {@code RESOURCE_EXHAUSTED}; any other failure (not protobuf: grpc's {@code INTERNAL}) is the
   * client's fault, {@code INVALID_ARGUMENT}. Without the cause: nothing to log.
   */
  static Status ofUnreadableRequest(Status status) {
    String description = capped(Objects.requireNonNullElse(status.getDescription(), ""));
    if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
      return Status.RESOURCE_EXHAUSTED.withDescription(description);
    }
    return Status.INVALID_ARGUMENT.withDescription(
        "request message: cannot be read (" + description + ")");
  }

  /** The exception that ends the call with this status, the message and any retry delay. */
  StatusRuntimeException toException(String message) {
    String description = capped(message == null ? "" : message);
    if (retryAfter == null) {
      return code.toStatus().withDescription(description).asRuntimeException();
    }
    Duration delay = retryAfter.isNegative() ? Duration.ZERO : retryAfter;
    RetryInfo retryInfo =
        RetryInfo.newBuilder()
            .setRetryDelay(
                com.google.protobuf.Duration.newBuilder()
                    .setSeconds(delay.getSeconds())
                    .setNanos(delay.getNano()))
            .build();
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(code.value())
            .setMessage(description)
            .addDetails(Any.pack(retryInfo))
            .build();
    return StatusProto.toStatusRuntimeException(status);
  }

  /**
   * The message cut so that its encoded form fits in {@value #MAX_DESCRIPTION_BYTES} bytes, ending
   * with how many characters were left out.
   */
  static String capped(String message) {
    if (encodedLength(message) <= MAX_DESCRIPTION_BYTES) {
      return message;
    }
    int budget = MAX_DESCRIPTION_BYTES - 40; // room for the suffix
    int used = 0;
    int end = 0;
    while (end < message.length()) {
      int codePoint = message.codePointAt(end);
      used += encodedBytes(codePoint);
      if (used > budget) {
        break;
      }
      end += Character.charCount(codePoint);
    }
    return message.substring(0, end) + "... (" + (message.length() - end) + " more characters)";
  }

  /** What the message takes once encoded. */
  private static long encodedLength(String message) {
    long bytes = 0;
    for (int i = 0; i < message.length(); ) {
      int codePoint = message.codePointAt(i);
      bytes += encodedBytes(codePoint);
      i += Character.charCount(codePoint);
    }
    return bytes;
  }

  /** grpc-message percent-encodes every byte outside printable ASCII, and '%'. */
  private static int encodedBytes(int codePoint) {
    if (codePoint >= ' ' && codePoint < '~' + 1 && codePoint != '%') {
      return 1;
    }
    int utf8 = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    return 3 * utf8;
  }
}
