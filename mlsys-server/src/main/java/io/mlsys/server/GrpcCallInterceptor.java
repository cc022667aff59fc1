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
import io.mlsys.core.CallContext;
import io.mlsys.core.MlsysHeaders;
import io.mlsys.core.Span;
import io.mlsys.core.TraceContext;
import io.mlsys.tracing.Tracing;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
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
  static final Metadata.Key<String> TRACEPARENT =
      Metadata.Key.of(TraceContext.TRACEPARENT, Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> TRACESTATE =
      Metadata.Key.of(TraceContext.TRACESTATE, Metadata.ASCII_STRING_MARSHALLER);

  /** A gRPC call's HTTP/2 status: the outcome travels in the grpc-status trailer. */
  private static final int HTTP_OK = 200;

  private static final Context.Key<Call> CALL = Context.key("mlsys-call");

  /** One call as the service sees it. */
  static final class Call {
    private final String requestId;
    private final Metadata headers;
    private final Span span;
    // Set by the service once it knows them, read when the call closes (another thread).
    private volatile String model;
    private volatile String version;
    // Only the call's own thread reads it; a race would make two maps of the same metadata.
    private Map<String, String> headerMap;

    Call(String requestId, Metadata headers, Span span) {
      this.requestId = requestId;
      this.headers = headers;
      this.span = span;
    }

    String requestId() {
      return requestId;
    }

    /** The call's span (from its {@code traceparent} metadata, else a new trace). */
    Span span() {
      return span;
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

    /**
     * The text metadata (several values joined by commas), for the call context: one map per call,
     * made from the metadata only when something reads it ({@link CallContext#lazyHeaders}).
     */
    Map<String, String> headerMap() {
      Map<String, String> map = headerMap;
      if (map == null) {
        map = CallContext.lazyHeaders(() -> textMetadata(headers));
        headerMap = map;
      }
      return map;
    }

    private static Map<String, String> textMetadata(Metadata headers) {
      Map<String, String> map = HashMap.newHashMap(headers.keys().size());
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
  private final Tracing tracing;

  GrpcCallInterceptor(
      Supplier<String> requestIds,
      AccessLog accessLog,
      Clock clock,
      LongSupplier ticker,
      Tracing tracing) {
    this.requestIds = requestIds;
    this.accessLog = accessLog;
    this.clock = clock;
    this.ticker = ticker;
    this.tracing = tracing;
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
    String method = call.getMethodDescriptor().getFullMethodName();
    Span span = tracing.startRequest(method, headers.get(TRACEPARENT), headers.get(TRACESTATE));
    if (span.isRecording()) {
      span.setAttribute("rpc.system", "grpc");
      span.setAttribute("rpc.method", method);
      span.setAttribute("mlsys.request_id", requestId);
    }
    Call served = new Call(requestId, headers, span);
    Context context = Context.current().withValue(CALL, served);
    if (!accessLog.isEnabled()) {
      return Contexts.interceptCall(context, new EchoRequestId<>(call, served), headers, next);
    }
    LoggedCall<Q, A> logged = new LoggedCall<>(call, served);
    return new CountBytesIn<>(Contexts.interceptCall(context, logged, headers, next), logged);
  }

  private static long messageBytes(Object message) {
    return message instanceof MessageLite protobuf ? protobuf.getSerializedSize() : 0;
  }

  /** Echoes the request id and ends the call's span when the call closes. */
  private static class EchoRequestId<Q, A>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, A> {
    private final String requestId;
    private final Call served;
    private boolean headersSent;

    EchoRequestId(ServerCall<Q, A> call, Call served) {
      super(call);
      this.requestId = served.requestId();
      this.served = served;
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
      Span span = served.span;
      if (span.isRecording()) {
        span.setAttribute("rpc.grpc.status_code", status.getCode().value());
        if (served.model != null) {
          span.setAttribute("mlsys.model", served.model);
        }
        if (served.version != null) {
          span.setAttribute("mlsys.model.version", served.version);
        }
        String outcome = status.isOk() ? "ok" : status.getCode().name().toLowerCase(Locale.ROOT);
        span.setAttribute("mlsys.outcome", outcome);
        if (isServerFault(status.getCode())) {
          span.fail(outcome, "gRPC " + status.getCode());
        }
      }
      span.end();
    }

    /** Status codes OpenTelemetry's RPC conventions count as a server's failure. */
    private static boolean isServerFault(Status.Code code) {
      return switch (code) {
        case UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS -> true;
        default -> false;
      };
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
      super(call, served);
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
              status.getCode().name(),
              served.span().traceId()));
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
