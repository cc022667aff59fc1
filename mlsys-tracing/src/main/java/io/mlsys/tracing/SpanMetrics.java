package io.mlsys.tracing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounterBuilder;
import io.opentelemetry.api.metrics.DoubleGaugeBuilder;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongCounterBuilder;
import io.opentelemetry.api.metrics.LongUpDownCounterBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * What happened to the finished spans, as Micrometer counters: {@code mlsys.tracing.spans.exported}
 * (the collector took them), {@code mlsys.tracing.spans.failed} (their export failed or timed out:
 * lost) and {@code mlsys.tracing.spans.dropped} (the batch processor's queue was full: never sent).
 * Exported and failed are counted by wrapping the exporter; dropped comes from the SDK's batch
 * processor, which reports it only through an OpenTelemetry meter ({@code processedSpans} with
 * {@code dropped=true}), so the processor is given a {@link MeterProvider} that turns that one
 * counter into ours and ignores every other instrument.
 */
final class SpanMetrics {
  /** The batch processor's counter of spans it took or dropped (the SDK's legacy name). */
  static final String PROCESSED_SPANS = "processedSpans";

  private static final AttributeKey<Boolean> DROPPED = AttributeKey.booleanKey("dropped");

  private final Counter exported;
  private final Counter failed;
  private final Counter dropped;

  SpanMetrics(MeterRegistry registry) {
    this.exported =
        Counter.builder("mlsys.tracing.spans.exported")
            .description("Finished spans the OTLP collector accepted")
            .baseUnit("spans")
            .register(registry);
    this.failed =
        Counter.builder("mlsys.tracing.spans.failed")
            .description("Finished spans whose export failed or timed out (lost)")
            .baseUnit("spans")
            .register(registry);
    this.dropped =
        Counter.builder("mlsys.tracing.spans.dropped")
            .description("Finished spans dropped because the export queue was full")
            .baseUnit("spans")
            .register(registry);
  }

  /** {@code exporter}, counting the spans of each export by its outcome. */
  SpanExporter counting(SpanExporter exporter) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        int count = spans.size();
        CompletableResultCode result = exporter.export(spans);
        result.whenComplete(() -> (result.isSuccess() ? exported : failed).increment(count));
        return result;
      }

      @Override
      public CompletableResultCode flush() {
        return exporter.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return exporter.shutdown();
      }

      @Override
      public String toString() {
        return exporter.toString();
      }
    };
  }

  /** The meters the batch processor is built with: its dropped spans counted, nothing else. */
  MeterProvider processorMeters() {
    Meter noop = MeterProvider.noop().get("io.mlsys.tracing");
    Meter meter =
        new Meter() {
          @Override
          public LongCounterBuilder counterBuilder(String name) {
            return name.equals(PROCESSED_SPANS)
                ? new DroppedCounterBuilder(noop.counterBuilder(name))
                : noop.counterBuilder(name);
          }

          @Override
          public LongUpDownCounterBuilder upDownCounterBuilder(String name) {
            return noop.upDownCounterBuilder(name);
          }

          @Override
          public DoubleHistogramBuilder histogramBuilder(String name) {
            return noop.histogramBuilder(name);
          }

          @Override
          public DoubleGaugeBuilder gaugeBuilder(String name) {
            return noop.gaugeBuilder(name);
          }
        };
    return scope ->
        new MeterBuilder() {
          @Override
          public MeterBuilder setSchemaUrl(String schemaUrl) {
            return this;
          }

          @Override
          public MeterBuilder setInstrumentationVersion(String version) {
            return this;
          }

          @Override
          public Meter build() {
            return meter;
          }
        };
  }

  /** Builds a counter whose {@code dropped=true} additions count into {@link #dropped}. */
  private final class DroppedCounterBuilder implements LongCounterBuilder {
    private final LongCounterBuilder noop;

    DroppedCounterBuilder(LongCounterBuilder noop) {
      this.noop = noop;
    }

    @Override
    public LongCounterBuilder setDescription(String description) {
      return this;
    }

    @Override
    public LongCounterBuilder setUnit(String unit) {
      return this;
    }

    @Override
    public DoubleCounterBuilder ofDoubles() {
      return noop.ofDoubles();
    }

    @Override
    public LongCounter build() {
      return new LongCounter() {
        @Override
        public void add(long value) {}

        @Override
        public void add(long value, Attributes attributes) {
          if (Boolean.TRUE.equals(attributes.get(DROPPED))) {
            dropped.increment(value);
          }
        }

        @Override
        public void add(long value, Attributes attributes, Context context) {
          add(value, attributes);
        }
      };
    }

    @Override
    public ObservableLongCounter buildWithCallback(Consumer<ObservableLongMeasurement> callback) {
      return noop.buildWithCallback(callback);
    }
  }
}
