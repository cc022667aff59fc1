package io.mlsys.monitoring;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One feature of the training baseline, in the binned form drift is measured on.
 *
 * <p>A numeric feature has ascending {@code edges} {@code e0 < ... < ek} (from the baseline's
 * minimum to its maximum, cut at its quantiles) and {@code k + 2} bins: below {@code e0}, {@code
 * [e0, e1]}, {@code (e1, e2]}, ..., {@code (ek-1, ek]}, above {@code ek}; {@code probabilities} is
 * the baseline's share in each (zero below and above). A categorical feature has {@code categories}
 * (the baseline's most frequent values) and a last bin for every other value.
 *
 * @param name the feature's name (the baseline header's column)
 * @param kind numeric or categorical
 * @param edges bin edges of a numeric feature; empty for a categorical one
 * @param categories the categories of a categorical feature, in bin order; empty for a numeric one
 * @param probabilities the baseline's share per bin, summing to 1
 * @param rows baseline rows with a value
 * @param mean the baseline's mean (numeric), else NaN
 * @param stddev the baseline's standard deviation (numeric), else NaN
 */
public record BaselineFeature(
    String name,
    Kind kind,
    double[] edges,
    List<String> categories,
    double[] probabilities,
    long rows,
    double mean,
    double stddev) {

  /** What kind of values a feature holds; decides the drift method. */
  public enum Kind {
    NUMERIC,
    CATEGORICAL
  }

  public BaselineFeature {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    edges = edges.clone();
    categories = List.copyOf(categories);
    probabilities = probabilities.clone();
    int bins = kind == Kind.NUMERIC ? edges.length + 1 : categories.size() + 1;
    if (kind == Kind.NUMERIC && edges.length == 0) {
      throw new IllegalArgumentException(name + ": a numeric feature needs at least one edge");
    }
    if (probabilities.length != bins) {
      throw new IllegalArgumentException(
          name + ": " + probabilities.length + " probabilities for " + bins + " bins");
    }
  }

  /** The number of bins a window counts this feature in. */
  public int bins() {
    return probabilities.length;
  }

  /** The bin of a numeric value: 0 below the baseline, {@code bins() - 1} above. */
  public int numericBin(double value) {
    if (value < edges[0]) {
      return 0;
    }
    if (value > edges[edges.length - 1]) {
      return edges.length;
    }
    // (e[i-1], e[i]] is bin i; e[0] itself falls into bin 1.
    int found = Arrays.binarySearch(edges, value);
    int upper = found >= 0 ? found : -found - 1;
    return Math.max(upper, 1);
  }

  /** The bin of a categorical value: its category's, else the last ("other"). */
  public int categoryBin(String value, Map<String, Integer> index) {
    Integer bin = index.get(value);
    return bin == null ? categories.size() : bin;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BaselineFeature other
        && name.equals(other.name)
        && kind == other.kind
        && Arrays.equals(edges, other.edges)
        && categories.equals(other.categories)
        && Arrays.equals(probabilities, other.probabilities)
        && rows == other.rows;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, kind, Arrays.hashCode(edges), categories, rows);
  }

  @Override
  public String toString() {
    return "BaselineFeature[" + name + ", " + kind + ", " + bins() + " bins, " + rows + " rows]";
  }
}
