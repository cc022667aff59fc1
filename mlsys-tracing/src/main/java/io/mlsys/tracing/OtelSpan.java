package io.mlsys.tracing;

import io.mlsys.core.Span;
import io.mlsys.core.TraceContext;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.StringJoiner;

/** A span of the OpenTelemetry SDK behind the core {@link Span}. */
final class OtelSpan implements Span {
  private final Tracer tracer;
  private final io.opentelemetry.api.trace.Span span;
  // Made on first use (a remote call, a log line); racing threads make equal values.
  private TraceContext context;

  OtelSpan(Tracer tracer, io.opentelemetry.api.trace.Span span) {
    this.tracer = tracer;
    this.span = span;
  }

  @Override
  public TraceContext context() {
    TraceContext made = context;
    if (made == null) {
      made = toContext(span.getSpanContext());
      context = made;
    }
    return made;
  }

  private static TraceContext toContext(SpanContext ids) {
    String state = null;
    if (!ids.getTraceState().isEmpty()) {
      StringJoiner joined = new StringJoiner(",");
      ids.getTraceState().forEach((key, value) -> joined.add(key + "=" + value));
      state = joined.toString();
    }
    return new TraceContext(ids.getTraceId(), ids.getSpanId(), ids.isSampled(), state);
  }

  @Override
  public boolean isRecording() {
    return span.isRecording();
  }

  @Override
  public Span child(String name, Kind kind) {
    if (!span.isRecording()) {
      // An unsampled trace stays unsampled below: no child spans to make, the ids passed on.
      return this;
    }
    io.opentelemetry.api.trace.Span child =
        tracer
            .spanBuilder(name)
            .setParent(Context.root().with(span))
            .setSpanKind(kindOf(kind))
            .startSpan();
    return new OtelSpan(tracer, child);
  }

  private static SpanKind kindOf(Kind kind) {
    return switch (kind) {
      case SERVER -> SpanKind.SERVER;
      case INTERNAL -> SpanKind.INTERNAL;
      case CLIENT -> SpanKind.CLIENT;
    };
  }

  @Override
  public void setAttribute(String key, String value) {
    if (value != null) {
      span.setAttribute(key, value);
    }
  }

  @Override
  public void setAttribute(String key, long value) {
    span.setAttribute(key, value);
  }

  @Override
  public void fail(String outcome, String message) {
    span.setStatus(StatusCode.ERROR, message);
    span.setAttribute("error.type", outcome);
  }

  @Override
  public void end() {
    span.end();
  }

  @Override
  public String toString() {
    return "OtelSpan[" + span.getSpanContext() + "]";
  }
}
