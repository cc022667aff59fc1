package io.mlsys.monitoring;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns a monitor's states into alerts: a rule's condition must hold for its {@code for-duration}
 * before the alert fires (once), and the alert resolves (once) when the condition stops holding.
 * Time comes from the states. Not thread-safe: the monitor thread owns it.
 */
final class AlertEvaluator {
  private final List<AlertRule> rules;
  private final Consumer<Alert> listener;
  // Keyed by fingerprint: when each condition started to hold, and the alerts firing.
  private final Map<String, Instant> pending = new HashMap<>();
  private final Map<String, Alert> firing = new LinkedHashMap<>();

  AlertEvaluator(List<AlertRule> rules, Consumer<Alert> listener) {
    this.rules = List.copyOf(rules);
    this.listener = listener;
  }

  /** Evaluates every rule on the state; returns the alerts firing afterwards. */
  List<Alert> evaluate(MonitorState state) {
    Instant now = state.time();
    for (AlertRule rule : rules) {
      if (rule.signal() == AlertRule.Signal.FEATURE_DRIFTED) {
        for (MonitorState.FeatureDrift feature : state.features()) {
          double value = feature.judged() ? (feature.drifted() ? 1 : 0) : Double.NaN;
          check(rule, feature.feature(), value, state, now);
        }
      } else {
        check(rule, null, value(rule.signal(), state.current()), state, now);
      }
    }
    return List.copyOf(firing.values());
  }

  private void check(
      AlertRule rule, String feature, double value, MonitorState state, Instant now) {
    String fingerprint =
        state.model()
            + "/"
            + (state.version() == null ? "" : state.version())
            + "/"
            + rule.displayName()
            + (feature == null ? "" : "/" + feature);
    if (rule.holds(value)) {
      Instant since = pending.computeIfAbsent(fingerprint, key -> now);
      if (!firing.containsKey(fingerprint)
          && Duration.between(since, now).compareTo(rule.forDuration()) >= 0) {
        Alert alert =
            new Alert(
                fingerprint,
                Alert.Status.FIRING,
                rule.displayName(),
                rule.signal(),
                feature,
                state.model(),
                state.version(),
                rule.severity(),
                value,
                rule.threshold(),
                since,
                now);
        firing.put(fingerprint, alert);
        listener.accept(alert);
      }
    } else if (!Double.isNaN(value) || !firing.containsKey(fingerprint)) {
      // An unknown value (too few samples) neither starts nor ends an alert that fires.
      pending.remove(fingerprint);
      Alert resolved = firing.remove(fingerprint);
      if (resolved != null) {
        listener.accept(resolved.withStatus(Alert.Status.RESOLVED, value, now));
      }
    }
  }

  static double value(AlertRule.Signal signal, MonitorState.Sliding view) {
    Double value =
        switch (signal) {
          case FEATURE_DRIFTED -> null;
          case ERROR_RATIO -> view.errorRatio();
          case LATENCY_SLO_VIOLATION_RATIO -> view.sloViolationRatio();
          case LATENCY_P99_SECONDS -> view.latencyP99Seconds();
          case REQUEST_RATE_RATIO -> view.requestRateRatio();
          case CLASS_SHIFT -> view.classShift();
          case SCORE_MEAN -> view.scoreMean();
          case REPEATED_INPUT_RATIO -> view.repeatedInputRatio();
          case OUTLIER_RATIO -> view.outlierRatio();
        };
    return value == null ? Double.NaN : value;
  }

  List<Alert> firing() {
    return new ArrayList<>(firing.values());
  }
}
