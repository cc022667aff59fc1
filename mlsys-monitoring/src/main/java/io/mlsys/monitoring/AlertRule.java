package io.mlsys.monitoring;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One alert rule of a monitored model ({@code monitoring.alerts[i]}): fires when {@code signal} is
 * {@code above} (or {@code below}) {@code threshold} for at least {@code for-duration}, and
 * resolves when it no longer is. A per-feature signal ({@code feature-drifted}) is evaluated per
 * feature, each its own alert.
 *
 * @param name the rule's name, in the alert and the log; null means the signal's name (rules of one
 *     model need distinct names)
 * @param signal what is compared
 * @param when {@code above} (the default) or {@code below}
 * @param threshold the value compared against
 * @param forDuration how long the condition must hold before the alert fires; zero fires at once
 * @param severity {@code info}, {@code warning} (the default) or {@code critical}
 */
public record AlertRule(
    String name,
    Signal signal,
    Comparison when,
    double threshold,
    Duration forDuration,
    Severity severity) {

  /** What a rule watches; each is also a gauge (docs/observability.md). */
  public enum Signal {
    /** 1 while a feature's chosen drift test is over its threshold, per feature. */
    FEATURE_DRIFTED,
    /** Failed calls per call over the sliding window. */
    ERROR_RATIO,
    /** Calls slower than {@code latency-slo}, per call, over the sliding window. */
    LATENCY_SLO_VIOLATION_RATIO,
    /** The 99th percentile latency in seconds over the sliding window. */
    LATENCY_P99_SECONDS,
    /** The sliding window's request rate over the median rate of the earlier windows. */
    REQUEST_RATE_RATIO,
    /** Jensen-Shannon distance of the sliding window's class shares to the earlier windows'. */
    CLASS_SHIFT,
    /** Mean top score over the sliding window. */
    SCORE_MEAN,
    /** Rows seen before in the same window, per row. */
    REPEATED_INPUT_RATIO,
    /** Rows the outlier model calls outliers, per row checked. */
    OUTLIER_RATIO
  }

  /** Which side of the threshold fires. */
  public enum Comparison {
    ABOVE,
    BELOW
  }

  /** How urgent an alert is. */
  public enum Severity {
    INFO,
    WARNING,
    CRITICAL
  }

  public static final Comparison DEFAULT_WHEN = Comparison.ABOVE;
  public static final Duration DEFAULT_FOR = Duration.ZERO;
  public static final Severity DEFAULT_SEVERITY = Severity.WARNING;

  /**
   * @throws ConfigException listing every invalid field
   */
  public AlertRule {
    when = Objects.requireNonNullElse(when, DEFAULT_WHEN);
    forDuration = Objects.requireNonNullElse(forDuration, DEFAULT_FOR);
    severity = Objects.requireNonNullElse(severity, DEFAULT_SEVERITY);
    Violations violations = new Violations();
    violations.check(signal != null, "signal", null, "one of the signals (docs/observability.md)");
    violations.optionalName("name", name);
    violations.check(Double.isFinite(threshold), "threshold", threshold, "a finite number");
    violations.check(
        !forDuration.isNegative(), "for-duration", forDuration, "a duration >= 0 such as 5m");
    violations.throwIfAny(null);
  }

  /** The name alerts carry: {@code name}, else the signal's name ({@code error-ratio}). */
  public String displayName() {
    return name != null ? name : io.mlsys.config.ConfigBinder.nameOf(signal);
  }

  /** Any feature drifted, at once, a warning: what absent keys of a rule fall back to. */
  @ConfigDefaults
  public static AlertRule defaults() {
    return new AlertRule(null, Signal.FEATURE_DRIFTED, null, 0.5, null, null);
  }

  public static AlertRule of(Signal signal, double threshold) {
    return new AlertRule(null, signal, null, threshold, null, null);
  }

  public AlertRule withFor(Duration newFor) {
    return new AlertRule(name, signal, when, threshold, newFor, severity);
  }

  public AlertRule withWhen(Comparison newWhen) {
    return new AlertRule(name, signal, newWhen, threshold, forDuration, severity);
  }

  public AlertRule withSeverity(Severity newSeverity) {
    return new AlertRule(name, signal, when, threshold, forDuration, newSeverity);
  }

  /** Whether a value fires this rule. */
  boolean holds(double value) {
    if (Double.isNaN(value)) {
      return false;
    }
    return when == Comparison.ABOVE ? value > threshold : value < threshold;
  }

  /**
   * The rules a monitor has when its config lists none: any feature drifted, more than 5% errors
   * for a minute, more than 1% of calls over the SLO for five minutes, more than 20% outliers (the
   * catalog's threshold), a rate three times above or below its history for five minutes.
   */
  static List<AlertRule> defaultRules() {
    return List.of(
        of(Signal.FEATURE_DRIFTED, 0.5),
        of(Signal.ERROR_RATIO, 0.05).withFor(Duration.ofMinutes(1)).withSeverity(Severity.CRITICAL),
        of(Signal.LATENCY_SLO_VIOLATION_RATIO, 0.01).withFor(Duration.ofMinutes(5)),
        of(Signal.OUTLIER_RATIO, 0.2),
        new AlertRule("request-rate-spike", Signal.REQUEST_RATE_RATIO, null, 3, null, null)
            .withFor(Duration.ofMinutes(5)),
        new AlertRule(
                "request-rate-drop",
                Signal.REQUEST_RATE_RATIO,
                Comparison.BELOW,
                1 / 3.0,
                null,
                null)
            .withFor(Duration.ofMinutes(5)));
  }
}
