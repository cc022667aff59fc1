package io.mlsys.registry.tracking;

/**
 * One logged metric value.
 *
 * @param timestamp milliseconds since the epoch, as MLflow logs it
 */
public record Metric(String key, double value, long timestamp, long step) {}
