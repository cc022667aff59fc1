package io.mlsys.server;

import com.google.protobuf.MessageLite;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.mlsys.core.MlsysHeaders;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Gives every gRPC call its request id (the {@code x-request-id} metadata when valid, as over HTTP,
 * else a new one), sends it back in the response headers (or in the trailers of an error without
 * headers), makes the id and the request metadata available to the service through {@link
 * #current()}, and writes the call's access-log line when it closes.
 */
final class GrpcCallInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> REQUEST_ID =
      Metadata.Key.of(MlsysServer.REQUEST_ID_HEADER, Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> TIMEOUT =
      Metadata.Key.of(MlsysHeaders.TIMEOUT, Metadata.ASCII_STRING_MARSHALLER);

  /** A gRPC call's HTTP/2 status: the outcome travels in the grpc-status trailer. */
  private static final int HTTP_OK = 200;

  private static final Context.Key<Call> CALL = Context.key("mlsys-call");

  /** One call as the service sees it. */
  static final class Call {
    private final String requestId;
    private final Metadata headers;
    // Set by the service once it knows them, read when the call closes (another thread).
    private volatile String model;
    private volatile String version;

    Call(String requestId, Metadata headers) {
      this.requestId = requestId;
      this.headers = headers;
    }

    String requestId() {
      return requestId;
    }

    /** Names the model (and version, may be null) the call is about, for its access-log line. */
    void about(String model, String version) {
      this.model = model;
      this.version = version;
    }

    /** The {@value MlsysHeaders#TIMEOUT} metadata, if sent. */
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
  private final AccessLog accessLog;
  private final Clock clock;
  private final LongSupplier ticker;

  GrpcCallInterceptor(
      Supplier<String> requestIds, AccessLog accessLog, Clock clock, LongSupplier ticker) {
    this.requestIds = requestIds;
    this.accessLog = accessLog;
    this.clock = clock;
    this.ticker = ticker;
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
    Call served = new Call(requestId, headers);
    Context context = Context.current().withValue(CALL, served);
    if (!accessLog.isEnabled()) {
      return Contexts.interceptCall(context, new EchoRequestId<>(call, requestId), headers, next);
    }
    LoggedCall<Q, A> logged = new LoggedCall<>(call, served);
    return new CountBytesIn<>(Contexts.interceptCall(context, logged, headers, next), logged);
  }

  private static long messageBytes(Object message) {
    return message instanceof MessageLite protobuf ? protobuf.getSerializedSize() : 0;
  }

  private static class EchoRequestId<Q, A>
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

  /** Echoes the request id and writes the access-log line when the call closes. */
  private final class LoggedCall<Q, A> extends EchoRequestId<Q, A> {
    private final Call served;
    private final Instant time = clock.instant();
    private final long start = ticker.getAsLong();
    // Messages arrive on the transport's thread and answers leave from the call's thread.
    private volatile long bytesIn;
    private volatile long bytesOut;

    LoggedCall(ServerCall<Q, A> call, Call served) {
      super(call, served.requestId());
      this.served = served;
    }

    void received(Object message) {
      bytesIn += messageBytes(message);
    }

    @Override
    public void sendMessage(A message) {
      bytesOut += messageBytes(message);
      super.sendMessage(message);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      long nanos = ticker.getAsLong() - start;
      super.close(status, trailers);
      accessLog.log(
          new AccessLog.Entry(
              time,
              served.requestId(),
              "POST",
              "/" + getMethodDescriptor().getFullMethodName(),
              HTTP_OK,
              nanos,
              served.model,
              served.version,
              bytesIn,
              bytesOut,
              status.getCode().name()));
    }
  }

  private static final class CountBytesIn<Q>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final LoggedCall<Q, ?> call;

    CountBytesIn(ServerCall.Listener<Q> listener, LoggedCall<Q, ?> call) {
      super(listener);
      this.call = call;
    }

    @Override
    public void onMessage(Q message) {
      call.received(message);
      super.onMessage(message);
    }
  }
}
