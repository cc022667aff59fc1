package io.mlsys.registry;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The registry's rules ({@code registry:} in mlsys.yaml).
 *
 * @param sourceRoots folders that {@code model-versions/create} may read a source from (a path
 *     outside them is refused, so a client cannot make the server read any file it can); empty
 *     means only run artifacts already in the artifact store
 * @param approval which aliases need an approval before they move
 * @param promotion per alias, thresholds a version's metrics must meet against the current holder
 * @param gcPeriod how often artifacts no version refers to are deleted; null or zero for never
 * @param followPeriod how often a server checks the aliases it follows (PostgreSQL also pushes
 *     changes at once)
 * @param warmupRequests requests built from its signature that a version answers after it loads and
 *     before it serves; null means {@value #DEFAULT_WARMUP_REQUESTS}
 * @param maxArtifactBytes largest run artifact a client may upload through the mlflow-artifacts API
 *     (streamed to disk, so it may exceed {@code server.max-request-bytes}); 0 means {@value
 *     #DEFAULT_MAX_ARTIFACT_BYTES}
 */
public record RegistryConfig(
    List<Path> sourceRoots,
    ApprovalConfig approval,
    Map<String, PromotionRule> promotion,
    Duration gcPeriod,
    Duration followPeriod,
    Integer warmupRequests,
    long maxArtifactBytes) {

  public static final Duration DEFAULT_FOLLOW_PERIOD = Duration.ofSeconds(5);
  public static final Duration DEFAULT_GC_PERIOD = Duration.ofHours(1);
  public static final int DEFAULT_WARMUP_REQUESTS = 2;
  public static final long DEFAULT_MAX_ARTIFACT_BYTES = 1L << 30;

  /**
   * @throws ConfigException listing every invalid field
   */
  public RegistryConfig {
    sourceRoots = sourceRoots == null ? List.of() : List.copyOf(sourceRoots);
    approval = Objects.requireNonNullElse(approval, ApprovalConfig.NONE);
    promotion = promotion == null ? Map.of() : Map.copyOf(promotion);
    gcPeriod = Objects.requireNonNullElse(gcPeriod, DEFAULT_GC_PERIOD);
    followPeriod = Objects.requireNonNullElse(followPeriod, DEFAULT_FOLLOW_PERIOD);
    warmupRequests = Objects.requireNonNullElse(warmupRequests, DEFAULT_WARMUP_REQUESTS);
    maxArtifactBytes = maxArtifactBytes == 0 ? DEFAULT_MAX_ARTIFACT_BYTES : maxArtifactBytes;
    Violations violations = new Violations();
    violations.check(
        warmupRequests >= 0 && warmupRequests <= 1000,
        "warmup-requests",
        warmupRequests,
        "an integer from 0 to 1000");
    violations.check(
        maxArtifactBytes >= 1, "max-artifact-bytes", maxArtifactBytes, "an integer >= 1");
    violations.check(
        !gcPeriod.isNegative(), "gc-period", gcPeriod, "a duration >= 0 (0 turns it off)");
    violations.check(
        followPeriod.compareTo(Duration.ofMillis(10)) >= 0,
        "follow-period",
        followPeriod,
        "a duration >= 10ms");
    violations.throwIfAny(null);
  }

  /** The rules with the default upload limit. */
  public RegistryConfig(
      List<Path> sourceRoots,
      ApprovalConfig approval,
      Map<String, PromotionRule> promotion,
      Duration gcPeriod,
      Duration followPeriod) {
    this(
        sourceRoots, approval, promotion, gcPeriod, followPeriod, null, DEFAULT_MAX_ARTIFACT_BYTES);
  }

  @ConfigDefaults
  public static RegistryConfig defaults() {
    return new RegistryConfig(null, null, null, null, null, null, 0);
  }

  public RegistryConfig withSourceRoots(List<Path> roots) {
    return copy(roots, approval, promotion, followPeriod, maxArtifactBytes);
  }

  public RegistryConfig withApproval(ApprovalConfig newApproval) {
    return copy(sourceRoots, newApproval, promotion, followPeriod, maxArtifactBytes);
  }

  public RegistryConfig withPromotion(Map<String, PromotionRule> rules) {
    return copy(sourceRoots, approval, rules, followPeriod, maxArtifactBytes);
  }

  public RegistryConfig withFollowPeriod(Duration period) {
    return copy(sourceRoots, approval, promotion, period, maxArtifactBytes);
  }

  public RegistryConfig withMaxArtifactBytes(long bytes) {
    return copy(sourceRoots, approval, promotion, followPeriod, bytes);
  }

  private RegistryConfig copy(
      List<Path> roots,
      ApprovalConfig newApproval,
      Map<String, PromotionRule> rules,
      Duration period,
      long bytes) {
    return new RegistryConfig(roots, newApproval, rules, gcPeriod, period, warmupRequests, bytes);
  }

  /** The rule for moving {@code alias}. */
  public RegistryStore.AliasRule aliasRule(String alias) {
    boolean required = approval.aliases().contains(alias);
    return new RegistryStore.AliasRule(required, required && approval.approverMustDiffer());
  }

  /**
   * @param aliases aliases that move only to an approved version
   * @param approverMustDiffer the approver may not be who registered the version
   */
  public record ApprovalConfig(List<String> aliases, boolean approverMustDiffer) {
    public static final ApprovalConfig NONE = new ApprovalConfig(List.of(), false);

    @ConfigDefaults
    public static ApprovalConfig defaults() {
      return NONE;
    }

    public ApprovalConfig {
      aliases = aliases == null ? List.of() : List.copyOf(aliases);
    }
  }

  /**
   * Metric thresholds for moving an alias: the candidate must meet each against the version the
   * alias points to now (or, when it points nowhere, the absolute minimum only).
   *
   * @param metrics metric name to its threshold
   */
  public record PromotionRule(Map<String, MetricThreshold> metrics) {
    public PromotionRule {
      metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }
  }

  /**
   * @param maxDrop how much lower (or, with {@code lowerIsBetter}, higher) than the holder's the
   *     candidate's value may be; null for no comparison
   * @param min the candidate's value must be at least this (at most, with {@code lowerIsBetter});
   *     null for none
   * @param lowerIsBetter for losses and error rates; null means false
   */
  public record MetricThreshold(Double maxDrop, Double min, Boolean lowerIsBetter) {
    public MetricThreshold {
      lowerIsBetter = lowerIsBetter != null && lowerIsBetter;
      Violations violations = new Violations();
      violations.check(maxDrop == null || maxDrop >= 0, "max-drop", maxDrop, "a number >= 0");
      violations.check(maxDrop != null || min != null, "max-drop", null, "max-drop, min, or both");
      violations.throwIfAny(null);
    }
  }
}
