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
 * {@code split}: an online A/B experiment, named after its graph. Each call goes to one arm, chosen
 * by the bucket its unit key hashes to (sticky across calls and servers), or at random when the
 * call carries no key.
 *
 * @param key where the unit is read from; null: every call is assigned at random
 * @param arms arm name to arm, in order (the first one is the control: a stopped split sends every
 *     call to it unless it was concluded with another winner)
 * @param salt mixed into the hash so that two experiments split one user independently; null: the
 *     graph's name
 * @param srmAlpha the p-value below which the sample-ratio-mismatch test flags the split; null:
 *     {@value #DEFAULT_SRM_ALPHA}
 */
public record SplitOptions(UnitKey key, Map<String, Arm> arms, String salt, Double srmAlpha)
    implements NodeOptions {
  public static final double DEFAULT_SRM_ALPHA = 0.001;
  static final Pattern ARM_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  static final String EXPECTED_ARM_NAME = "1 to 64 letters, digits, '_' or '-'";

  /**
   * @throws ConfigException listing missing arms, bad arm names and an alpha out of range
   */
  public SplitOptions {
    srmAlpha = Objects.requireNonNullElse(srmAlpha, DEFAULT_SRM_ALPHA);
    Violations violations = new Violations();
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
