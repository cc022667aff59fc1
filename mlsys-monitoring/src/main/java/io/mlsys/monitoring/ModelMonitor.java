package io.mlsys.monitoring;

import io.mlsys.core.DataType;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The monitors of one model version: folds {@link Observation}s into tumbling windows of {@code
 * window} and reports a sliding view of the last {@code sliding-windows}. Time comes only from the
 * observations and {@link #advance}, so a test (or the report, replaying a log) drives it with its
 * own clock. Memory is fixed when it is built: {@code sliding-windows} windows of counters, one
 * table of distinct rows, and {@code history} window summaries. Not thread-safe: one thread owns
 * it.
 */
public final class ModelMonitor {
  private final String model;
  private final String version;
  private final MonitoringConfig config;
  private final Baseline baseline;
  private final List<BaselineFeature> features;
  private final OutlierDetector outliers;
  private final long windowNanos;
  private final ArrayDeque<WindowStats> recent = new ArrayDeque<>();
  private final ArrayDeque<MonitorState.WindowSummary> history = new ArrayDeque<>();
  private final Map<String, Long> historyClasses = new LinkedHashMap<>();
  private final RepeatTable repeats;
  private final List<Map<String, Integer>> categoryIndex = new ArrayList<>();
  private WindowStats current;

  /**
   * @param baseline the training baseline; null monitors no drift
   * @param outliers the outlier model; null monitors no outliers
   * @param start the first window is the one holding this instant
   */
  public ModelMonitor(
      String model,
      String version,
      MonitoringConfig config,
      Baseline baseline,
      OutlierDetector outliers,
      Instant start) {
    this.model = model;
    this.version = version;
    this.config = config;
    this.baseline = baseline;
    this.features = baseline == null ? List.of() : baseline.features();
    this.outliers = outliers;
    this.windowNanos = config.window().toNanos();
    this.repeats = new RepeatTable(config.distinctInputs());
    for (BaselineFeature feature : features) {
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < feature.categories().size(); i++) {
        index.put(feature.categories().get(i), i);
      }
      categoryIndex.add(index);
    }
    this.current = new WindowStats(windowStart(start), features);
  }

  private Instant windowStart(Instant time) {
    long nanos = time.getEpochSecond() * 1_000_000_000L + time.getNano();
    long start = Math.floorDiv(nanos, windowNanos) * windowNanos;
    return Instant.ofEpochSecond(0, start);
  }

  /** Folds one call into the window holding its end (or the current one, if it ended earlier). */
  public void observe(Observation call) {
    advance(call.end());
    WindowStats window = current;
    window.calls++;
    long nanos = Duration.between(call.start(), call.end()).toNanos();
    window.latency.add(nanos);
    if (nanos > config.latencySlo().toNanos()) {
      window.sloViolations++;
    }
    if (call.failed()) {
      window.errors++;
    }
    Tensor input = input(call);
    if (input != null) {
      observeInput(window, input);
    }
    if (call.response() != null) {
      observeOutputs(window, call.response());
    }
  }

  private Tensor input(Observation call) {
    List<Tensor> inputs = call.request().inputs();
    if (inputs.isEmpty()) {
      return null;
    }
    if (config.input() == null) {
      return inputs.get(0);
    }
    return call.request().input(config.input()).orElse(null);
  }

  private void observeInput(WindowStats window, Tensor input) {
    long[] shape = input.shape();
    int rows = shape.length == 0 ? 1 : (int) shape[0];
    if (rows == 0) {
      return;
    }
    int width = input.data().size() / rows;
    window.rows += rows;
    boolean text = input.datatype() == DataType.BYTES;
    String[] strings = text ? input.strings() : null;
    boolean single = input.datatype() == DataType.FP32;
    float[] floats = single ? input.floats() : null;
    for (int row = 0; row < rows; row++) {
      long hash = 0x9E3779B97F4A7C15L;
      for (int column = 0; column < width; column++) {
        int at = row * width + column;
        long bits =
            text
                ? strings[at].hashCode() * 0x100000001B3L
                : Double.doubleToLongBits(input.doubleAt(at));
        hash = (hash ^ bits) * 0x100000001B3L;
        hash ^= hash >>> 29;
      }
      if (repeats.add(hash)) {
        window.repeatedRows++;
      }
      if (features.isEmpty()) {
        continue;
      }
      if (width != features.size()) {
        window.unmatchedRows++;
        continue;
      }
      for (int column = 0; column < width; column++) {
        int at = row * width + column;
        if (text) {
          window.features[column].addCategory(strings[at], categoryIndex.get(column));
        } else if (single) {
          window.features[column].addFloat(floats[at]);
        } else {
          window.features[column].addNumber(input.doubleAt(at));
        }
      }
    }
    window.maxRepeats = Math.max(window.maxRepeats, repeats.maxCount);
    if (outliers != null) {
      boolean[] flags = outliers.outliers(input);
      window.outliersChecked += flags.length;
      for (boolean flag : flags) {
        if (flag) {
          window.outliers++;
        }
      }
    }
  }

  private void observeOutputs(WindowStats window, InferResponse response) {
    Tensor classes = output(response, config.classOutput(), true);
    if (classes != null) {
      int n = classes.data().size();
      boolean text = classes.datatype() == DataType.BYTES;
      String[] strings = text ? classes.strings() : null;
      for (int i = 0; i < n; i++) {
        window.addClass(text ? strings[i] : FeatureCounts.canonical(classes.doubleAt(i)));
      }
    }
    Tensor scores = output(response, config.scoreOutput(), false);
    if (scores != null) {
      long[] shape = scores.shape();
      int rows = shape.length == 0 ? 1 : (int) shape[0];
      int width = rows == 0 ? 0 : scores.data().size() / rows;
      for (int row = 0; row < rows; row++) {
        double top = Double.NaN;
        for (int column = 0; column < width; column++) {
          double value = scores.doubleAt(row * width + column);
          top = Double.isNaN(top) ? value : Math.max(top, value);
        }
        window.addScore(top);
      }
    }
  }

  private static Tensor output(InferResponse response, String name, boolean classes) {
    if (name != null) {
      return response.output(name).orElse(null);
    }
    for (Tensor output : response.outputs()) {
      DataType.Storage storage = output.datatype().storage();
      boolean floating =
          output.datatype() == DataType.FP32
              || output.datatype() == DataType.FP64
              || output.datatype() == DataType.FP16
              || output.datatype() == DataType.BF16;
      boolean integral =
          !floating && storage != DataType.Storage.BOOLEAN && storage != DataType.Storage.BYTES;
      if (classes ? integral || storage == DataType.Storage.BYTES : floating) {
        return output;
      }
    }
    return null;
  }

  /** Closes every window that ended by {@code now}. */
  public void advance(Instant now) {
    Instant end = current.start.plusNanos(windowNanos);
    if (now.isBefore(end)) {
      return;
    }
    long behind = Duration.between(current.start, now).toNanos() / windowNanos;
    // After a long idle gap, only the last `history` empty windows matter.
    long skip = Math.max(0, behind - config.history() - 1);
    while (!now.isBefore(current.start.plusNanos(windowNanos))) {
      close();
      Instant next = current.start.plusNanos(windowNanos);
      if (skip > 0) {
        next = next.plusNanos(windowNanos * skip);
        skip = 0;
      }
      current = new WindowStats(next, features);
    }
  }

  private void close() {
    WindowStats closed = current;
    repeats.clear();
    history.addLast(summary(closed, closed.start.plusNanos(windowNanos)));
    while (history.size() > config.history()) {
      history.removeFirst();
    }
    closed.classes.forEach(
        (key, count) -> {
          if (historyClasses.containsKey(key) || historyClasses.size() < WindowStats.MAX_CLASSES) {
            historyClasses.merge(key, count, Long::sum);
          }
        });
    recent.addLast(closed);
    while (recent.size() > config.slidingWindows() - 1) {
      recent.removeFirst();
    }
  }

  private MonitorState.WindowSummary summary(WindowStats window, Instant end) {
    Map<String, Double> drift = new LinkedHashMap<>();
    List<String> drifted = new ArrayList<>();
    for (FeatureCounts counts : window.features) {
      MonitorState.FeatureDrift result = drift(counts);
      if (result.judged()) {
        drift.put(result.feature(), result.scores().get(result.method()));
        if (result.drifted()) {
          drifted.add(result.feature());
        }
      }
    }
    return new MonitorState.WindowSummary(
        window.start,
        end,
        window.calls,
        window.errors,
        nan(window.latency.quantileSeconds(0.99)),
        shares(window.classes),
        window.scores == 0 ? null : window.scoreSum / window.scores,
        window.outliersChecked == 0 ? null : (double) window.outliers / window.outliersChecked,
        window.rows == 0 ? null : (double) window.repeatedRows / window.rows,
        drift,
        drifted);
  }

  /** The sliding view, the drift per feature, the history; alerts and drops are the caller's. */
  public MonitorState state(Instant now) {
    advance(now);
    WindowStats view = new WindowStats(current.start, features);
    Instant from = current.start;
    for (WindowStats window : recent) {
      view.addAll(window);
      from = from.isBefore(window.start) ? from : window.start;
    }
    view.addAll(current);
    double seconds = Math.max(1e-3, Duration.between(from, now).toNanos() / 1e9);
    double rate = view.calls / seconds;
    Double baselineRate = baselineRate();
    Map<String, Double> classShares = shares(view.classes);
    List<MonitorState.FeatureDrift> drift = new ArrayList<>();
    for (FeatureCounts counts : view.features) {
      drift.add(drift(counts));
    }
    List<Long> scoreHistogram = new ArrayList<>();
    for (long bin : view.scoreBins) {
      scoreHistogram.add(bin);
    }
    MonitorState.Sliding sliding =
        new MonitorState.Sliding(
            from,
            view.calls,
            view.errors,
            view.calls == 0 ? null : (double) view.errors / view.calls,
            rate,
            baselineRate,
            baselineRate == null || baselineRate == 0 ? null : rate / baselineRate,
            nan(view.latency.quantileSeconds(0.5)),
            nan(view.latency.quantileSeconds(0.99)),
            view.calls == 0 ? null : (double) view.sloViolations / view.calls,
            classShares,
            classShift(classShares),
            view.scores == 0 ? null : view.scoreSum / view.scores,
            scoreHistogram,
            view.rows == 0 ? null : (double) view.repeatedRows / view.rows,
            Math.max(view.maxRepeats, repeats.maxCount),
            view.outliersChecked == 0 ? null : (double) view.outliers / view.outliersChecked,
            view.outliersChecked,
            view.unmatchedRows);
    return new MonitorState(
        model,
        version,
        now,
        baseline == null ? null : baseline.source(),
        config.window().toSeconds(),
        config.slidingWindows(),
        sliding,
        drift,
        List.copyOf(history),
        List.of(),
        0,
        estimatedBytes());
  }

  /** The median rate of the closed windows before the sliding view; null before three closed. */
  private Double baselineRate() {
    int before = history.size() - (config.slidingWindows() - 1);
    if (before < 3) {
      return null;
    }
    double[] rates = new double[before];
    int i = 0;
    double seconds = windowNanos / 1e9;
    for (MonitorState.WindowSummary window : history) {
      if (i == before) {
        break;
      }
      rates[i++] = window.calls() / seconds;
    }
    Arrays.sort(rates);
    return before % 2 == 1 ? rates[before / 2] : (rates[before / 2 - 1] + rates[before / 2]) / 2;
  }

  private Double classShift(Map<String, Double> current) {
    if (current.isEmpty() || historyClasses.isEmpty()) {
      return null;
    }
    Map<String, Double> past = shares(historyClasses);
    List<String> keys = new ArrayList<>(past.keySet());
    current.keySet().stream().filter(key -> !past.containsKey(key)).forEach(keys::add);
    double[] p = new double[keys.size()];
    double[] q = new double[keys.size()];
    for (int i = 0; i < keys.size(); i++) {
      p[i] = past.getOrDefault(keys.get(i), 0.0);
      q[i] = current.getOrDefault(keys.get(i), 0.0);
    }
    return Drift.jensenShannon(p, q);
  }

  MonitorState.FeatureDrift drift(FeatureCounts counts) {
    BaselineFeature feature = counts.feature;
    long n = counts.count();
    double[] current = Drift.shares(counts.bins);
    Map<String, Double> scores = new LinkedHashMap<>();
    boolean judged = n >= config.minSamples();
    Double pValue = null;
    String method;
    double threshold;
    boolean drifted;
    Double mean = null;
    Double meanShift = null;
    List<String> edges = new ArrayList<>();
    if (n > 0) {
      scores.put(Drift.PSI, Drift.psi(feature, current));
    }
    if (feature.kind() == BaselineFeature.Kind.NUMERIC) {
      for (double edge : feature.edges()) {
        edges.add(Double.toString(edge));
      }
      if (n > 0) {
        double d = Drift.ks(feature, current);
        pValue = Drift.ksPValue(d, n, feature.rows());
        scores.put(Drift.KS, d);
        double w = Drift.normedWasserstein(counts);
        if (!Double.isNaN(w)) {
          scores.put(Drift.WASSERSTEIN, w);
        }
        mean = counts.sum / n;
        meanShift = feature.mean() == 0 ? null : (mean - feature.mean()) / Math.abs(feature.mean());
      }
      if (n < config.largeSample() || !scores.containsKey(Drift.WASSERSTEIN)) {
        method = Drift.KS;
        threshold = config.ksPValue();
        drifted = judged && pValue != null && pValue < config.ksPValue();
      } else {
        method = Drift.WASSERSTEIN;
        threshold = config.wassersteinThreshold();
        drifted = judged && scores.get(Drift.WASSERSTEIN) > threshold;
      }
    } else {
      edges.addAll(feature.categories());
      edges.add(WindowStats.OTHER_CLASS);
      if (n > 0) {
        scores.put(Drift.JENSEN_SHANNON, Drift.jensenShannon(feature.probabilities(), current));
      }
      method = Drift.JENSEN_SHANNON;
      threshold = config.jensenShannonThreshold();
      drifted = judged && scores.get(Drift.JENSEN_SHANNON) > threshold;
    }
    return new MonitorState.FeatureDrift(
        feature.name(),
        feature.kind() == BaselineFeature.Kind.NUMERIC ? "numeric" : "categorical",
        n,
        counts.missing,
        mean,
        feature.kind() == BaselineFeature.Kind.NUMERIC ? feature.mean() : null,
        meanShift,
        scores,
        pValue,
        method,
        threshold,
        judged,
        drifted,
        boxed(current),
        boxed(feature.probabilities()),
        edges);
  }

  private static List<Double> boxed(double[] values) {
    List<Double> list = new ArrayList<>(values.length);
    for (double value : values) {
      list.add(value);
    }
    return list;
  }

  private static Map<String, Double> shares(Map<String, Long> counts) {
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    Map<String, Double> shares = new LinkedHashMap<>();
    if (total > 0) {
      counts.forEach((key, count) -> shares.put(key, (double) count / total));
    }
    return shares;
  }

  private static Double nan(double value) {
    return Double.isNaN(value) ? null : value;
  }

  /**
   * An upper estimate of this monitor's memory: the windows' counters, the distinct-row table and
   * the history's summaries (each with one drift score per feature).
   */
  public long estimatedBytes() {
    long bins = 0;
    for (BaselineFeature feature : features) {
      bins += feature.bins();
    }
    long perFeatureCounts = 48L * features.size() + 8L * bins + 16L * features.size();
    long perWindow =
        96
            + 8L * LatencyHistogram.BUCKETS
            + 8L * WindowStats.SCORE_BINS
            + 64L * WindowStats.MAX_CLASSES
            + perFeatureCounts;
    long table = 12L * repeats.capacity();
    long perSummary = 256 + 64L * WindowStats.MAX_CLASSES / 10 + 64L * features.size();
    long baselineBytes = 0;
    for (BaselineFeature feature : features) {
      baselineBytes += 96 + 16L * feature.bins() + 48L * feature.categories().size();
    }
    return perWindow * config.slidingWindows()
        + table
        + perSummary * config.history()
        + 64L * WindowStats.MAX_CLASSES
        + baselineBytes;
  }

  public String model() {
    return model;
  }

  public String version() {
    return version;
  }

  public MonitoringConfig config() {
    return config;
  }

  public Baseline baseline() {
    return baseline;
  }
}
