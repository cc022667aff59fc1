package io.mlsys.core;

import java.util.Objects;

/**
 * One timed operation of a trace: a request, a graph node, a model call. The current span travels
 * in {@link CallContext} as {@link CallAttribute#SPAN}; a decorator or node that times a step
 * starts a {@link #child}, passes it on in the context it calls with, and {@link #end ends} it.
 *
 * <p>Implemented by the tracing module over the OpenTelemetry SDK when spans are exported; with
 * tracing off every span is {@link #untraced}: it only carries the trace ids on to remote calls and
 * logs, and its methods do nothing, so no tracing library runs on the request path.
 */
public interface Span {

  /** What kind of step a span times, as OpenTelemetry's span kinds. */
  enum Kind {
    /** A request this server answers. */
    SERVER,
    /** A step inside this server (a graph node, a model call). */
    INTERNAL,
    /** A call this server makes to another one. */
    CLIENT
  }

  /** The ids a call made inside this span sends on ({@code traceparent}) and logs carry. */
  TraceContext context();

  /** Whether this span is recorded and exported; false when tracing is off or it is unsampled. */
  boolean isRecording();

  /** Starts a span inside this one; ended by the caller. */
  Span child(String name, Kind kind);

  void setAttribute(String key, String value);

  void setAttribute(String key, long value);

  /**
   * Marks the span failed: its status is an error with {@code message}, its {@code error.type} the
   * outcome.
   *
   * @param outcome what failed, as {@link #outcome} names it ({@code invalid_input}, {@code
   *     internal}, ...)
   */
  void fail(String outcome, String message);

  /** Marks the span failed by {@code error}: {@link #fail(String, String)} with its outcome. */
  default void fail(Throwable error) {
    fail(outcome(error), String.valueOf(error.getMessage()));
  }

  /** Ends the span; it is exported (when it is recorded) and takes no more changes. */
  void end();

  /** The trace id, for logs. */
  default String traceId() {
    return context().traceId();
  }

  /**
   * A span that records nothing and keeps {@code context}: its children are itself, so a server
   * with tracing off passes the caller's {@code traceparent} on unchanged (as the W3C rules ask of
   * a system that does not take part in a trace).
   */
  static Span untraced(TraceContext context) {
    return new UntracedSpan(Objects.requireNonNull(context, "context"));
  }

  /**
   * The outcome of a step that failed with {@code error}, as metrics and the prediction log name
   * it: the error's kind in snake_case ({@code invalid_input}, {@code deadline_exceeded}, ...), or
   * {@code internal} for a failure outside the {@link MlsysException} hierarchy.
   */
  static String outcome(Throwable error) {
    if (!(error instanceof MlsysException)) {
      return "internal";
    }
    String name = error.getClass().getSimpleName().replaceFirst("Exception$", "");
    return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  /** The span of a call: its {@link CallAttribute#SPAN}, else none. */
  static Span of(CallContext context) {
    return context.attribute(CallAttribute.SPAN).orElse(null);
  }

  /** A span that only carries ids. */
  record UntracedSpan(TraceContext context) implements Span {
    @Override
    public boolean isRecording() {
      return false;
    }

    @Override
    public Span child(String name, Kind kind) {
      return this;
    }

    @Override
    public void setAttribute(String key, String value) {}

    @Override
    public void setAttribute(String key, long value) {}

    @Override
    public void fail(String outcome, String message) {}

    @Override
    public void end() {}
  }
}
