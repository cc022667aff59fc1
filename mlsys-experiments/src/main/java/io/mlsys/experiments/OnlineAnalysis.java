package io.mlsys.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The analysis of an online A/B split: exposures joined to their feedback by request id, outcomes
 * aggregated per unit, each arm against the control (the first arm) with a sequential test that
 * stays valid under continuous monitoring, guardrails per arm, and a verdict. Pure: the store and
 * the feedback are read by the caller.
 *
 * <h2>The sequential test</h2>
 *
 * A mixture sequential probability ratio test (Johari, Pekelis and Walsh, "Always valid inference",
 * 2017) on the difference of the arms' per-unit means: with {@code V} the variance of the estimated
 * difference {@code d} and a normal mixture of variance {@code t2} over the effect, the likelihood
 * ratio is {@code sqrt(V / (V + t2)) exp(t2 d^2 / (2 V (V + t2)))}. Under no difference it is a
 * (asymptotic) martingale, so by Ville's inequality the chance it ever crosses {@code 1/alpha} is
 * at most {@code alpha}: the ratio is evaluated after every unit in order of first exposure, and
 * the test rejects when its largest value crosses, so reading the report at any time (and as often
 * as one likes) keeps the error rate. {@code t2} is {@code (mixture-effect-size * pooled sd)^2}.
 * The always-valid p-value is {@code 1 / max ratio}; the always-valid interval of the difference is
 * {@code d +- sqrt(V (V + t2) / t2 * (ln((V + t2) / V) + 2 ln(1/alpha)))}, intersected over the
 * units so far (a confidence sequence). With several arms, alpha is split evenly over the
 * comparisons (Bonferroni).
 */
final class OnlineAnalysis {
  static final String WINNER = "winner";
  static final String NO_DIFFERENCE = "no_difference";
  static final String NOT_ENOUGH_DATA = "not_enough_data";
  static final String STOPPED_BY_GUARDRAIL = "stopped_by_guardrail";
  static final String SAMPLE_RATIO_MISMATCH = "sample_ratio_mismatch";

  /** Points of the over-time series. */
  static final int TIMELINE_POINTS = 40;

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private OnlineAnalysis() {}

  /**
   * What the analysis reads.
   *
   * @param arms the arm names, control first
   * @param exposures oldest first
   * @param feedback request id to the feedback of the metric's kind
   * @param guardrails null: none
   * @param sampleRatioMismatch whether the SRM test flagged the split (no conclusion then)
   */
  record Input(
      List<String> arms,
      SplitOptions.Metric metric,
      SplitOptions.Decision decision,
      SplitOptions.Guardrails guardrails,
      List<ExperimentStore.ExposureRow> exposures,
      Map<String, JsonNode> feedback,
      boolean sampleRatioMismatch) {}

  /**
   * One arm's outcome.
   *
   * @param units units with an outcome
   * @param values their outcomes, for the distributions of the HTML report
   */
  record ArmOutcome(
      String arm, long units, double mean, double sd, double low, double high, double[] values) {}

  /**
   * How an arm served its calls, and whether that breaches a guardrail.
   *
   * @param latenciesMicros sorted, for the HTML report
   * @param reason why it is breached; null when it is not
   */
  record Guard(
      String arm,
      long calls,
      long errors,
      double errorRate,
      double errorRateLow,
      double p50Micros,
      double p99Micros,
      boolean breached,
      String reason,
      long[] latenciesMicros) {}

  /**
   * One arm against the control.
   *
   * @param difference the arm's mean minus the control's
   * @param maxLogRatio the largest log likelihood ratio over the units so far; NaN before both arms
   *     had {@code min-units}
   * @param significant whether the test rejected "no difference"
   * @param equivalent whether the always-valid interval lies within plus or minus {@code
   *     min-effect}
   */
  record Comparison(
      String arm,
      String control,
      double difference,
      double low,
      double high,
      double maxLogRatio,
      double pValue,
      boolean significant,
      boolean equivalent) {}

  /** One point of the series over time: cumulative units and means per arm, p-values. */
  record Point(long timeMicros, long[] units, double[] means, double[] pValues) {}

  record Result(
      List<ArmOutcome> arms,
      List<Guard> guards,
      List<Comparison> comparisons,
      String verdict,
      String best,
      String reason,
      long feedbackJoined,
      double alphaPerComparison,
      List<Point> timeline) {}

  /** A unit's outcome: its arm (of its first call), when it was first seen, what it scored. */
  private record Unit(int arm, long firstMicros, double value) {}

  static Result analyse(Input input) {
    List<String> arms = input.arms();
    Map<String, Integer> armIndex = new HashMap<>();
    for (int i = 0; i < arms.size(); i++) {
      armIndex.put(arms.get(i), i);
    }
    List<Guard> guards = guards(input, armIndex);
    long[] joined = new long[1];
    List<Unit> units = units(input, armIndex, joined);
    units.sort(Comparator.comparingLong(Unit::firstMicros));
    List<ArmOutcome> outcomes = new ArrayList<>();
    for (int i = 0; i < arms.size(); i++) {
      outcomes.add(outcome(arms.get(i), i, units, input.metric().binary()));
    }
    SplitOptions.Decision decision = input.decision();
    boolean higherIsBetter = decision.higherIsBetter();
    List<Integer> candidates = new ArrayList<>();
    for (int i = 1; i < arms.size(); i++) {
      if (!guards.get(i).breached()) {
        candidates.add(i);
      }
    }
    int comparisonsCount = Math.max(1, arms.size() - 1);
    double alpha = decision.alpha() / comparisonsCount;
    double minEffect = decision.minEffectFor(input.metric());
    long[] checkpoints = checkpoints(units);
    double[][] timelinePValues = new double[arms.size()][checkpoints.length];
    List<Comparison> comparisons = new ArrayList<>();
    for (int i = 1; i < arms.size(); i++) {
      comparisons.add(
          compare(units, 0, i, arms, decision, alpha, minEffect, checkpoints, timelinePValues[i]));
    }
    long withOutcome = units.size();
    String verdict;
    String best = null;
    String reason;
    if (input.sampleRatioMismatch()) {
      verdict = SAMPLE_RATIO_MISMATCH;
      reason = "the arms' unit counts do not match their weights: fix the split before reading it";
    } else if (arms.size() > 1 && candidates.isEmpty()) {
      verdict = STOPPED_BY_GUARDRAIL;
      reason = "every arm but the control breached a guardrail";
    } else {
      List<Comparison> better = new ArrayList<>();
      int worse = 0;
      int equivalent = 0;
      for (int i : candidates) {
        Comparison comparison = comparisons.get(i - 1);
        double signed = higherIsBetter ? comparison.difference() : -comparison.difference();
        if (comparison.significant() && signed > 0) {
          better.add(comparison);
        } else if (comparison.significant()) {
          worse++;
        } else if (comparison.equivalent()) {
          equivalent++;
        }
      }
      Long maxUnits = decision.maxUnits();
      if (!better.isEmpty()) {
        Comparison top =
            better.stream()
                .max(
                    Comparator.comparingDouble(
                        c -> higherIsBetter ? c.difference() : -c.difference()))
                .orElseThrow();
        verdict = WINNER;
        best = top.arm();
        reason = "'" + best + "' beats '" + arms.getFirst() + "' (sequential test)";
      } else if (!candidates.isEmpty() && worse == candidates.size()) {
        verdict = WINNER;
        best = arms.getFirst();
        reason = "every other arm is worse than the control (sequential test)";
      } else if (!candidates.isEmpty() && worse + equivalent == candidates.size()) {
        verdict = NO_DIFFERENCE;
        reason = "every difference lies within +-" + minEffect + " (always-valid interval)";
      } else if (maxUnits != null && withOutcome >= maxUnits) {
        verdict = NO_DIFFERENCE;
        reason = "max-units reached (" + withOutcome + ") without a significant difference";
      } else {
        verdict = NOT_ENOUGH_DATA;
        reason = "no arm differs significantly yet";
      }
      if (candidates.size() < arms.size() - 1) {
        reason += "; stopped by a guardrail: " + breachedNames(guards);
      }
    }
    return new Result(
        outcomes,
        guards,
        comparisons,
        verdict,
        best,
        reason,
        joined[0],
        alpha,
        timeline(units, arms.size(), checkpoints, timelinePValues));
  }

  private static String breachedNames(List<Guard> guards) {
    return String.join(", ", guards.stream().filter(Guard::breached).map(Guard::arm).toList());
  }

  /** Per arm: calls, errors and latencies, and the guardrails' decision (never the control's). */
  static List<Guard> guards(Input input, Map<String, Integer> armIndex) {
    int n = input.arms().size();
    long[] calls = new long[n];
    long[] errors = new long[n];
    List<List<Long>> latencies = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      latencies.add(new ArrayList<>());
    }
    for (ExperimentStore.ExposureRow row : input.exposures()) {
      Integer arm = armIndex.get(row.arm());
      if (arm == null || row.latencyMicros() < 0) {
        continue;
      }
      calls[arm]++;
      if (row.error() != null) {
        errors[arm]++;
      } else {
        latencies.get(arm).add(row.latencyMicros());
      }
    }
    SplitOptions.Guardrails limits = input.guardrails();
    List<Guard> guards = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long[] sorted = latencies.get(i).stream().mapToLong(Long::longValue).sorted().toArray();
      double rate = calls[i] == 0 ? 0 : (double) errors[i] / calls[i];
      double low = Stats.wilson(errors[i], calls[i], Stats.Z_95)[0];
      double p50 = Stats.quantile(sorted, 0.5);
      double p99 = Stats.quantile(sorted, 0.99);
      String reason = null;
      if (limits != null && i > 0 && calls[i] >= limits.minCalls()) {
        if (limits.maxErrorRate() != null && low > limits.maxErrorRate()) {
          reason =
              "error rate "
                  + rate
                  + " (95% interval above "
                  + limits.maxErrorRate()
                  + ", max-error-rate)";
        } else if (limits.maxP99Latency() != null
            && p99 > limits.maxP99Latency().toNanos() / 1000.0) {
          reason =
              "p99 latency "
                  + (long) p99
                  + "us (above max-p99-latency "
                  + limits.maxP99Latency().toNanos() / 1000
                  + "us)";
        }
      }
      guards.add(
          new Guard(
              input.arms().get(i),
              calls[i],
              errors[i],
              rate,
              low,
              p50,
              p99,
              reason != null,
              reason,
              sorted));
    }
    return guards;
  }

  /** Each unit's outcome; a call without a unit is a unit of its own. */
  private static List<Unit> units(Input input, Map<String, Integer> armIndex, long[] joined) {
    SplitOptions.Metric metric = input.metric();
    // unit -> {arm, first time, sum, count}
    Map<String, double[]> byUnit = new LinkedHashMap<>();
    for (ExperimentStore.ExposureRow row : input.exposures()) {
      Integer arm = armIndex.get(row.arm());
      if (arm == null) {
        continue;
      }
      String key = row.unit() != null ? "u:" + row.unit() : "r:" + row.requestId();
      double[] unit = byUnit.get(key);
      if (unit == null) {
        unit = new double[] {arm, row.timeMicros(), 0, 0};
        byUnit.put(key, unit);
      }
      if (unit[0] != arm) {
        // The unit changed arm (a weight change moved its bucket): it stays in its first arm.
        continue;
      }
      JsonNode feedback = row.requestId() == null ? null : input.feedback().get(row.requestId());
      if (feedback != null) {
        joined[0]++;
      }
      switch (metric.outcome()) {
        case CONVERSION -> {
          if (feedback != null && truthy(feedback)) {
            unit[2] = 1;
          }
          unit[3] = 1;
        }
        case MEAN -> {
          if (feedback != null && number(feedback) != null) {
            unit[2] += number(feedback);
            unit[3]++;
          }
        }
        case ACCURACY -> {
          if (feedback != null && row.value() != null) {
            double[] score = correct(row.value(), feedback);
            unit[2] += score[0];
            unit[3] += score[1];
          }
        }
      }
    }
    List<Unit> units = new ArrayList<>(byUnit.size());
    for (double[] unit : byUnit.values()) {
      if (unit[3] > 0) {
        double value =
            metric.outcome() == SplitOptions.Outcome.CONVERSION ? unit[2] : unit[2] / unit[3];
        units.add(new Unit((int) unit[0], (long) unit[1], value));
      }
    }
    return units;
  }

  static boolean truthy(JsonNode value) {
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    Double number = number(value);
    return number != null && number > 0;
  }

  static Double number(JsonNode value) {
    if (value.isNumber()) {
      return value.doubleValue();
    }
    if (value.isBoolean()) {
      return value.booleanValue() ? 1.0 : 0.0;
    }
    if (value.isTextual()) {
      try {
        return Double.parseDouble(value.textValue());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** {@code [correct, compared]} of an answer (a JSON array) against a label or list of labels. */
  static double[] correct(String answer, JsonNode label) {
    JsonNode values;
    try {
      values = JSON.readTree(answer);
    } catch (IOException e) {
      return new double[2];
    }
    if (values == null || !values.isArray() || values.isEmpty()) {
      return new double[2];
    }
    if (!label.isArray()) {
      return new double[] {same(values.get(0), label) ? 1 : 0, 1};
    }
    int n = Math.min(values.size(), label.size());
    int right = 0;
    for (int i = 0; i < n; i++) {
      right += same(values.get(i), label.get(i)) ? 1 : 0;
    }
    return new double[] {right, n};
  }

  private static boolean same(JsonNode answer, JsonNode label) {
    String a = answer.asText();
    String b = label.asText();
    if (a.equals(b)) {
      return true;
    }
    try {
      return Double.parseDouble(a) == Double.parseDouble(b);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static ArmOutcome outcome(String name, int arm, List<Unit> units, boolean binary) {
    double[] values = units.stream().filter(u -> u.arm() == arm).mapToDouble(Unit::value).toArray();
    int n = values.length;
    double mean = n == 0 ? Double.NaN : Arrays.stream(values).average().orElseThrow();
    double sd = n < 2 ? Double.NaN : Math.sqrt(variance(values, mean));
    double low;
    double high;
    if (binary) {
      long successes = Math.round(Arrays.stream(values).sum());
      double[] interval = Stats.wilson(successes, n, Stats.Z_95);
      low = interval[0];
      high = interval[1];
    } else if (n >= 2) {
      double half = Stats.Z_95 * sd / Math.sqrt(n);
      low = mean - half;
      high = mean + half;
    } else {
      low = Double.NaN;
      high = Double.NaN;
    }
    return new ArmOutcome(name, n, mean, sd, low, high, values);
  }

  private static double variance(double[] values, double mean) {
    double sum = 0;
    for (double value : values) {
      sum += (value - mean) * (value - mean);
    }
    return sum / (values.length - 1);
  }

  /** Running sums of one arm. */
  private static final class Running {
    long n;
    double sum;
    double sumSquares;

    void add(double value) {
      n++;
      sum += value;
      sumSquares += value * value;
    }

    double mean() {
      return sum / n;
    }

    double variance() {
      return n < 2 ? 0 : Math.max(0, (sumSquares - sum * sum / n) / (n - 1));
    }
  }

  /**
   * The log likelihood ratio of the mixture SPRT for a difference {@code d} of variance {@code v}
   * and mixture variance {@code t2}; NaN when {@code v} is 0 (no spread yet, no evidence).
   */
  static double logRatio(double d, double v, double t2) {
    if (!(v > 0) || !(t2 > 0)) {
      return Double.NaN;
    }
    return 0.5 * Math.log(v / (v + t2)) + t2 * d * d / (2 * v * (v + t2));
  }

  /** The half width of the always-valid interval of a difference at level {@code alpha}. */
  static double halfWidth(double v, double t2, double alpha) {
    if (!(v > 0) || !(t2 > 0)) {
      return Double.NaN;
    }
    return Math.sqrt(v * (v + t2) / t2 * (Math.log((v + t2) / v) + 2 * Math.log(1 / alpha)));
  }

  private static Comparison compare(
      List<Unit> units,
      int control,
      int arm,
      List<String> names,
      SplitOptions.Decision decision,
      double alpha,
      double minEffect,
      long[] checkpoints,
      double[] timelinePValues) {
    Running a = new Running();
    Running b = new Running();
    double maxLog = Double.NaN;
    int minUnits = decision.minUnits();
    double effect = decision.mixtureEffectSize();
    int checkpoint = 0;
    double[] last = new double[2];
    // The running intersection of the always-valid intervals: itself always valid, and consistent
    // with the test, which rejects on the largest ratio along the way.
    double low = Double.NEGATIVE_INFINITY;
    double high = Double.POSITIVE_INFINITY;
    for (Unit unit : units) {
      while (checkpoint < checkpoints.length && unit.firstMicros() > checkpoints[checkpoint]) {
        timelinePValues[checkpoint++] = Double.isNaN(maxLog) ? 1 : Math.min(1, Math.exp(-maxLog));
      }
      if (unit.arm() == control) {
        a.add(unit.value());
      } else if (unit.arm() == arm) {
        b.add(unit.value());
      } else {
        continue;
      }
      if (a.n >= minUnits && b.n >= minUnits) {
        double v = a.variance() / a.n + b.variance() / b.n;
        double t2 = effect * effect * (a.variance() + b.variance()) / 2;
        double log = logRatio(b.mean() - a.mean(), v, t2);
        if (!Double.isNaN(log)) {
          maxLog = Double.isNaN(maxLog) ? log : Math.max(maxLog, log);
        }
        last[0] = v;
        last[1] = t2;
        double half = halfWidth(v, t2, alpha);
        if (!Double.isNaN(half)) {
          low = Math.max(low, b.mean() - a.mean() - half);
          high = Math.min(high, b.mean() - a.mean() + half);
        }
      }
    }
    while (checkpoint < checkpoints.length) {
      timelinePValues[checkpoint++] = Double.isNaN(maxLog) ? 1 : Math.min(1, Math.exp(-maxLog));
    }
    double difference = b.n == 0 || a.n == 0 ? Double.NaN : b.mean() - a.mean();
    double half = halfWidth(last[0], last[1], alpha);
    if (Double.isNaN(half) || low > high) {
      // No interval yet, or an empty intersection (rare, by chance): the latest one.
      low = difference - half;
      high = difference + half;
    }
    boolean significant = !Double.isNaN(maxLog) && maxLog >= Math.log(1 / alpha);
    boolean equivalent =
        !Double.isNaN(half) && !Double.isNaN(minEffect) && low > -minEffect && high < minEffect;
    return new Comparison(
        names.get(arm),
        names.get(control),
        difference,
        low,
        high,
        maxLog,
        Double.isNaN(maxLog) ? 1 : Math.min(1, Math.exp(-maxLog)),
        significant,
        equivalent);
  }

  /** Evenly spaced times from the first unit to the last. */
  private static long[] checkpoints(List<Unit> units) {
    if (units.isEmpty()) {
      return new long[0];
    }
    long first = units.getFirst().firstMicros();
    long last = units.getLast().firstMicros();
    int points = last == first ? 1 : TIMELINE_POINTS;
    long[] times = new long[points];
    for (int i = 0; i < points; i++) {
      times[i] = points == 1 ? last : first + (last - first) * (i + 1) / points;
    }
    return times;
  }

  private static List<Point> timeline(
      List<Unit> units, int arms, long[] checkpoints, double[][] pValues) {
    List<Point> points = new ArrayList<>();
    long[] n = new long[arms];
    double[] sums = new double[arms];
    int index = 0;
    for (int c = 0; c < checkpoints.length; c++) {
      while (index < units.size() && units.get(index).firstMicros() <= checkpoints[c]) {
        Unit unit = units.get(index++);
        n[unit.arm()]++;
        sums[unit.arm()] += unit.value();
      }
      double[] means = new double[arms];
      double[] p = new double[arms];
      for (int i = 0; i < arms; i++) {
        means[i] = n[i] == 0 ? Double.NaN : sums[i] / n[i];
        p[i] = i == 0 ? Double.NaN : pValues[i][c];
      }
      points.add(new Point(checkpoints[c], n.clone(), means, p));
    }
    return points;
  }
}
