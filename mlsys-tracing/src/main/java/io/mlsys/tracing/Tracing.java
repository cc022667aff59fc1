package io.mlsys.tracing;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.core.Span;
import io.mlsys.core.TraceContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Where a request's trace starts: the transports call {@link #startRequest} with the request's W3C
 * headers and put the span in the call's context ({@link io.mlsys.core.CallAttribute#SPAN}); what
 * the request runs times its steps as children of it.
 *
 * <p>{@link #off} records nothing and loads no tracing library: it keeps the caller's trace (or
 * makes new ids) so logs and remote calls still carry them. {@link #open} exports spans over
 * OTLP/HTTP with the OpenTelemetry SDK.
 */
public interface Tracing extends AutoCloseable {

  /**
   * The span of one request this server answers, a child of the caller's when {@code traceparent}
   * is valid, else the root of a new trace.
   *
   * @param name the span's name, such as {@code POST /v2/models/{model}/infer}
   * @param traceparent the request's {@code traceparent} header, or null
   * @param tracestate the request's {@code tracestate} header, or null
   */
  Span startRequest(String name, String traceparent, String tracestate);

  /** Whether spans are recorded and exported at all. */
  boolean isEnabled();

  /** Exports what is finished, waiting at most the export timeout. */
  void flush();

  /** Exports what is finished and stops exporting. */
  @Override
  void close();

  /** No spans: ids only, new ones from {@link ThreadLocalRandom}. */
  static Tracing off() {
    return off(() -> ThreadLocalRandom.current().nextLong());
  }

  /**
   * No spans: ids only.
   *
   * @param random 64 random bits per call, for the ids of new traces
   */
  static Tracing off(LongSupplier random) {
    return new UntracedTracing(random);
  }

  /**
   * Spans exported as {@code config} says; {@link #off()} when it names no endpoint. The spans
   * exported, failed and dropped are counted in a registry of their own (see {@link
   * #open(TracingConfig, MeterRegistry)}).
   */
  static Tracing open(TracingConfig config) {
    return open(config, new SimpleMeterRegistry());
  }

  /**
   * Spans exported as {@code config} says, counted in {@code registry}: {@code
   * mlsys_tracing_spans_exported_total}, {@code _failed_total} and {@code _dropped_total}
   * (docs/observability.md); {@link #off()} when it names no endpoint.
   */
  static Tracing open(TracingConfig config, MeterRegistry registry) {
    return config.enabled() ? OtelTracing.open(config, registry) : off();
  }

  /** Ids only: the caller's trace kept, or a new unsampled one. */
  final class UntracedTracing implements Tracing {
    private final LongSupplier random;

    UntracedTracing(LongSupplier random) {
      this.random = random;
    }

    @Override
    public Span startRequest(String name, String traceparent, String tracestate) {
      TraceContext incoming = TraceContext.parse(traceparent, tracestate);
      // Nothing here records the trace, so a new one is passed on unsampled.
      return Span.untraced(incoming != null ? incoming : TraceContext.newTrace(random, false));
    }

    @Override
    public boolean isEnabled() {
      return false;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
