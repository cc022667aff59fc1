package io.mlsys.monitoring;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The current state of one monitored model version, as {@code GET /v2/models/{m}/monitor} shows it
 * (keys in snake_case; a value that cannot be computed yet, such as a rate baseline before three
 * windows closed, is null).
 *
 * @param model the model's name
 * @param version its version, or null
 * @param time when the state was computed
 * @param baseline where the baseline came from, or null when drift is not monitored
 * @param windowSeconds the tumbling window's length
 * @param slidingWindows how many windows the sliding view spans
 * @param current the sliding view
 * @param features drift per baseline feature over the sliding view
 * @param history the closed windows, oldest first
 * @param alerts the alerts firing now
 * @param dropped calls not monitored because the monitor's queue was full
 * @param estimatedBytes the monitor's memory: its counters, tables and history (fixed once built)
 */
public record MonitorState(
    String model,
    String version,
    Instant time,
    String baseline,
    long windowSeconds,
    int slidingWindows,
    Sliding current,
    List<FeatureDrift> features,
    List<WindowSummary> history,
    List<Alert> alerts,
    long dropped,
    long estimatedBytes) {

  /**
   * The sliding view: the current tumbling window and the ones before it.
   *
   * @param from where the view starts
   * @param calls calls in it
   * @param errors failed calls
   * @param errorRatio failed per call
   * @param requestRate calls per second
   * @param baselineRate the median rate of the closed windows before the view
   * @param requestRateRatio {@code requestRate / baselineRate}
   * @param latencyP50Seconds median latency
   * @param latencyP99Seconds 99th percentile latency
   * @param sloViolationRatio calls slower than the SLO, per call
   * @param classShares share of rows per predicted class
   * @param classShift Jensen-Shannon distance of the class shares to the history's
   * @param scoreMean mean top score per row
   * @param scoreHistogram top scores in 20 bins over [0, 1]
   * @param repeatedInputRatio rows seen before in their window, per row
   * @param maxRepeats the most times one row was seen in one window
   * @param outlierRatio outliers per row checked (null without an outlier model)
   * @param outliersChecked rows the outlier model checked
   * @param unmatchedRows rows whose input did not have the baseline's columns (not in drift)
   */
  public record Sliding(
      Instant from,
      long calls,
      long errors,
      Double errorRatio,
      Double requestRate,
      Double baselineRate,
      Double requestRateRatio,
      Double latencyP50Seconds,
      Double latencyP99Seconds,
      Double sloViolationRatio,
      Map<String, Double> classShares,
      Double classShift,
      Double scoreMean,
      List<Long> scoreHistogram,
      Double repeatedInputRatio,
      int maxRepeats,
      Double outlierRatio,
      long outliersChecked,
      long unmatchedRows) {}

  /**
   * Drift of one feature.
   *
   * @param feature the feature's name
   * @param kind {@code numeric} or {@code categorical}
   * @param count values in the sliding view
   * @param missing missing values
   * @param mean their mean (numeric)
   * @param baselineMean the baseline's mean (numeric)
   * @param meanShift {@code (mean - baselineMean) / |baselineMean|}
   * @param scores score per method ({@code psi}, {@code ks}, {@code wasserstein}, {@code
   *     jensen_shannon})
   * @param ksPValue the KS test's p-value (numeric)
   * @param method the method that decides {@code drifted} at this sample size and kind
   * @param threshold that method's threshold
   * @param judged whether there were enough values ({@code min-samples}) to judge
   * @param drifted whether the method's score is over its threshold
   * @param currentShares the view's share per baseline bin
   * @param baselineShares the baseline's share per bin
   * @param binEdges the bins' edges (numeric) or categories
   */
  public record FeatureDrift(
      String feature,
      String kind,
      long count,
      long missing,
      Double mean,
      Double baselineMean,
      Double meanShift,
      Map<String, Double> scores,
      Double ksPValue,
      String method,
      double threshold,
      boolean judged,
      boolean drifted,
      List<Double> currentShares,
      List<Double> baselineShares,
      List<String> binEdges) {}

  /**
   * One closed tumbling window.
   *
   * @param start its start
   * @param end its end
   * @param calls calls
   * @param errors failed calls
   * @param latencyP99Seconds 99th percentile latency
   * @param classShares share of rows per class
   * @param scoreMean mean top score
   * @param outlierRatio outliers per row checked
   * @param repeatedInputRatio repeated rows per row
   * @param drift the deciding drift score per feature (judged features only)
   * @param drifted the features judged drifted
   */
  public record WindowSummary(
      Instant start,
      Instant end,
      long calls,
      long errors,
      Double latencyP99Seconds,
      Map<String, Double> classShares,
      Double scoreMean,
      Double outlierRatio,
      Double repeatedInputRatio,
      Map<String, Double> drift,
      List<String> drifted) {}
}
