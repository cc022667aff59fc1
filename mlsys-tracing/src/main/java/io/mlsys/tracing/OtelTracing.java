package io.mlsys.tracing;

import io.micrometer.core.instrument.MeterRegistry;
import io.mlsys.core.Span;
import io.mlsys.core.TraceContext;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.concurrent.TimeUnit;

/**
 * Spans through the OpenTelemetry SDK: a tracer provider of its own (never the global one, so two
 * servers in one JVM do not share it), a parent-based ratio sampler, and a batch processor that
 * exports over OTLP/HTTP (protobuf) with the JDK's HTTP client. The processor's queue is bounded
 * ({@code max-queue-size}); spans beyond it are dropped by the SDK, requests are never held up.
 * Exported, failed and dropped spans are counted ({@link SpanMetrics}).
 */
final class OtelTracing implements Tracing {
  private static final String SCOPE = "io.mlsys";

  // The two W3C headers, read by the SDK's propagator so tracestate is parsed by its rules.
  private static final TextMapGetter<String[]> HEADERS =
      new TextMapGetter<>() {
        @Override
        public String get(String[] carrier, String key) {
          if (carrier == null) {
            return null;
          }
          return switch (key) {
            case TraceContext.TRACEPARENT -> carrier[0];
            case TraceContext.TRACESTATE -> carrier[1];
            default -> null;
          };
        }
      };

  private final SdkTracerProvider provider;
  private final Tracer tracer;
  private final TracingConfig config;

  private OtelTracing(SdkTracerProvider provider, TracingConfig config) {
    this.provider = provider;
    this.tracer = provider.get(SCOPE);
    this.config = config;
  }

  static OtelTracing open(TracingConfig config, MeterRegistry registry) {
    SpanMetrics metrics = new SpanMetrics(registry);
    OtlpHttpSpanExporterBuilder exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(config.tracesUrl())
            .setTimeout(config.timeout())
            // The SDK's own meters would go to a global OpenTelemetry no one reads (SpanMetrics
            // counts the exporter's outcomes).
            .setMeterProvider(MeterProvider::noop);
    config.headers().forEach(exporter::addHeader);
    BatchSpanProcessor processor =
        BatchSpanProcessor.builder(metrics.counting(exporter.build()))
            .setScheduleDelay(config.scheduleDelay())
            .setExporterTimeout(config.timeout())
            .setMaxQueueSize(config.maxQueueSize())
            .setMaxExportBatchSize(config.maxExportBatchSize())
            .setMeterProvider(metrics::processorMeters)
            .build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(
                                AttributeKey.stringKey("service.name"), config.serviceName()))))
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.sampleRate())))
            .addSpanProcessor(processor)
            .build();
    return new OtelTracing(provider, config);
  }

  @Override
  public Span startRequest(String name, String traceparent, String tracestate) {
    Context parent =
        traceparent == null
            ? Context.root()
            : W3CTraceContextPropagator.getInstance()
                .extract(Context.root(), new String[] {traceparent, tracestate}, HEADERS);
    io.opentelemetry.api.trace.Span span =
        tracer.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.SERVER).startSpan();
    return new OtelSpan(tracer, span);
  }

  @Override
  public boolean isEnabled() {
    return true;
  }

  @Override
  public void flush() {
    provider.forceFlush().join(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    CompletableResultCode done = provider.shutdown();
    done.join(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public String toString() {
    return "OtelTracing[" + config.tracesUrl() + ", sample-rate " + config.sampleRate() + "]";
  }
}
