/**
 * Distributed tracing: {@link io.mlsys.tracing.Tracing} starts a request's span from its W3C {@code
 * traceparent} (or a new trace), the {@code tracing} model decorator ({@link
 * io.mlsys.tracing.TracingDecorator}) and the graph's nodes add one span per step, and the
 * OpenTelemetry SDK exports them over OTLP/HTTP when {@code tracing.otlp-endpoint} is set ({@link
 * io.mlsys.tracing.TracingConfig}). With no endpoint nothing here but the ids is used.
 */
package io.mlsys.tracing;
