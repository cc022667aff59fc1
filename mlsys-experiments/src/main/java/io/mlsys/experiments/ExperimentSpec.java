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
   */
  record Split(String name, List<String> arms, double srmAlpha) implements ExperimentSpec {
    public Split {
      arms = List.copyOf(arms);
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
