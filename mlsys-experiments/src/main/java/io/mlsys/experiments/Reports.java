package io.mlsys.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/** The JSON documents of {@code /v2/experiments}: status and report, as ordered maps. */
final class Reports {
  /** The report reads at most this many of the latest pairs of a mirror. */
  static final int PAIR_WINDOW = 200_000;

  /** Confusion is reported for at most this many distinct labels. */
  static final int MAX_LABELS = 50;

  static final String READY = "ready_to_promote";
  static final String NOT_READY = "not_ready";
  static final String NOT_ENOUGH_DATA = "not_enough_data";

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private Reports() {}

  static Map<String, Object> status(String name, ExperimentSpec spec, ExperimentStore.Row row) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("name", name);
    status.put("kind", spec != null ? spec.kind() : row.kind());
    status.put("state", row == null ? ExperimentState.RUNNING.wire() : row.state().wire());
    status.put("winner", row == null ? null : row.winner());
    status.put("served", spec != null);
    if (spec != null) {
      status.put("arms", spec.arms());
    }
    if (row != null) {
      status.put("created", row.created().toString());
      status.put("updated", row.updated().toString());
      status.put("updated_by", row.updatedBy());
    }
    return status;
  }

  /** The report reads at most this many of the latest exposures of a split. */
  static final int EXPOSURE_WINDOW = 500_000;

  /**
   * @param feedback null when the server keeps no feedback
   * @param from null: from the first record
   * @param to null: up to now
   * @param online receives the split's analysis; may be null
   */
  static Map<String, Object> report(
      ExperimentSpec spec,
      ExperimentStore.Row row,
      ExperimentStore store,
      FeedbackSource feedback,
      Instant now,
      Instant from,
      Instant to,
      java.util.function.Consumer<OnlineAnalysis.Result> online) {
    Map<String, Object> report = status(spec.name(), spec, row);
    report.put("generated", now.toString());
    report.put("from", from == null ? null : from.toString());
    report.put("to", to == null ? null : to.toString());
    switch (spec) {
      case ExperimentSpec.Split split -> {
        split(split, store, report);
        OnlineAnalysis.Result result = online(split, store, feedback, from, to, report);
        if (online != null) {
          online.accept(result);
        }
      }
      case ExperimentSpec.Mirror mirror -> mirror(mirror, store, report);
    }
    return report;
  }

  /** The exposures of a split in a range (null ends: open), oldest first. */
  static List<ExperimentStore.ExposureRow> exposures(
      ExperimentStore store, String name, Instant from, Instant to, int limit) {
    return store.exposures(
        name,
        from == null ? Long.MIN_VALUE : ExperimentStore.micros(from),
        to == null ? Long.MAX_VALUE : ExperimentStore.micros(to),
        limit);
  }

  private static OnlineAnalysis.Result online(
      ExperimentSpec.Split spec,
      ExperimentStore store,
      FeedbackSource source,
      Instant from,
      Instant to,
      Map<String, Object> report) {
    List<ExperimentStore.ExposureRow> exposures =
        exposures(store, spec.name(), from, to, EXPOSURE_WINDOW);
    SplitOptions.Metric metric = spec.metric();
    String kind = metric.feedback().name().toLowerCase(java.util.Locale.ROOT);
    Map<String, JsonNode> feedback = Map.of();
    if (source != null && !exposures.isEmpty()) {
      Instant first =
          Instant.EPOCH.plus(
              exposures.getFirst().timeMicros(), java.time.temporal.ChronoUnit.MICROS);
      feedback = source.feedback(spec.graph(), kind, first, EXPOSURE_WINDOW);
    }
    @SuppressWarnings("unchecked")
    boolean mismatch =
        (Boolean) ((Map<String, Object>) report.get("sample_ratio_mismatch")).get("mismatch");
    OnlineAnalysis.Result result =
        OnlineAnalysis.analyse(
            new OnlineAnalysis.Input(
                spec.arms(),
                metric,
                spec.decision(),
                spec.guardrails(),
                exposures,
                feedback,
                mismatch));
    Map<String, Object> metricJson = new LinkedHashMap<>();
    metricJson.put("outcome", metric.outcome().name().toLowerCase(java.util.Locale.ROOT));
    metricJson.put("feedback", kind);
    metricJson.put("output", metric.output());
    metricJson.put(
        "feedback_source", source == null ? null : "POST /v2/models/" + spec.graph() + "/feedback");
    metricJson.put("exposures_read", exposures.size());
    metricJson.put("exposure_window", EXPOSURE_WINDOW);
    metricJson.put("feedback_joined", result.feedbackJoined());
    report.put("metric", metricJson);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> arms = (List<Map<String, Object>>) report.get("arms");
    for (int i = 0; i < arms.size(); i++) {
      OnlineAnalysis.ArmOutcome outcome = result.arms().get(i);
      Map<String, Object> analysis = new LinkedHashMap<>();
      analysis.put("units_with_outcome", outcome.units());
      analysis.put("mean", nullIfNaN(outcome.mean()));
      analysis.put("sd", nullIfNaN(outcome.sd()));
      analysis.put("interval", List.of(nullIfNaN(outcome.low()), nullIfNaN(outcome.high())));
      arms.get(i).put("outcome", analysis);
      OnlineAnalysis.Guard guard = result.guards().get(i);
      Map<String, Object> guardJson = new LinkedHashMap<>();
      guardJson.put("calls", guard.calls());
      guardJson.put("errors", guard.errors());
      guardJson.put("error_rate", guard.errorRate());
      guardJson.put("latency_p50_micros", nullIfNaN(guard.p50Micros()));
      guardJson.put("latency_p99_micros", nullIfNaN(guard.p99Micros()));
      guardJson.put("breached", guard.breached());
      guardJson.put("reason", guard.reason());
      arms.get(i).put("guardrail", guardJson);
    }
    List<Map<String, Object>> comparisons = new ArrayList<>();
    for (OnlineAnalysis.Comparison comparison : result.comparisons()) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("arm", comparison.arm());
      json.put("control", comparison.control());
      json.put("difference", nullIfNaN(comparison.difference()));
      json.put(
          "always_valid_interval",
          Double.isNaN(comparison.low()) ? null : List.of(comparison.low(), comparison.high()));
      json.put("always_valid_p_value", comparison.pValue());
      json.put("significant", comparison.significant());
      json.put("equivalent", comparison.equivalent());
      comparisons.add(json);
    }
    report.put("comparisons", comparisons);
    report.put("verdict", result.verdict());
    report.put("best_arm", result.best());
    report.put("reason", result.reason());
    SplitOptions.Decision decision = spec.decision();
    Map<String, Object> thresholds = new LinkedHashMap<>();
    thresholds.put(
        "test",
        "mixture sequential probability ratio test on per-unit means, valid under continuous"
            + " monitoring");
    thresholds.put("alpha", decision.alpha());
    thresholds.put("alpha_per_comparison", result.alphaPerComparison());
    thresholds.put("mixture_effect_size", decision.mixtureEffectSize());
    thresholds.put("min_units", decision.minUnits());
    thresholds.put("min_effect", nullIfNaN(decision.minEffectFor(metric)));
    thresholds.put("max_units", decision.maxUnits());
    thresholds.put("higher_is_better", decision.higherIsBetter());
    thresholds.put("srm_alpha", spec.srmAlpha());
    SplitOptions.Guardrails guardrails = spec.guardrails();
    if (guardrails != null) {
      thresholds.put("max_error_rate", guardrails.maxErrorRate());
      thresholds.put(
          "max_p99_latency_micros",
          guardrails.maxP99Latency() == null ? null : guardrails.maxP99Latency().toNanos() / 1000);
      thresholds.put("guardrail_min_calls", guardrails.minCalls());
    }
    report.put("thresholds", thresholds);
    return result;
  }

  private static void split(
      ExperimentSpec.Split spec, ExperimentStore store, Map<String, Object> report) {
    Map<String, long[]> counts = store.exposureCounts(spec.name());
    BucketTable table = store.storedTable(spec.name());
    int[] buckets = table == null ? null : table.counts();
    List<String> arms = spec.arms();
    long[] units = new long[arms.size()];
    double[] expected = new double[arms.size()];
    long totalUnits = 0;
    long totalCalls = 0;
    for (int i = 0; i < arms.size(); i++) {
      long[] armCounts = counts.getOrDefault(arms.get(i), new long[2]);
      units[i] = armCounts[1];
      totalUnits += armCounts[1];
      totalCalls += armCounts[0];
      int index = table == null ? -1 : table.arms().indexOf(arms.get(i));
      expected[i] = index < 0 ? 0 : (double) buckets[index] / BucketTable.BUCKETS;
    }
    List<Map<String, Object>> armReports = new ArrayList<>();
    for (int i = 0; i < arms.size(); i++) {
      long[] armCounts = counts.getOrDefault(arms.get(i), new long[2]);
      Map<String, Object> arm = new LinkedHashMap<>();
      arm.put("name", arms.get(i));
      arm.put("count", armCounts[0]);
      arm.put("units", armCounts[1]);
      arm.put("expected_share", expected[i]);
      arm.put("observed_share", totalUnits == 0 ? null : (double) units[i] / totalUnits);
      double[] interval = Stats.wilson(units[i], totalUnits, Stats.Z_95);
      arm.put("observed_share_interval", List.of(interval[0], interval[1]));
      armReports.add(arm);
    }
    report.put("count", totalCalls);
    report.put("units", totalUnits);
    report.put("arms", armReports);
    report.put("sample_ratio_mismatch", sampleRatio(spec, store, table));
  }

  /**
   * The sample-ratio-mismatch test of a split across its weight changes: each unit counts once, in
   * the arm and the period (between two bucket tables) of its first exposure, against that period's
   * bucket shares; one chi-square over every period's cells ({@link Stats#chiSquare(long[][],
   * double[][])}).
   *
   * @param table the current table; stands for the whole history of a split whose table was made
   *     before periods were recorded and never changed since (null: none, no test)
   */
  static Map<String, Object> sampleRatio(
      ExperimentSpec.Split spec, ExperimentStore store, BucketTable table) {
    List<ExperimentStore.Period> periods = store.periods(spec.name());
    boolean fullHistory = periods.isEmpty() || periods.getFirst().revision() == 1;
    if (periods.isEmpty() && table != null) {
      periods =
          List.of(new ExperimentStore.Period(1, Long.MIN_VALUE, table.arms(), table.counts()));
    }
    List<String> arms = spec.arms();
    long[][] observed = new long[periods.size()][arms.size()];
    double[][] shares = new double[periods.size()][arms.size()];
    if (!periods.isEmpty()) {
      long[] starts = periods.stream().mapToLong(ExperimentStore.Period::fromMicros).toArray();
      Map<String, long[]> firsts = store.firstExposures(spec.name(), starts, fullHistory);
      for (int p = 0; p < periods.size(); p++) {
        ExperimentStore.Period period = periods.get(p);
        for (int i = 0; i < arms.size(); i++) {
          int index = period.arms().indexOf(arms.get(i));
          shares[p][i] = index < 0 ? 0 : (double) period.buckets()[index] / BucketTable.BUCKETS;
          long[] counts = firsts.get(arms.get(i));
          observed[p][i] = counts == null ? 0 : counts[p];
        }
      }
    }
    double[] chi = Stats.chiSquare(observed, shares);
    Map<String, Object> srm = new LinkedHashMap<>();
    srm.put(
        "test",
        "chi-square of the units first exposed in each period (between weight changes) per arm"
            + " against that period's bucket shares, summed over the periods");
    srm.put("chi_square", chi[0]);
    srm.put("degrees_of_freedom", (long) chi[1]);
    srm.put("p_value", chi[2]);
    srm.put("alpha", spec.srmAlpha());
    srm.put("mismatch", chi[2] < spec.srmAlpha());
    srm.put("units", Arrays.stream(observed).flatMapToLong(Arrays::stream).sum());
    srm.put("full_history", fullHistory);
    List<Map<String, Object>> periodReports = new ArrayList<>();
    for (int p = 0; p < periods.size(); p++) {
      Map<String, Object> period = new LinkedHashMap<>();
      long from = periods.get(p).fromMicros();
      period.put("revision", periods.get(p).revision());
      period.put(
          "from",
          from == Long.MIN_VALUE
              ? null
              : Instant.EPOCH.plus(from, java.time.temporal.ChronoUnit.MICROS).toString());
      period.put("units", Arrays.stream(observed[p]).sum());
      List<Map<String, Object>> cells = new ArrayList<>();
      for (int i = 0; i < arms.size(); i++) {
        Map<String, Object> cell = new LinkedHashMap<>();
        cell.put("name", arms.get(i));
        cell.put("units", observed[p][i]);
        cell.put("expected_share", shares[p][i]);
        cells.add(cell);
      }
      period.put("arms", cells);
      periodReports.add(period);
    }
    srm.put("periods", periodReports);
    return srm;
  }

  private static void mirror(
      ExperimentSpec.Mirror spec, ExperimentStore store, Map<String, Object> report) {
    List<ExperimentStore.PairRow> pairs = store.pairs(spec.name(), PAIR_WINDOW);
    Map<String, List<ExperimentStore.PairRow>> byCandidate = new LinkedHashMap<>();
    for (String candidate : spec.candidates()) {
      byCandidate.put(candidate, new ArrayList<>());
    }
    for (ExperimentStore.PairRow pair : pairs) {
      List<ExperimentStore.PairRow> list = byCandidate.get(pair.candidate());
      if (list != null) {
        list.add(pair);
      }
    }
    Map<String, Object> candidates = new LinkedHashMap<>();
    byCandidate.forEach(
        (name, list) -> candidates.put(name, candidate(list, spec.compare(), spec.verdict())));
    report.put("pair_window", PAIR_WINDOW);
    report.put("candidates", candidates);
  }

  static Map<String, Object> candidate(
      List<ExperimentStore.PairRow> pairs,
      MirrorOptions.Compare compare,
      MirrorOptions.Verdict verdict) {
    long compared = 0;
    long agreed = 0;
    long primaryErrors = 0;
    long candidateErrors = 0;
    Map<String, Map<String, Long>> confusion = new TreeMap<>();
    boolean confusionTruncated = false;
    List<Double> differences = new ArrayList<>();
    List<Double> primaryScores = new ArrayList<>();
    List<Double> candidateScores = new ArrayList<>();
    long[] primaryLatencies = new long[pairs.size()];
    long[] candidateLatencies = new long[pairs.size()];
    int latencyCount = 0;
    for (ExperimentStore.PairRow pair : pairs) {
      primaryErrors += pair.primaryError() == null ? 0 : 1;
      candidateErrors += pair.candidateError() == null ? 0 : 1;
      if (pair.primaryError() == null && pair.candidateError() == null) {
        primaryLatencies[latencyCount] = pair.primaryLatencyMicros();
        candidateLatencies[latencyCount++] = pair.candidateLatencyMicros();
      }
      if (pair.primaryValue() == null || pair.candidateValue() == null) {
        continue;
      }
      JsonNode primary = parse(pair.primaryValue());
      JsonNode candidate = parse(pair.candidateValue());
      int n = Math.max(primary.size(), candidate.size());
      for (int i = 0; i < n; i++) {
        JsonNode p = primary.get(i);
        JsonNode c = candidate.get(i);
        compared++;
        if (p == null || c == null) {
          continue;
        }
        if (p.isNumber() && c.isNumber()) {
          double difference = c.asDouble() - p.asDouble();
          differences.add(difference);
          primaryScores.add(p.asDouble());
          candidateScores.add(c.asDouble());
          if (Math.abs(difference) <= compare.tolerance()) {
            agreed++;
          }
        } else {
          String pl = p.asText();
          String cl = c.asText();
          if (pl.equals(cl)) {
            agreed++;
          }
          Map<String, Long> row = confusion.get(pl);
          if (row == null && confusion.size() >= MAX_LABELS) {
            confusionTruncated = true;
            continue;
          }
          confusion.computeIfAbsent(pl, k -> new TreeMap<>()).merge(cl, 1L, Long::sum);
        }
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("pairs", pairs.size());
    result.put("compared", compared);
    result.put("agreed", agreed);
    Double rate = compared == 0 ? null : (double) agreed / compared;
    double[] interval = Stats.wilson(agreed, compared, Stats.Z_95);
    result.put("agreement_rate", rate);
    result.put("agreement_interval", List.of(interval[0], interval[1]));
    result.put("tolerance", compare.tolerance());
    if (!confusion.isEmpty()) {
      result.put("confusion", confusion);
      result.put("confusion_truncated", confusionTruncated);
    }
    if (!differences.isEmpty()) {
      double[] sorted = differences.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      Map<String, Object> scores = new LinkedHashMap<>();
      scores.put("mean_difference", Arrays.stream(sorted).average().orElse(Double.NaN));
      scores.put("p01_difference", Stats.quantile(sorted, 0.01));
      scores.put("p50_difference", Stats.quantile(sorted, 0.5));
      scores.put("p99_difference", Stats.quantile(sorted, 0.99));
      if (primaryScores.size() >= 2) {
        // Two-sample Kolmogorov-Smirnov: do the candidate's scores come from the same
        // distribution as the primary's (values of one call are not independent; a guide only).
        double ks =
            new KolmogorovSmirnovTest()
                .kolmogorovSmirnovTest(
                    primaryScores.stream().mapToDouble(Double::doubleValue).toArray(),
                    candidateScores.stream().mapToDouble(Double::doubleValue).toArray());
        scores.put("ks_p_value", ks);
      }
      result.put("scores", scores);
    }
    long[] primarySorted = Arrays.copyOf(primaryLatencies, latencyCount);
    long[] candidateSorted = Arrays.copyOf(candidateLatencies, latencyCount);
    Arrays.sort(primarySorted);
    Arrays.sort(candidateSorted);
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("primary_p50_micros", nullIfNaN(Stats.quantile(primarySorted, 0.5)));
    latency.put("primary_p99_micros", nullIfNaN(Stats.quantile(primarySorted, 0.99)));
    latency.put("candidate_p50_micros", nullIfNaN(Stats.quantile(candidateSorted, 0.5)));
    latency.put("candidate_p99_micros", nullIfNaN(Stats.quantile(candidateSorted, 0.99)));
    latency.put(
        "p50_delta_micros",
        nullIfNaN(Stats.quantile(candidateSorted, 0.5) - Stats.quantile(primarySorted, 0.5)));
    latency.put(
        "p99_delta_micros",
        nullIfNaN(Stats.quantile(candidateSorted, 0.99) - Stats.quantile(primarySorted, 0.99)));
    result.put("latency", latency);
    double primaryErrorRate = pairs.isEmpty() ? 0 : (double) primaryErrors / pairs.size();
    double candidateErrorRate = pairs.isEmpty() ? 0 : (double) candidateErrors / pairs.size();
    Map<String, Object> errors = new LinkedHashMap<>();
    errors.put("primary_errors", primaryErrors);
    errors.put("candidate_errors", candidateErrors);
    errors.put("primary_error_rate", primaryErrorRate);
    errors.put("candidate_error_rate", candidateErrorRate);
    errors.put("error_rate_delta", candidateErrorRate - primaryErrorRate);
    result.put("errors", errors);
    String decision;
    double increase = candidateErrorRate - primaryErrorRate;
    if (pairs.size() >= verdict.minPairs() && increase > verdict.maxErrorRateIncrease()) {
      decision = NOT_READY;
    } else if (compared < verdict.minPairs()) {
      decision = NOT_ENOUGH_DATA;
    } else if (interval[1] < verdict.minAgreement()) {
      decision = NOT_READY;
    } else if (interval[0] >= verdict.minAgreement()) {
      decision = READY;
    } else {
      decision = NOT_ENOUGH_DATA;
    }
    Map<String, Object> thresholds = new LinkedHashMap<>();
    thresholds.put("min_pairs", verdict.minPairs());
    thresholds.put("min_agreement", verdict.minAgreement());
    thresholds.put("max_error_rate_increase", verdict.maxErrorRateIncrease());
    result.put("verdict", decision);
    result.put("thresholds", thresholds);
    return result;
  }

  private static Double nullIfNaN(double value) {
    return Double.isNaN(value) ? null : value;
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("experiment_pairs: not a JSON array: " + json, e);
    }
  }
}
