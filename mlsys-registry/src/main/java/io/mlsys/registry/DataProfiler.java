package io.mlsys.registry;

import io.mlsys.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * Builds a {@link DataProfile} from rows in one pass with bounded memory, whatever the number of
 * rows: per numeric feature exact count, missing, min, max, mean and standard deviation, quantiles
 * and an equal-width histogram from a KLL sketch (Apache DataSketches; exact up to {@value
 * #SKETCH_K} values, then quantiles within 1.3% of rank and bin shares within 1.7%, at 99%
 * confidence); per categorical feature the most frequent categories from a frequent-items sketch
 * (exact counts up to {@value #MAX_TRACKED_CATEGORIES} distinct categories, estimates beyond).
 *
 * <p>A value is missing when it is null, an empty or blank string, or (for a numeric feature) NaN
 * or infinite: an infinite value would make the histogram meaningless. Not thread-safe.
 */
public final class DataProfiler {
  /** Histogram bins of a numeric feature by default: {@value}. */
  public static final int DEFAULT_BINS = 10;

  /** Categories kept per categorical feature by default (the most frequent): {@value}. */
  public static final int DEFAULT_TOP_CATEGORIES = 20;

  /** Upper bound of {@code bins} and {@code topCategories}: {@value}. */
  public static final int MAX_BINS_OR_CATEGORIES = 1000;

  /** The KLL sketch's size parameter (DataSketches' default): {@value}. */
  public static final int SKETCH_K = 200;

  /** Categories a frequent-items sketch counts exactly: {@value} (3/4 of its map). */
  public static final int MAX_TRACKED_CATEGORIES = 768;

  /** The quantile ranks profiled, in order; the keys of {@link DataProfile.Numeric#quantiles()}. */
  public static final List<Double> QUANTILE_RANKS =
      List.of(0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99);

  private static final int ITEMS_MAP_SIZE = 1024;

  /** What a column holds. */
  public enum Kind {
    NUMERIC,
    CATEGORICAL
  }

  /** A column to profile: its name and kind. */
  public record Column(String name, Kind kind) {
    public Column {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
    }

    public static Column numeric(String name) {
      return new Column(name, Kind.NUMERIC);
    }

    public static Column categorical(String name) {
      return new Column(name, Kind.CATEGORICAL);
    }
  }

  private final List<Column> columns;
  private final int bins;
  private final int topCategories;
  private final List<Accumulator> accumulators;
  private long rows;

  private DataProfiler(List<Column> columns, int bins, int topCategories) {
    if (columns == null || columns.isEmpty()) {
      throw new InvalidInputException("columns", "none (expected: at least one column)");
    }
    Set<String> names = new HashSet<>();
    for (Column column : columns) {
      if (!names.add(column.name())) {
        throw new InvalidInputException(
            "columns", "'" + column.name() + "' twice (expected: distinct names)");
      }
    }
    checkRange("bins", bins);
    checkRange("topCategories", topCategories);
    this.columns = List.copyOf(columns);
    this.bins = bins;
    this.topCategories = topCategories;
    this.accumulators = new ArrayList<>(columns.size());
    for (Column column : columns) {
      accumulators.add(
          switch (column.kind()) {
            case NUMERIC -> new NumericAccumulator();
            case CATEGORICAL -> new CategoricalAccumulator();
          });
    }
  }

  /** A profiler with {@value #DEFAULT_BINS} bins and the {@value #DEFAULT_TOP_CATEGORIES} top. */
  public static DataProfiler of(List<Column> columns) {
    return new DataProfiler(columns, DEFAULT_BINS, DEFAULT_TOP_CATEGORIES);
  }

  /**
   * @param bins histogram bins per numeric feature, 1 to {@value #MAX_BINS_OR_CATEGORIES}
   * @param topCategories categories kept per categorical feature, 1 to {@value
   *     #MAX_BINS_OR_CATEGORIES}
   */
  public static DataProfiler of(List<Column> columns, int bins, int topCategories) {
    return new DataProfiler(columns, bins, topCategories);
  }

  /** The profile of {@code rows} (each a list of values in column order). */
  public static DataProfile profile(List<Column> columns, Iterable<? extends List<?>> rows) {
    DataProfiler profiler = of(columns);
    rows.forEach(profiler::add);
    return profiler.profile();
  }

  /**
   * Adds one row: a value per column, in column order; a {@link Number}, text, or null for a
   * missing value.
   *
   * @throws InvalidInputException when the row has another number of values, or a numeric column
   *     holds text that is not a number (naming the row and column)
   */
  public DataProfiler add(List<?> row) {
    if (row == null || row.size() != columns.size()) {
      throw new InvalidInputException(
          "row " + (rows + 1),
          (row == null ? "null" : row.size() + " values")
              + " (expected: "
              + columns.size()
              + " values, one per column)");
    }
    for (int i = 0; i < columns.size(); i++) {
      accumulators.get(i).add(row.get(i), rows + 1, columns.get(i).name());
    }
    rows++;
    return this;
  }

  /** The profile of the rows added so far. */
  public DataProfile profile() {
    List<DataProfile.Feature> features = new ArrayList<>(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      features.add(accumulators.get(i).feature(columns.get(i).name()));
    }
    return new DataProfile(rows, features);
  }

  private static void checkRange(String field, int value) {
    if (value < 1 || value > MAX_BINS_OR_CATEGORIES) {
      throw new InvalidInputException(
          field, value + " (expected: between 1 and " + MAX_BINS_OR_CATEGORIES + ")");
    }
  }

  private static boolean isBlankText(Object value) {
    return value instanceof CharSequence text && text.toString().isBlank();
  }

  private sealed interface Accumulator permits NumericAccumulator, CategoricalAccumulator {
    void add(Object value, long row, String column);

    DataProfile.Feature feature(String name);
  }

  private final class NumericAccumulator implements Accumulator {
    private final KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(SKETCH_K);
    private long count;
    private long missing;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    // Welford's running mean and sum of squared deviations: stable for any number of rows.
    private double mean;
    private double squares;

    @Override
    public void add(Object value, long row, String column) {
      double number;
      if (value == null || isBlankText(value)) {
        missing++;
        return;
      }
      if (value instanceof Number n) {
        number = n.doubleValue();
      } else {
        String text = value.toString().strip();
        try {
          number = Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new InvalidInputException(
              "row " + row + ", column " + column,
              "'" + text + "' is not a number (expected: a number, or empty when missing)");
        }
      }
      if (!Double.isFinite(number)) {
        missing++;
        return;
      }
      count++;
      min = Math.min(min, number);
      max = Math.max(max, number);
      double delta = number - mean;
      mean += delta / count;
      squares += delta * (number - mean);
      sketch.update(number);
    }

    @Override
    public DataProfile.Feature feature(String name) {
      if (count == 0) {
        return new DataProfile.Feature(name, 0, missing, null, Map.of());
      }
      Map<String, Double> quantiles = new LinkedHashMap<>();
      for (double rank : QUANTILE_RANKS) {
        quantiles.put(Double.toString(rank), sketch.getQuantile(rank));
      }
      double stddev = count > 1 ? Math.sqrt(squares / (count - 1)) : 0.0;
      List<Double> edges = edges();
      List<Long> counts = binCounts(edges);
      return new DataProfile.Feature(
          name,
          count,
          missing,
          new DataProfile.Numeric(min, max, mean, stddev, quantiles, edges, counts),
          Map.of());
    }

    /** {@code bins} equal-width bins over [min, max]; one bin when they are (nearly) equal. */
    private List<Double> edges() {
      List<Double> edges = new ArrayList<>(bins + 1);
      double width = (max - min) / bins;
      edges.add(min);
      for (int i = 1; i < bins; i++) {
        double edge = min + i * width;
        if (!(edge > edges.get(edges.size() - 1)) || !(edge < max)) {
          return List.of(min, max);
        }
        edges.add(edge);
      }
      edges.add(max);
      return edges;
    }

    /**
     * Values per bin, each bin [low, high) but the last [low, max]: differences of the sketch's CDF
     * at the inner edges (exact while the sketch holds every value).
     */
    private List<Long> binCounts(List<Double> edges) {
      if (edges.size() == 2) {
        return List.of(count);
      }
      double[] inner = new double[edges.size() - 2];
      for (int i = 0; i < inner.length; i++) {
        inner[i] = edges.get(i + 1);
      }
      double[] cdf = sketch.getCDF(inner, QuantileSearchCriteria.EXCLUSIVE);
      List<Long> counts = new ArrayList<>(edges.size() - 1);
      long below = 0;
      for (double share : cdf) {
        long upTo = Math.round(share * count);
        counts.add(upTo - below);
        below = upTo;
      }
      return counts;
    }
  }

  private final class CategoricalAccumulator implements Accumulator {
    private final ItemsSketch<String> sketch = new ItemsSketch<>(ITEMS_MAP_SIZE);
    private long count;
    private long missing;

    @Override
    public void add(Object value, long row, String column) {
      if (value == null || isBlankText(value)) {
        missing++;
        return;
      }
      if (value instanceof Double d && d.isNaN() || value instanceof Float f && f.isNaN()) {
        missing++;
        return;
      }
      count++;
      sketch.update(text(value));
    }

    private static String text(Object value) {
      return value instanceof Double || value instanceof Float
          ? String.format(Locale.ROOT, "%s", value)
          : value.toString();
    }

    @Override
    public DataProfile.Feature feature(String name) {
      Map<String, Long> top = new LinkedHashMap<>();
      if (count > 0) {
        List<ItemsSketch.Row<String>> frequent =
            new ArrayList<>(List.of(sketch.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES)));
        frequent.sort(
            Comparator.comparingLong((ItemsSketch.Row<String> r) -> r.getEstimate())
                .reversed()
                .thenComparing(ItemsSketch.Row::getItem));
        for (ItemsSketch.Row<String> entry :
            frequent.subList(0, Math.min(topCategories, frequent.size()))) {
          top.put(entry.getItem(), entry.getEstimate());
        }
      }
      return new DataProfile.Feature(name, count, missing, null, top);
    }
  }
}
