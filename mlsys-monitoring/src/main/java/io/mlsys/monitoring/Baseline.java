package io.mlsys.monitoring;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The training baseline of a model version: one {@link BaselineFeature} per input column, in the
 * input's column order, named by the CSV header (or the registry's data profile).
 *
 * @param features the features, in input column order
 * @param source where it came from, for messages and the report (a path or {@code registry})
 */
public record Baseline(List<BaselineFeature> features, String source) {

  /** Most baseline rows read from a CSV; more are ignored (the quantiles of a million suffice). */
  public static final int MAX_ROWS = 1_000_000;

  /** Most columns of a baseline CSV. */
  public static final int MAX_COLUMNS = 4096;

  /** Bins of a numeric feature (equal-frequency over the baseline), before ties merge some. */
  public static final int DEFAULT_BINS = 40;

  /** Categories kept per categorical feature; the rest share one "other" bin. */
  public static final int MAX_CATEGORIES = 50;

  public Baseline {
    features = List.copyOf(features);
    Objects.requireNonNull(source, "source");
    Set<String> names = new HashSet<>();
    for (BaselineFeature feature : features) {
      if (!names.add(feature.name())) {
        throw new IllegalArgumentException(source + ": feature " + feature.name() + " twice");
      }
    }
  }

  /** The feature names, in input column order. */
  public List<String> names() {
    return features.stream().map(BaselineFeature::name).toList();
  }

  /**
   * Reads a CSV of training rows: a header naming the features in the input's column order, then
   * one row per line. A column whose every present value is a number is numeric, any other is
   * categorical; an empty cell (or {@code NA}, {@code NaN}) is missing.
   *
   * @throws IllegalArgumentException naming the file, line and problem when it is not such a CSV
   * @throws IOException when it cannot be read
   */
  public static Baseline fromCsv(Path file, int bins) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = reader.readLine();
      if (header == null || header.isBlank()) {
        throw new IllegalArgumentException(
            file + ": empty (expected: a header naming the features, then training rows)");
      }
      List<String> names = splitCsv(header.strip());
      if (names.size() > MAX_COLUMNS) {
        throw new IllegalArgumentException(
            file + ": " + names.size() + " columns (expected: at most " + MAX_COLUMNS + ")");
      }
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        if (name.isBlank() || isNumber(name)) {
          throw new IllegalArgumentException(
              file
                  + ": header column "
                  + (i + 1)
                  + " is '"
                  + name
                  + "' (expected: a feature name; the first line is the header)");
        }
      }
      List<List<String>> columns = new ArrayList<>();
      names.forEach(name -> columns.add(new ArrayList<>()));
      String line;
      int lineNumber = 1;
      while ((line = reader.readLine()) != null && lineNumber <= MAX_ROWS) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        List<String> cells = splitCsv(line.strip());
        if (cells.size() != names.size()) {
          throw new IllegalArgumentException(
              file
                  + ": line "
                  + lineNumber
                  + " has "
                  + cells.size()
                  + " cells (expected: "
                  + names.size()
                  + ", one per header column)");
        }
        for (int i = 0; i < cells.size(); i++) {
          columns.get(i).add(cells.get(i));
        }
      }
      List<BaselineFeature> features = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        features.add(feature(names.get(i), columns.get(i), bins));
      }
      if (columns.isEmpty() || columns.get(0).isEmpty()) {
        throw new IllegalArgumentException(file + ": a header and no rows (expected: rows)");
      }
      return new Baseline(features, file.toString());
    }
  }

  /** A feature from its baseline values (as text; missing ones empty). */
  static BaselineFeature feature(String name, List<String> values, int bins) {
    boolean numeric = true;
    int present = 0;
    for (String value : values) {
      if (isMissing(value)) {
        continue;
      }
      present++;
      if (!isNumber(value)) {
        numeric = false;
        break;
      }
    }
    if (numeric && present > 0) {
      double[] numbers = new double[present];
      int n = 0;
      for (String value : values) {
        if (!isMissing(value)) {
          numbers[n++] = Double.parseDouble(value.strip());
        }
      }
      return numeric(name, numbers, bins);
    }
    Map<String, Long> counts = new HashMap<>();
    for (String value : values) {
      if (!isMissing(value)) {
        counts.merge(value.strip(), 1L, Long::sum);
      }
    }
    return categorical(name, counts);
  }

  /** A numeric feature binned at {@code bins} equal-frequency cuts of its values. */
  public static BaselineFeature numeric(String name, double[] values, int bins) {
    if (values.length == 0) {
      throw new IllegalArgumentException(name + ": no values");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double[] cuts = new double[bins + 1];
    int distinct = 0;
    for (int i = 0; i <= bins; i++) {
      double cut =
          sorted[
              (int)
                  Math.min(sorted.length - 1, Math.round((double) i / bins * (sorted.length - 1)))];
      if (distinct == 0 || cut > cuts[distinct - 1]) {
        cuts[distinct++] = cut;
      }
    }
    double[] edges = Arrays.copyOf(cuts, distinct);
    if (edges.length == 1) {
      // One value only: a zero-width bin of its own, and everything else is below or above.
      edges = new double[] {edges[0], edges[0]};
    }
    double sum = 0;
    for (double value : sorted) {
      sum += value;
    }
    double mean = sum / sorted.length;
    double squares = 0;
    for (double value : sorted) {
      squares += (value - mean) * (value - mean);
    }
    double stddev = sorted.length > 1 ? Math.sqrt(squares / (sorted.length - 1)) : 0;
    BaselineFeature shape =
        new BaselineFeature(
            name,
            BaselineFeature.Kind.NUMERIC,
            edges,
            List.of(),
            new double[edges.length + 1],
            sorted.length,
            mean,
            stddev);
    long[] counts = new long[shape.bins()];
    for (double value : sorted) {
      counts[shape.numericBin(value)]++;
    }
    double[] probabilities = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      probabilities[i] = (double) counts[i] / sorted.length;
    }
    return new BaselineFeature(
        name,
        BaselineFeature.Kind.NUMERIC,
        edges,
        List.of(),
        probabilities,
        sorted.length,
        mean,
        stddev);
  }

  /** A categorical feature of the {@value #MAX_CATEGORIES} most frequent categories. */
  public static BaselineFeature categorical(String name, Map<String, Long> counts) {
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      throw new IllegalArgumentException(name + ": no values");
    }
    Map<String, Long> kept = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(MAX_CATEGORIES)
        .forEach(entry -> kept.put(entry.getKey(), entry.getValue()));
    double[] probabilities = new double[kept.size() + 1];
    int i = 0;
    long inKept = 0;
    for (long count : kept.values()) {
      probabilities[i++] = (double) count / total;
      inKept += count;
    }
    probabilities[kept.size()] = (double) (total - inKept) / total;
    return new BaselineFeature(
        name,
        BaselineFeature.Kind.CATEGORICAL,
        new double[0],
        List.copyOf(kept.keySet()),
        probabilities,
        total,
        Double.NaN,
        Double.NaN);
  }

  static boolean isMissing(String value) {
    String v = value.strip();
    return v.isEmpty() || v.equalsIgnoreCase("na") || v.equalsIgnoreCase("nan");
  }

  static boolean isNumber(String value) {
    try {
      double parsed = Double.parseDouble(value.strip());
      return Double.isFinite(parsed);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Splits one CSV line: commas, double-quoted cells with {@code ""} for a quote. */
  static List<String> splitCsv(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        cells.add(cell.toString().strip());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    cells.add(cell.toString().strip());
    return cells;
  }
}
