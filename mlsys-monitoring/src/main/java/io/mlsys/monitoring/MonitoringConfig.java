package io.mlsys.monitoring;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import io.mlsys.core.spi.DecoratorOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Prediction monitoring of one model ({@code models.<name>.monitoring:}, or a {@code monitor}
 * decorator): every key has a default, so {@code monitoring: {}} monitors rates, errors, latency,
 * classes, scores and repeated inputs, and a {@code baseline} adds feature drift.
 *
 * @param baseline a CSV of training rows whose header names the features in the input's column
 *     order; null means the registry's data profile of the version when it has one, else no drift
 * @param input the input tensor whose rows are the features; null means the first input
 * @param classOutput the output holding the predicted class (an integer or string per row); null
 *     means the first integer or string output
 * @param scoreOutput the output holding scores or probabilities ([rows, classes] or [rows]); null
 *     means the first floating-point output
 * @param window the length of a tumbling window
 * @param slidingWindows how many tumbling windows (the current one included) the sliding view
 *     spans; gauges and alerts read the sliding view
 * @param history closed windows kept (their summaries, for rates, the report and the JSON state)
 * @param latencySlo the latency objective: slower calls count as violations
 * @param bins equal-frequency bins per numeric baseline feature (ties merge some)
 * @param minSamples values a feature needs in the sliding window before its drift is judged
 * @param largeSample from this many values on, a numeric feature is judged by the normed
 *     Wasserstein distance instead of the KS p-value (a p-value test flags tiny shifts on large
 *     samples)
 * @param psiThreshold the PSI reported as "over" in the state (PSI is shown for every feature, but
 *     does not decide drift: its noise grows with bins over sample size)
 * @param ksPValue a KS p-value below this marks a numeric feature with fewer than {@code
 *     large-sample} values as drifted
 * @param wassersteinThreshold a normed Wasserstein distance above this marks a numeric feature with
 *     at least {@code large-sample} values as drifted
 * @param jensenShannonThreshold a Jensen-Shannon distance above this marks a categorical feature as
 *     drifted
 * @param outlierModel an ONNX model that takes the same input and flags outliers (such as a
 *     one-class SVM); null means no outlier monitor
 * @param outlierOutput the outlier model's output; a row whose value is below 0 is an outlier (a
 *     one-class SVM's {@code label} -1 or negative {@code scores})
 * @param queueCapacity calls waiting for the monitor thread; more are not monitored (counted)
 * @param distinctInputs distinct input rows a window remembers to count repeats
 * @param alerts alert rules; null means the defaults (docs/observability.md), empty means none
 * @param webhook where alerts are POSTed; null means the log only
 */
public record MonitoringConfig(
    Path baseline,
    String input,
    String classOutput,
    String scoreOutput,
    Duration window,
    int slidingWindows,
    int history,
    Duration latencySlo,
    int bins,
    int minSamples,
    int largeSample,
    double psiThreshold,
    double ksPValue,
    double wassersteinThreshold,
    double jensenShannonThreshold,
    Path outlierModel,
    String outlierOutput,
    int queueCapacity,
    int distinctInputs,
    List<AlertRule> alerts,
    WebhookConfig webhook)
    implements DecoratorOptions {

  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
  public static final int DEFAULT_SLIDING_WINDOWS = 5;
  public static final int DEFAULT_HISTORY = 60;
  public static final int MAX_HISTORY = 10_080;
  public static final Duration DEFAULT_LATENCY_SLO = Duration.ofMillis(100);
  public static final int DEFAULT_BINS = Baseline.DEFAULT_BINS;
  public static final int MAX_BINS = 1000;
  public static final int DEFAULT_MIN_SAMPLES = 100;
  public static final int DEFAULT_LARGE_SAMPLE = 1000;
  public static final double DEFAULT_PSI_THRESHOLD = 0.2;
  public static final double DEFAULT_KS_P_VALUE = 0.05;
  public static final double DEFAULT_WASSERSTEIN_THRESHOLD = 0.1;
  public static final double DEFAULT_JENSEN_SHANNON_THRESHOLD = 0.1;
  public static final String DEFAULT_OUTLIER_OUTPUT = "label";
  public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
  public static final int DEFAULT_DISTINCT_INPUTS = 4096;
  public static final int MAX_DISTINCT_INPUTS = 1 << 20;

  /**
   * @throws ConfigException listing every invalid field
   */
  public MonitoringConfig {
    window = Objects.requireNonNullElse(window, DEFAULT_WINDOW);
    latencySlo = Objects.requireNonNullElse(latencySlo, DEFAULT_LATENCY_SLO);
    outlierOutput = Objects.requireNonNullElse(outlierOutput, DEFAULT_OUTLIER_OUTPUT);
    Violations violations = new Violations();
    violations.optionalName("input", input);
    violations.optionalName("class-output", classOutput);
    violations.optionalName("score-output", scoreOutput);
    violations.name("outlier-output", outlierOutput);
    violations.check(
        window.compareTo(Duration.ofSeconds(1)) >= 0, "window", window, "a duration >= 1s");
    violations.check(
        slidingWindows >= 1 && slidingWindows <= 1000,
        "sliding-windows",
        slidingWindows,
        "an integer from 1 to 1000");
    violations.check(
        history >= slidingWindows && history <= MAX_HISTORY,
        "history",
        history,
        "an integer from sliding-windows to " + MAX_HISTORY);
    violations.check(latencySlo.isPositive(), "latency-slo", latencySlo, "a positive duration");
    violations.check(
        bins >= 2 && bins <= MAX_BINS, "bins", bins, "an integer from 2 to " + MAX_BINS);
    violations.check(minSamples >= 1, "min-samples", minSamples, "an integer >= 1");
    violations.check(largeSample >= 1, "large-sample", largeSample, "an integer >= 1");
    violations.check(psiThreshold > 0, "psi-threshold", psiThreshold, "a number > 0");
    violations.check(
        ksPValue > 0 && ksPValue < 1, "ks-p-value", ksPValue, "a number between 0 and 1");
    violations.check(
        wassersteinThreshold > 0, "wasserstein-threshold", wassersteinThreshold, "a number > 0");
    violations.check(
        jensenShannonThreshold > 0 && jensenShannonThreshold <= 1,
        "jensen-shannon-threshold",
        jensenShannonThreshold,
        "a number in (0, 1]");
    violations.check(queueCapacity >= 1, "queue-capacity", queueCapacity, "an integer >= 1");
    violations.check(
        distinctInputs >= 16 && distinctInputs <= MAX_DISTINCT_INPUTS,
        "distinct-inputs",
        distinctInputs,
        "an integer from 16 to " + MAX_DISTINCT_INPUTS);
    if (alerts != null) {
      java.util.Set<String> names = new java.util.HashSet<>();
      for (int i = 0; i < alerts.size(); i++) {
        AlertRule rule = alerts.get(i);
        violations.check(rule != null, "alerts[" + i + "]", null, "an alert rule");
        if (rule != null && !names.add(rule.displayName())) {
          violations.add(
              "alerts[" + i + "].name",
              rule.displayName()
                  + " names an earlier rule too (expected: distinct names; a rule without a name"
                  + " is named by its signal)");
        }
      }
    }
    violations.throwIfAny(null);
    alerts = alerts == null ? null : List.copyOf(alerts);
  }

  /** Every default: no baseline file, no outlier model, the default alerts, no webhook. */
  @ConfigDefaults
  public static MonitoringConfig defaults() {
    return new MonitoringConfig(
        null,
        null,
        null,
        null,
        DEFAULT_WINDOW,
        DEFAULT_SLIDING_WINDOWS,
        DEFAULT_HISTORY,
        DEFAULT_LATENCY_SLO,
        DEFAULT_BINS,
        DEFAULT_MIN_SAMPLES,
        DEFAULT_LARGE_SAMPLE,
        DEFAULT_PSI_THRESHOLD,
        DEFAULT_KS_P_VALUE,
        DEFAULT_WASSERSTEIN_THRESHOLD,
        DEFAULT_JENSEN_SHANNON_THRESHOLD,
        null,
        DEFAULT_OUTLIER_OUTPUT,
        DEFAULT_QUEUE_CAPACITY,
        DEFAULT_DISTINCT_INPUTS,
        null,
        null);
  }

  /** The rules in force: the configured ones, else the defaults. */
  public List<AlertRule> rules() {
    return alerts != null ? alerts : AlertRule.defaultRules();
  }

  public MonitoringConfig withBaseline(Path newBaseline) {
    return new Builder(this).baseline(newBaseline).build();
  }

  public MonitoringConfig withWindow(Duration newWindow, int newSlidingWindows, int newHistory) {
    return new Builder(this)
        .window(newWindow)
        .slidingWindows(newSlidingWindows)
        .history(newHistory)
        .build();
  }

  public MonitoringConfig withOutlierModel(Path newOutlierModel, String newOutlierOutput) {
    return new Builder(this).outlierModel(newOutlierModel, newOutlierOutput).build();
  }

  public MonitoringConfig withAlerts(List<AlertRule> newAlerts, WebhookConfig newWebhook) {
    return new Builder(this).alerts(newAlerts, newWebhook).build();
  }

  public MonitoringConfig withLatencySlo(Duration newLatencySlo) {
    return new Builder(this).latencySlo(newLatencySlo).build();
  }

  public MonitoringConfig withQueueCapacity(int newQueueCapacity) {
    return new Builder(this).queueCapacity(newQueueCapacity).build();
  }

  /** A mutable copy, for the {@code with} methods. */
  private static final class Builder {
    private Path baseline;
    private final String input;
    private final String classOutput;
    private final String scoreOutput;
    private Duration window;
    private int slidingWindows;
    private int history;
    private Duration latencySlo;
    private final int bins;
    private final int minSamples;
    private final int largeSample;
    private final double psiThreshold;
    private final double ksPValue;
    private final double wassersteinThreshold;
    private final double jensenShannonThreshold;
    private Path outlierModel;
    private String outlierOutput;
    private int queueCapacity;
    private final int distinctInputs;
    private List<AlertRule> alerts;
    private WebhookConfig webhook;

    Builder(MonitoringConfig c) {
      baseline = c.baseline;
      input = c.input;
      classOutput = c.classOutput;
      scoreOutput = c.scoreOutput;
      window = c.window;
      slidingWindows = c.slidingWindows;
      history = c.history;
      latencySlo = c.latencySlo;
      bins = c.bins;
      minSamples = c.minSamples;
      largeSample = c.largeSample;
      psiThreshold = c.psiThreshold;
      ksPValue = c.ksPValue;
      wassersteinThreshold = c.wassersteinThreshold;
      jensenShannonThreshold = c.jensenShannonThreshold;
      outlierModel = c.outlierModel;
      outlierOutput = c.outlierOutput;
      queueCapacity = c.queueCapacity;
      distinctInputs = c.distinctInputs;
      alerts = c.alerts;
      webhook = c.webhook;
    }

    Builder baseline(Path value) {
      baseline = value;
      return this;
    }

    Builder window(Duration value) {
      window = value;
      return this;
    }

    Builder slidingWindows(int value) {
      slidingWindows = value;
      return this;
    }

    Builder history(int value) {
      history = value;
      return this;
    }

    Builder latencySlo(Duration value) {
      latencySlo = value;
      return this;
    }

    Builder outlierModel(Path model, String output) {
      outlierModel = model;
      outlierOutput = output;
      return this;
    }

    Builder queueCapacity(int value) {
      queueCapacity = value;
      return this;
    }

    Builder alerts(List<AlertRule> rules, WebhookConfig hook) {
      alerts = rules;
      webhook = hook;
      return this;
    }

    MonitoringConfig build() {
      return new MonitoringConfig(
          baseline,
          input,
          classOutput,
          scoreOutput,
          window,
          slidingWindows,
          history,
          latencySlo,
          bins,
          minSamples,
          largeSample,
          psiThreshold,
          ksPValue,
          wassersteinThreshold,
          jensenShannonThreshold,
          outlierModel,
          outlierOutput,
          queueCapacity,
          distinctInputs,
          alerts,
          webhook);
    }
  }
}
