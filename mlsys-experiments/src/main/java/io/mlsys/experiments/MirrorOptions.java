package io.mlsys.experiments;

import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import io.mlsys.graph.NodeConfig;
import io.mlsys.graph.spi.NodeOptions;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code mirror}: a shadow A/B experiment, named after its graph (nested: {@code <graph>:<parameter
 * path>}). The primary answers every call; a share of calls is also sent to each candidate off the
 * request path, and each pair of answers is recorded for the report.
 *
 * @param primary what answers
 * @param candidates candidate name to node, in order
 * @param share the share of calls mirrored, in [0, 1]; null: {@value #DEFAULT_SHARE}
 * @param key with a key, the share is chosen by the unit's hash bucket (the same units are always
 *     mirrored); null: at random per call
 * @param salt mixed into the hash; null: the graph's name
 * @param compare what is compared; null: the primary's first output, numbers exactly
 * @param queueCapacity mirrored calls waiting for a worker, beyond which they are shed (counted);
 *     null: {@value #DEFAULT_QUEUE_CAPACITY}
 * @param concurrency candidate calls running at once per mirror; null: {@value
 *     #DEFAULT_CONCURRENCY}
 * @param candidateTimeout a candidate's own time budget (the primary's deadline does not apply to
 *     it); null: 10s
 * @param verdict the thresholds of the report's verdict; null: the defaults
 * @param candidateBudget the share of one core's time the candidates' calls of this mirror may take
 *     together (their summed wall time per second: 0.1 is 100 ms a second), in (0, {@value
 *     #MAX_CONCURRENCY}]; a call beyond it is shed, so a slow candidate cannot take the CPU the
 *     primary needs; null: no budget (only the queue bounds them)
 */
public record MirrorOptions(
    NodeConfig primary,
    Map<String, NodeConfig> candidates,
    Double share,
    UnitKey key,
    String salt,
    Compare compare,
    Integer queueCapacity,
    Integer concurrency,
    Duration candidateTimeout,
    Verdict verdict,
    Double candidateBudget)
    implements NodeOptions {
  public static final double DEFAULT_SHARE = 1.0;
  public static final int DEFAULT_QUEUE_CAPACITY = 1000;
  public static final int MAX_QUEUE_CAPACITY = 1_000_000;
  public static final int DEFAULT_CONCURRENCY = 2;
  public static final int MAX_CONCURRENCY = 256;
  public static final Duration DEFAULT_CANDIDATE_TIMEOUT = Duration.ofSeconds(10);

  /**
   * @throws ConfigException listing every invalid key
   */
  public MirrorOptions {
    share = Objects.requireNonNullElse(share, DEFAULT_SHARE);
    compare = Objects.requireNonNullElse(compare, Compare.DEFAULTS);
    queueCapacity = Objects.requireNonNullElse(queueCapacity, DEFAULT_QUEUE_CAPACITY);
    concurrency = Objects.requireNonNullElse(concurrency, DEFAULT_CONCURRENCY);
    candidateTimeout = Objects.requireNonNullElse(candidateTimeout, DEFAULT_CANDIDATE_TIMEOUT);
    verdict = Objects.requireNonNullElse(verdict, Verdict.DEFAULTS);
    Violations violations = new Violations();
    violations.present("primary", primary, "a graph node that answers");
    if (violations.present("candidates", candidates, "a mapping of candidate name to node")) {
      candidates = Collections.unmodifiableMap(new LinkedHashMap<>(candidates));
      violations.check(
          !candidates.isEmpty() && candidates.size() < BucketTable.MAX_ARMS,
          "candidates",
          candidates.keySet(),
          "1 to " + (BucketTable.MAX_ARMS - 1) + " candidates");
      for (String name : candidates.keySet()) {
        violations.check(
            SplitOptions.ARM_NAME.matcher(name).matches()
                && !name.equals(ExperimentSpec.Mirror.PRIMARY),
            "candidates." + name,
            name,
            "a candidate name of " + SplitOptions.EXPECTED_ARM_NAME + ", not 'primary'");
      }
    }
    violations.check(share >= 0 && share <= 1, "share", share, "a number in [0, 1]");
    if (salt != null) {
      violations.name("salt", salt);
    }
    violations.check(
        queueCapacity >= 1 && queueCapacity <= MAX_QUEUE_CAPACITY,
        "queue-capacity",
        queueCapacity,
        "an integer from 1 to " + MAX_QUEUE_CAPACITY);
    violations.check(
        concurrency >= 1 && concurrency <= MAX_CONCURRENCY,
        "concurrency",
        concurrency,
        "an integer from 1 to " + MAX_CONCURRENCY);
    violations.check(
        !candidateTimeout.isNegative() && !candidateTimeout.isZero(),
        "candidate-timeout",
        candidateTimeout,
        "a duration > 0, such as 10s");
    violations.check(
        candidateBudget == null || (candidateBudget > 0 && candidateBudget <= MAX_CONCURRENCY),
        "candidate-budget",
        candidateBudget,
        "a number in (0, " + MAX_CONCURRENCY + "], such as 0.1");
    violations.throwIfAny(null);
  }

  /** A mirror without a candidate budget. */
  public MirrorOptions(
      NodeConfig primary,
      Map<String, NodeConfig> candidates,
      Double share,
      UnitKey key,
      String salt,
      Compare compare,
      Integer queueCapacity,
      Integer concurrency,
      Duration candidateTimeout,
      Verdict verdict) {
    this(
        primary,
        candidates,
        share,
        key,
        salt,
        compare,
        queueCapacity,
        concurrency,
        candidateTimeout,
        verdict,
        null);
  }

  /**
   * What a pair compares.
   *
   * @param output the output compared; null: the primary answer's first output
   * @param tolerance floating-point outputs agree when they differ by at most this; labels
   *     (integers, strings, booleans) must be equal; null: 0
   */
  public record Compare(String output, Double tolerance) {
    static final Compare DEFAULTS = new Compare(null, null);

    /**
     * @throws ConfigException when the tolerance is negative
     */
    public Compare {
      tolerance = Objects.requireNonNullElse(tolerance, 0.0);
      Violations violations = new Violations();
      if (output != null) {
        violations.name("output", output);
      }
      violations.check(
          tolerance >= 0 && !tolerance.isInfinite(), "tolerance", tolerance, "a number >= 0");
      violations.throwIfAny(null);
    }
  }

  /**
   * When the report says a candidate is ready to promote: at least {@code min-pairs} compared
   * values, the lower end of the agreement's 95% interval at or above {@code min-agreement}, and an
   * error rate at most {@code max-error-rate-increase} above the primary's. Not ready when the
   * interval's upper end is below {@code min-agreement} or the error rate is too high; else not
   * enough data.
   *
   * @param minPairs null: {@value #DEFAULT_MIN_PAIRS}
   * @param minAgreement in [0, 1]; null: {@value #DEFAULT_MIN_AGREEMENT}
   * @param maxErrorRateIncrease in [0, 1]; null: {@value #DEFAULT_MAX_ERROR_RATE_INCREASE}
   */
  public record Verdict(Integer minPairs, Double minAgreement, Double maxErrorRateIncrease) {
    public static final int DEFAULT_MIN_PAIRS = 100;
    public static final double DEFAULT_MIN_AGREEMENT = 0.95;
    public static final double DEFAULT_MAX_ERROR_RATE_INCREASE = 0.01;
    static final Verdict DEFAULTS = new Verdict(null, null, null);

    /**
     * @throws ConfigException listing every value out of range
     */
    public Verdict {
      minPairs = Objects.requireNonNullElse(minPairs, DEFAULT_MIN_PAIRS);
      minAgreement = Objects.requireNonNullElse(minAgreement, DEFAULT_MIN_AGREEMENT);
      maxErrorRateIncrease =
          Objects.requireNonNullElse(maxErrorRateIncrease, DEFAULT_MAX_ERROR_RATE_INCREASE);
      Violations violations = new Violations();
      violations.check(minPairs >= 1, "min-pairs", minPairs, "an integer >= 1");
      violations.check(
          minAgreement >= 0 && minAgreement <= 1,
          "min-agreement",
          minAgreement,
          "a number in [0, 1]");
      violations.check(
          maxErrorRateIncrease >= 0 && maxErrorRateIncrease <= 1,
          "max-error-rate-increase",
          maxErrorRateIncrease,
          "a number in [0, 1]");
      violations.throwIfAny(null);
    }
  }
}
