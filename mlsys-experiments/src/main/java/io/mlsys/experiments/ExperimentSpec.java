package io.mlsys.experiments;

import java.util.List;

/**
 * What a {@code split} or {@code mirror} node declares about its experiment when it is built: its
 * name (the graph's), its arms or candidates, and the thresholds its report applies.
 */
sealed interface ExperimentSpec {

  String name();

  /** {@code split} or {@code mirror}. */
  String kind();

  /** The arms of a split; the primary and then the candidates of a mirror. */
  List<String> arms();

  /**
   * @param srmAlpha the p-value under which the sample-ratio-mismatch test flags the split
   * @param graph the graph the split is in (feedback is sent to it as a model)
   * @param armModels per arm, in order: the model its node calls, or null when it is not a model
   * @param weightParameters per arm, in order: the runtime parameter path of its weight
   * @param options the split's metric, decision rule, guardrails and promotion alias
   */
  record Split(
      String name,
      List<String> arms,
      double srmAlpha,
      String graph,
      List<String> armModels,
      List<String> weightParameters,
      SplitOptions options)
      implements ExperimentSpec {
    public Split {
      arms = List.copyOf(arms);
      armModels = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(armModels));
      weightParameters = List.copyOf(weightParameters);
    }

    /** A split with the default analysis, for tests of assignment. */
    Split(String name, List<String> arms, double srmAlpha) {
      this(
          name,
          arms,
          srmAlpha,
          name,
          java.util.Collections.nCopies(arms.size(), null),
          arms.stream().map(arm -> "split.arms." + arm + ".weight").toList(),
          null);
    }

    SplitOptions.Metric metric() {
      return options == null ? SplitOptions.Metric.DEFAULTS : options.metric();
    }

    SplitOptions.Decision decision() {
      return options == null ? SplitOptions.Decision.DEFAULTS : options.decision();
    }

    /** Null when the split has none. */
    SplitOptions.Guardrails guardrails() {
      return options == null ? null : options.guardrails();
    }

    @Override
    public String kind() {
      return SplitKind.NAME;
    }
  }

  /**
   * @param candidates the candidates' names
   * @param compare what pairs compare
   * @param verdict the thresholds of the verdict
   */
  record Mirror(
      String name,
      List<String> candidates,
      MirrorOptions.Compare compare,
      MirrorOptions.Verdict verdict)
      implements ExperimentSpec {
    /** The arm name of the primary in a mirror's state. */
    static final String PRIMARY = "primary";

    public Mirror {
      candidates = List.copyOf(candidates);
    }

    @Override
    public String kind() {
      return MirrorKind.NAME;
    }

    @Override
    public List<String> arms() {
      List<String> arms = new java.util.ArrayList<>();
      arms.add(PRIMARY);
      arms.addAll(candidates);
      return List.copyOf(arms);
    }
  }
}
