package io.mlsys.monitoring;

import java.time.Instant;

/**
 * An alert as the log and the webhook get it.
 *
 * @param fingerprint a stable id of the alert (model, version, rule, feature): a receiver drops
 *     duplicates of one status by it
 * @param status {@code firing} or {@code resolved}
 * @param rule the rule's name
 * @param signal the rule's signal
 * @param feature the feature of a per-feature signal, else null
 * @param model the model
 * @param version its version, or null
 * @param severity the rule's severity
 * @param value the signal's value when the status changed
 * @param threshold the rule's threshold
 * @param since when the condition started to hold
 * @param at when this status was reached
 */
public record Alert(
    String fingerprint,
    Status status,
    String rule,
    AlertRule.Signal signal,
    String feature,
    String model,
    String version,
    AlertRule.Severity severity,
    double value,
    double threshold,
    Instant since,
    Instant at) {

  /** Whether the alert starts or ends. */
  public enum Status {
    FIRING,
    RESOLVED
  }

  Alert withStatus(Status newStatus, double newValue, Instant newAt) {
    return new Alert(
        fingerprint,
        newStatus,
        rule,
        signal,
        feature,
        model,
        version,
        severity,
        newValue,
        threshold,
        since,
        newAt);
  }
}
