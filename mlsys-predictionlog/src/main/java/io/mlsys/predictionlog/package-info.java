/**
 * The prediction log: one {@link io.mlsys.predictionlog.PredictionEvent} per request, recorded by
 * the {@code prediction-log} model decorator ({@link
 * io.mlsys.predictionlog.PredictionLogDecorator}) into a {@link
 * io.mlsys.predictionlog.PredictionLog}, which buffers events off the request thread and writes
 * them to its {@link io.mlsys.predictionlog.EventSink}s (rotating JSONL files, the store), spilling
 * to a disk journal while a sink is slow or down and replaying it in order when the sink is back.
 */
package io.mlsys.predictionlog;
