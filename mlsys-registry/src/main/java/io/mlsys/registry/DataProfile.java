package io.mlsys.registry;

import java.util.List;
import java.util.Map;

/**
 * A per-feature profile of the training data of a version; the monitoring baseline of that version.
 *
 * @param rows rows profiled
 * @param features one profile per feature, in the model's input order
 */
public record DataProfile(long rows, List<Feature> features) {

  public DataProfile {
    features = List.copyOf(features);
  }

  /**
   * @param name feature name
   * @param count values present
   * @param missing values absent (null, empty or NaN)
   * @param numeric summary of a numeric feature, else null
   * @param categories count per category of a categorical feature (the most frequent, bounded),
   *     else empty
   */
  public record Feature(
      String name, long count, long missing, Numeric numeric, Map<String, Long> categories) {
    public Feature {
      categories = categories == null ? Map.of() : Map.copyOf(categories);
    }

    /** Share of rows where the value is missing. */
    public double missingRate() {
      long total = count + missing;
      return total == 0 ? 0 : (double) missing / total;
    }
  }

  /**
   * @param min smallest value
   * @param max largest value
   * @param mean mean
   * @param stddev standard deviation
   * @param quantiles quantile (rank in [0, 1], as text such as {@code "0.5"}) to value, from a
   *     quantile sketch
   * @param binEdges histogram bin edges, ascending (one more than the counts)
   * @param binCounts values per bin
   */
  public record Numeric(
      double min,
      double max,
      double mean,
      double stddev,
      Map<String, Double> quantiles,
      List<Double> binEdges,
      List<Long> binCounts) {
    public Numeric {
      quantiles = Map.copyOf(quantiles);
      binEdges = List.copyOf(binEdges);
      binCounts = List.copyOf(binCounts);
    }
  }
}
