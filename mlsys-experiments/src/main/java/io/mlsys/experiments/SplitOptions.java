package io.mlsys.experiments;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigInline;
import io.mlsys.config.Violations;
import io.mlsys.graph.NodeConfig;
import io.mlsys.graph.spi.NodeOptions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code split}: an online A/B experiment, named after its graph (nested: {@code <graph>:<parameter
 * path>}). Each call goes to one arm, chosen by the bucket its unit key hashes to (sticky across
 * calls and servers), or at random when the call carries no key.
 *
 * @param key where the unit is read from; null: every call is assigned at random
 * @param arms arm name to arm, in order (the first one is the control: a stopped split sends every
 *     call to it unless it was concluded with another winner)
 * @param salt mixed into the hash so that two experiments split one user independently; null: the
 *     graph's name
 * @param srmAlpha the p-value below which the sample-ratio-mismatch test flags the split; null:
 *     {@value #DEFAULT_SRM_ALPHA}
 * @param metric the outcome the report compares, joined from the feedback API; null: {@link
 *     Metric#DEFAULTS} (conversion from {@code reward} feedback)
 * @param decision the sequential test and when it concludes; null: {@link Decision#DEFAULTS}
 * @param guardrails limits on an arm's errors and latency that stop it; null: none
 * @param promoteAlias the registry alias a concluded winner's model version moves to ({@code POST
 *     /v2/experiments/{name}/promote}); null: {@value #DEFAULT_PROMOTE_ALIAS}
 */
public record SplitOptions(
    UnitKey key,
    Map<String, Arm> arms,
    String salt,
    Double srmAlpha,
    Metric metric,
    Decision decision,
    Guardrails guardrails,
    String promoteAlias)
    implements NodeOptions {
  public static final double DEFAULT_SRM_ALPHA = 0.001;
  public static final String DEFAULT_PROMOTE_ALIAS = "champion";
  static final Pattern ARM_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  static final String EXPECTED_ARM_NAME = "1 to 64 letters, digits, '_' or '-'";

  /**
   * @throws ConfigException listing missing arms, bad arm names and an alpha out of range
   */
  public SplitOptions {
    srmAlpha = Objects.requireNonNullElse(srmAlpha, DEFAULT_SRM_ALPHA);
    metric = Objects.requireNonNullElse(metric, Metric.DEFAULTS);
    decision = Objects.requireNonNullElse(decision, Decision.DEFAULTS);
    promoteAlias = Objects.requireNonNullElse(promoteAlias, DEFAULT_PROMOTE_ALIAS);
    Violations violations = new Violations();
    violations.name("promote-alias", promoteAlias);
    if (violations.present("arms", arms, "a mapping of arm name to arm")) {
      arms = Collections.unmodifiableMap(new LinkedHashMap<>(arms));
      violations.check(
          !arms.isEmpty() && arms.size() <= BucketTable.MAX_ARMS,
          "arms",
          arms.keySet(),
          "1 to " + BucketTable.MAX_ARMS + " arms");
      double sum = 0;
      for (Map.Entry<String, Arm> arm : arms.entrySet()) {
        violations.check(
            ARM_NAME.matcher(arm.getKey()).matches(),
            "arms." + arm.getKey(),
            arm.getKey(),
            "an arm name of " + EXPECTED_ARM_NAME);
        sum += arm.getValue().weight();
      }
      violations.check(
          arms.isEmpty() || sum > 0, "arms", arms.keySet(), "at least one arm of weight > 0");
    }
    if (salt != null) {
      violations.name("salt", salt);
    }
    violations.check(srmAlpha > 0 && srmAlpha < 1, "srm-alpha", srmAlpha, "a number in (0, 1)");
    violations.throwIfAny(null);
  }

  /** A split with the default metric, decision rule and promotion alias, and no guardrails. */
  public SplitOptions(UnitKey key, Map<String, Arm> arms, String salt, Double srmAlpha) {
    this(key, arms, salt, srmAlpha, null, null, null, null);
  }

  /** What a unit's outcome is. */
  public enum Outcome {
    /** 1 when any of the unit's calls got truthy feedback (true, or a number > 0), else 0. */
    CONVERSION,
    /** The mean of the numbers fed back for the unit's calls; units without any are left out. */
    MEAN,
    /**
     * The share of the unit's calls whose answer equals the {@code label} fed back; units without
     * any label are left out.
     */
    ACCURACY
  }

  /** The kind of feedback a metric reads ({@code POST /v2/models/{graph}/feedback}). */
  public enum FeedbackKind {
    LABEL,
    VALUE,
    REWARD
  }

  /**
   * The outcome compared between arms: feedback joined to each exposure by request id, then
   * aggregated per unit (a user's calls are not independent samples).
   *
   * @param outcome null: {@code conversion}
   * @param feedback which feedback is read; null: {@code label} for accuracy, else {@code reward}
   * @param output for accuracy, the answer's output compared with the label; null: the first one
   */
  public record Metric(Outcome outcome, FeedbackKind feedback, String output) {
    static final Metric DEFAULTS = new Metric(null, null, null);

    /**
     * @throws ConfigException when the feedback does not fit the outcome
     */
    public Metric {
      outcome = Objects.requireNonNullElse(outcome, Outcome.CONVERSION);
      feedback =
          Objects.requireNonNullElse(
              feedback, outcome == Outcome.ACCURACY ? FeedbackKind.LABEL : FeedbackKind.REWARD);
      Violations violations = new Violations();
      violations.check(
          (outcome == Outcome.ACCURACY) == (feedback == FeedbackKind.LABEL),
          "feedback",
          feedback.name().toLowerCase(java.util.Locale.ROOT),
          outcome == Outcome.ACCURACY ? "label, for accuracy" : "reward or value, for a number");
      if (output != null) {
        violations.name("output", output);
      }
      violations.throwIfAny(null);
    }

    /** Whether a unit's outcome is 0 or 1 (its interval is then a Wilson interval). */
    boolean binary() {
      return outcome == Outcome.CONVERSION;
    }
  }

  /**
   * The sequential test of each arm against the first (the control): a mixture sequential
   * probability ratio test (mSPRT) on the difference of the per-unit means, re-evaluated after
   * every unit in order of arrival, so its error rate holds however often the report is read.
   *
   * @param alpha the false positive rate of the whole experiment (split over the comparisons);
   *     null: {@value #DEFAULT_ALPHA}
   * @param mixtureEffectSize the standard deviation of the mixture over effects, in units of the
   *     outcome's standard deviation: the test is most sensitive to effects of about this size;
   *     null: {@value #DEFAULT_MIXTURE_EFFECT_SIZE}
   * @param minUnits units with an outcome each arm needs before the test is read (the normal
   *     approximation needs them); null: {@value #DEFAULT_MIN_UNITS}
   * @param minEffect the smallest difference worth acting on, in the outcome's units: when every
   *     arm's always-valid interval lies within plus or minus it, there is no difference; null:
   *     {@value #DEFAULT_MIN_EFFECT} for conversion and accuracy, none for a mean
   * @param maxUnits units with an outcome (all arms) after which a test that found nothing
   *     concludes no difference; null: no limit
   * @param higherIsBetter whether a larger outcome wins; null: true
   */
  public record Decision(
      Double alpha,
      Double mixtureEffectSize,
      Integer minUnits,
      Double minEffect,
      Long maxUnits,
      Boolean higherIsBetter) {
    public static final double DEFAULT_ALPHA = 0.05;
    public static final double DEFAULT_MIXTURE_EFFECT_SIZE = 0.1;
    public static final int DEFAULT_MIN_UNITS = 100;
    public static final double DEFAULT_MIN_EFFECT = 0.01;
    static final Decision DEFAULTS = new Decision(null, null, null, null, null, null);

    /**
     * @throws ConfigException listing every value out of range
     */
    public Decision {
      alpha = Objects.requireNonNullElse(alpha, DEFAULT_ALPHA);
      mixtureEffectSize =
          Objects.requireNonNullElse(mixtureEffectSize, DEFAULT_MIXTURE_EFFECT_SIZE);
      minUnits = Objects.requireNonNullElse(minUnits, DEFAULT_MIN_UNITS);
      higherIsBetter = higherIsBetter == null || higherIsBetter;
      Violations violations = new Violations();
      violations.check(alpha > 0 && alpha < 1, "alpha", alpha, "a number in (0, 1)");
      violations.check(
          mixtureEffectSize > 0 && !mixtureEffectSize.isInfinite(),
          "mixture-effect-size",
          mixtureEffectSize,
          "a number > 0");
      violations.check(minUnits >= 2, "min-units", minUnits, "an integer >= 2");
      violations.check(
          minEffect == null || (minEffect > 0 && !minEffect.isInfinite()),
          "min-effect",
          minEffect,
          "a number > 0");
      violations.check(maxUnits == null || maxUnits >= 2, "max-units", maxUnits, "an integer >= 2");
      violations.throwIfAny(null);
    }

    /** The equivalence margin for this metric; NaN when there is none. */
    double minEffectFor(Metric metric) {
      if (minEffect != null) {
        return minEffect;
      }
      return metric.outcome() == Outcome.MEAN ? Double.NaN : DEFAULT_MIN_EFFECT;
    }
  }

  /**
   * Limits that stop an arm other than the control (its weight set to 0 through the runtime
   * parameters, audited) once it has served {@code min-calls}: an error rate whose 95% interval
   * lies above {@code max-error-rate}, or a p99 latency above {@code max-p99-latency}.
   *
   * @param maxErrorRate in [0, 1]; null: no error limit
   * @param maxP99Latency null: no latency limit
   * @param minCalls calls an arm serves before its guardrails are read; null: {@value
   *     #DEFAULT_MIN_CALLS}
   */
  public record Guardrails(
      Double maxErrorRate, java.time.Duration maxP99Latency, Integer minCalls) {
    public static final int DEFAULT_MIN_CALLS = 200;

    /**
     * @throws ConfigException listing every value out of range
     */
    public Guardrails {
      minCalls = Objects.requireNonNullElse(minCalls, DEFAULT_MIN_CALLS);
      Violations violations = new Violations();
      violations.check(
          maxErrorRate == null || (maxErrorRate >= 0 && maxErrorRate <= 1),
          "max-error-rate",
          maxErrorRate,
          "a number in [0, 1]");
      violations.check(
          maxP99Latency == null || maxP99Latency.isPositive(),
          "max-p99-latency",
          maxP99Latency,
          "a duration > 0");
      violations.check(minCalls >= 1, "min-calls", minCalls, "an integer >= 1");
      violations.throwIfAny(null);
    }
  }

  /**
   * An arm: a node and the keys of its place.
   *
   * @param node what answers the arm's calls
   * @param weight the arm's share of units relative to the others, >= 0, a runtime parameter
   *     (changing it moves only the buckets it must); null: 1
   * @param active a runtime parameter: an inactive arm gets no new units (its buckets go to the
   *     others, and back when it is active again); null: true
   */
  public record Arm(@ConfigInline NodeConfig node, Double weight, Boolean active) {
    /**
     * @throws ConfigException when the weight is negative or not finite
     */
    public Arm {
      Objects.requireNonNull(node, "node");
      weight = Objects.requireNonNullElse(weight, 1.0);
      active = active == null || active;
      Violations violations = new Violations();
      violations.check(
          weight >= 0 && !weight.isInfinite(), "weight", weight, "a finite number >= 0");
      violations.throwIfAny(null);
    }
  }
}
