/**
 * Prediction monitoring: the {@code monitor} model decorator ({@link
 * io.mlsys.monitoring.MonitorDecorator}) hands each call to a bounded queue, and one virtual thread
 * per monitored model version folds the calls into tumbling windows ({@link
 * io.mlsys.monitoring.ModelMonitor}): request rate against its own history, error rate, latency
 * against an SLO, class ratios, scores, repeated inputs, outliers and per-feature drift against the
 * training {@link io.mlsys.monitoring.Baseline}. Results are gauges, a JSON state ({@link
 * io.mlsys.monitoring.MonitorState}), alerts ({@link io.mlsys.monitoring.AlertRule}) and an HTML
 * report ({@link io.mlsys.monitoring.MonitorReport}).
 */
package io.mlsys.monitoring;
