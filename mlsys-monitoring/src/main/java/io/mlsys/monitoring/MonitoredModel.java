package io.mlsys.monitoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.mlsys.core.CallContext;
import io.mlsys.core.ForwardingModel;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A model whose calls are monitored. The request thread only offers an {@link Observation} to a
 * bounded queue (a full queue skips the call's monitoring, counted, never the call); one virtual
 * thread per monitored version folds the queue into its {@link ModelMonitor}, publishes the state
 * the gauges and the endpoint read, and evaluates the alert rules.
 */
final class MonitoredModel extends ForwardingModel {
  private static final Logger LOG = Logger.getLogger(MonitoredModel.class.getName());

  /** How often the state is recomputed while calls keep coming. */
  static final Duration PUBLISH_PERIOD = Duration.ofSeconds(1);

  static final long IDLE_POLL_MILLIS = 250;
  private static final int DRAIN_BATCH = 1024;

  private final String name;
  private final String version;
  private final ModelMonitor monitor;
  private final AlertEvaluator alerts;
  private final OutlierDetector outliers;
  private final Clock clock;
  private final Monitors monitors;
  // Observations, and futures asking for a state that includes every call queued before them.
  private final BlockingQueue<Object> queue;
  private final MeterRegistry meters;
  private final List<Meter> registered = new ArrayList<>();
  private final Set<String> classGauges = new HashSet<>();
  private final Counter dropped;
  private final Counter failures;
  private final Thread worker;
  private volatile MonitorState state;
  private volatile boolean closed;
  private Instant lastPublish = Instant.MIN;

  MonitoredModel(
      Model delegate,
      String name,
      String version,
      ModelMonitor monitor,
      OutlierDetector outliers,
      Consumer<Alert> alertListener,
      Clock clock,
      MeterRegistry meters,
      Monitors monitors) {
    super(delegate);
    this.name = name;
    this.version = version;
    this.monitor = monitor;
    this.outliers = outliers;
    this.clock = clock;
    this.meters = meters;
    this.monitors = monitors;
    this.alerts = new AlertEvaluator(monitor.config().rules(), alertListener);
    this.queue = new ArrayBlockingQueue<>(monitor.config().queueCapacity());
    Tags tags = tags();
    this.dropped =
        register(
            Counter.builder("mlsys_monitor_dropped_total")
                .description("Calls not monitored because the monitor's queue was full")
                .tags(tags)
                .register(meters));
    this.failures =
        register(
            Counter.builder("mlsys_monitor_failures_total")
                .description(
                    "Calls the monitor could not fold in (a bug or an outlier model error)")
                .tags(tags)
                .register(meters));
    this.state = monitor.state(clock.instant());
    registerGauges();
    monitors.register(this);
    this.worker = Thread.ofVirtual().name("mlsys-monitor-" + name + "-" + version).start(this::run);
  }

  private Tags tags() {
    return Tags.of("model", name, "version", version == null ? "" : version);
  }

  private <M extends Meter> M register(M meter) {
    registered.add(meter);
    return meter;
  }

  private void gauge(String gauge, String help, Tags tags, ToDoubleFunction<MonitorState> value) {
    register(
        Gauge.builder(gauge, this, model -> value.applyAsDouble(model.state))
            .description(help)
            .tags(tags)
            .strongReference(true)
            .register(meters));
  }

  private void signalGauge(String gauge, String help, AlertRule.Signal signal) {
    gauge(gauge, help, tags(), s -> AlertEvaluator.value(signal, s.current()));
  }

  private void registerGauges() {
    gauge(
        "mlsys_monitor_request_rate",
        "Calls per second over the sliding window",
        tags(),
        s -> orNaN(s.current().requestRate()));
    gauge(
        "mlsys_monitor_request_rate_baseline",
        "Median calls per second of the closed windows before the sliding one",
        tags(),
        s -> orNaN(s.current().baselineRate()));
    signalGauge(
        "mlsys_monitor_request_rate_ratio",
        "Sliding request rate over its baseline (spikes above 1, drops below)",
        AlertRule.Signal.REQUEST_RATE_RATIO);
    signalGauge(
        "mlsys_monitor_error_ratio",
        "Failed calls per call over the sliding window",
        AlertRule.Signal.ERROR_RATIO);
    signalGauge(
        "mlsys_monitor_latency_p99_seconds",
        "99th percentile latency over the sliding window",
        AlertRule.Signal.LATENCY_P99_SECONDS);
    signalGauge(
        "mlsys_monitor_latency_slo_violation_ratio",
        "Calls slower than latency-slo per call over the sliding window",
        AlertRule.Signal.LATENCY_SLO_VIOLATION_RATIO);
    signalGauge(
        "mlsys_monitor_class_shift",
        "Jensen-Shannon distance of the sliding class shares to the history's",
        AlertRule.Signal.CLASS_SHIFT);
    signalGauge(
        "mlsys_monitor_score_mean",
        "Mean top score per row over the sliding window",
        AlertRule.Signal.SCORE_MEAN);
    signalGauge(
        "mlsys_monitor_repeated_input_ratio",
        "Rows seen before in their window per row",
        AlertRule.Signal.REPEATED_INPUT_RATIO);
    signalGauge(
        "mlsys_monitor_outlier_ratio",
        "Rows the outlier model flags per row checked",
        AlertRule.Signal.OUTLIER_RATIO);
    gauge("mlsys_monitor_alerts_firing", "Alerts firing now", tags(), s -> s.alerts().size());
    gauge(
        "mlsys_monitor_memory_bytes",
        "Estimated memory of this version's monitors (fixed when built)",
        tags(),
        s -> s.estimatedBytes());
    List<MonitorState.FeatureDrift> features = state.features();
    for (int i = 0; i < features.size(); i++) {
      int at = i;
      MonitorState.FeatureDrift feature = features.get(i);
      Tags featureTags = tags().and("feature", feature.feature());
      List<String> methods =
          feature.kind().equals("numeric")
              ? List.of(Drift.PSI, Drift.KS, Drift.WASSERSTEIN)
              : List.of(Drift.PSI, Drift.JENSEN_SHANNON);
      for (String method : methods) {
        gauge(
            "mlsys_feature_drift",
            "Drift score of a feature against the training baseline, per method",
            featureTags.and("method", method),
            s -> orNaN(s.features().get(at).scores().get(method)));
      }
      gauge(
          "mlsys_feature_drifted",
          "1 when the feature's deciding drift score is over its threshold",
          featureTags,
          s -> s.features().get(at).drifted() ? 1 : 0);
    }
  }

  private void classGauges(MonitorState published) {
    for (String key : published.current().classShares().keySet()) {
      if (classGauges.size() < WindowStats.MAX_CLASSES + 1 && classGauges.add(key)) {
        gauge(
            "mlsys_monitor_class_ratio",
            "Share of rows predicted as this class over the sliding window",
            tags().and("class", key),
            s -> orNaN(s.current().classShares().get(key)));
      }
    }
  }

  private static double orNaN(Double value) {
    return value == null ? Double.NaN : value;
  }

  @Override
  public InferResponse infer(InferRequest request, CallContext context) {
    Instant start = context.clock().instant();
    InferResponse response = null;
    try {
      response = delegate().infer(request, context);
      return response;
    } finally {
      if (!closed
          && !queue.offer(new Observation(start, context.clock().instant(), request, response))) {
        dropped.increment();
      }
    }
  }

  private void run() {
    while (!closed) {
      Object first;
      try {
        first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      List<CompletableFuture<MonitorState>> asked = new ArrayList<>();
      if (first != null) {
        take(first, asked);
        for (int i = 0; i < DRAIN_BATCH && asked.isEmpty(); i++) {
          Object next = queue.poll();
          if (next == null) {
            break;
          }
          take(next, asked);
        }
      }
      Instant now = clock.instant();
      if (first == null
          || !asked.isEmpty()
          || queue.isEmpty()
          || !now.isBefore(lastPublish.plus(PUBLISH_PERIOD))) {
        publish(now);
      }
      asked.forEach(future -> future.complete(state));
    }
  }

  @SuppressWarnings("unchecked")
  private void take(Object item, List<CompletableFuture<MonitorState>> asked) {
    if (item instanceof Observation observation) {
      observe(observation);
    } else {
      asked.add((CompletableFuture<MonitorState>) item);
    }
  }

  private void observe(Observation observation) {
    try {
      monitor.observe(observation);
    } catch (RuntimeException e) {
      failures.increment();
      LOG.log(Level.WARNING, "monitor of " + name + " v" + version + " skipped a call", e);
    }
  }

  private void publish(Instant now) {
    try {
      MonitorState computed = monitor.state(now);
      List<Alert> firing = alerts.evaluate(computed);
      MonitorState published =
          new MonitorState(
              computed.model(),
              computed.version(),
              computed.time(),
              computed.baseline(),
              computed.windowSeconds(),
              computed.slidingWindows(),
              computed.current(),
              computed.features(),
              computed.history(),
              firing,
              (long) dropped.count(),
              computed.estimatedBytes());
      state = published;
      lastPublish = now;
      classGauges(published);
    } catch (RuntimeException e) {
      failures.increment();
      LOG.log(Level.WARNING, "monitor of " + name + " v" + version + " failed to publish", e);
    }
  }

  /** The last published state (at most {@link #PUBLISH_PERIOD} behind while calls come). */
  MonitorState state() {
    return state;
  }

  /**
   * A state that includes every call answered before this one asked: the monitor thread computes it
   * once it folded them in. Waits at most {@code wait}; then (or when the queue is full) the last
   * published state.
   */
  MonitorState freshState(Duration wait) {
    CompletableFuture<MonitorState> asked = new CompletableFuture<>();
    if (closed || !queue.offer(asked)) {
      return state;
    }
    try {
      return asked.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return state;
    } catch (ExecutionException | TimeoutException e) {
      return state;
    }
  }

  String monitorName() {
    return name;
  }

  /** The monitor; only its immutable settings may be read from other threads. */
  ModelMonitor monitor() {
    return monitor;
  }

  @Override
  public void close() {
    closed = true;
    worker.interrupt();
    try {
      worker.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    monitors.unregister(this);
    registered.forEach(meters::remove);
    if (outliers != null) {
      outliers.close();
    }
    super.close();
  }

  /** Passes the context on without reading the graph path. */
  @Override
  public boolean readsGraphPath() {
    return delegate().readsGraphPath();
  }
}
