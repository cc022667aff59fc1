package io.mlsys.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Gives every gRPC call its request id (the {@code x-request-id} metadata when valid, as over HTTP,
 * else a new one), sends it back in the response headers (or in the trailers of an error without
 * headers), and makes the id and the request metadata available to the service through {@link
 * #current()}.
 */
final class GrpcCallInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> REQUEST_ID =
      Metadata.Key.of(MlsysServer.REQUEST_ID_HEADER, Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> TIMEOUT =
      Metadata.Key.of(MlsysServer.TIMEOUT_HEADER, Metadata.ASCII_STRING_MARSHALLER);

  private static final Context.Key<Call> CALL = Context.key("mlsys-call");

  /** One call as the service sees it. */
  record Call(String requestId, Metadata headers) {

    /** The {@value MlsysServer#TIMEOUT_HEADER} metadata, if sent. */
    Optional<String> timeoutHeader() {
      return Optional.ofNullable(headers.get(TIMEOUT));
    }

    /** The text metadata (several values joined by commas), for the call context. */
    Map<String, String> headerMap() {
      Map<String, String> map = new HashMap<>();
      for (String key : headers.keys()) {
        if (!key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
          Iterable<String> values =
              headers.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
          if (values != null) {
            map.put(key, String.join(",", values));
          }
        }
      }
      return map;
    }
  }

  private final Supplier<String> requestIds;

  GrpcCallInterceptor(Supplier<String> requestIds) {
    this.requestIds = requestIds;
  }

  /** The call being served on this thread. */
  static Call current() {
    Call call = CALL.get();
    if (call == null) {
      throw new IllegalStateException("not inside a gRPC call with " + GrpcCallInterceptor.class);
    }
    return call;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    String given = headers.get(REQUEST_ID);
    String requestId =
        given != null && RequestPipeline.isValidRequestId(given) ? given : requestIds.get();
    Context context = Context.current().withValue(CALL, new Call(requestId, headers));
    return Contexts.interceptCall(context, new EchoRequestId<>(call, requestId), headers, next);
  }

  private static final class EchoRequestId<Q, A>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, A> {
    private final String requestId;
    private boolean headersSent;

    EchoRequestId(ServerCall<Q, A> call, String requestId) {
      super(call);
      this.requestId = requestId;
    }

    @Override
    public void sendHeaders(Metadata headers) {
      headers.put(REQUEST_ID, requestId);
      headersSent = true;
      super.sendHeaders(headers);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      if (!headersSent) {
        trailers.put(REQUEST_ID, requestId);
      }
      super.close(status, trailers);
    }
  }
}
