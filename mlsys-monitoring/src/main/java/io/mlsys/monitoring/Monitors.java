package io.mlsys.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The server's monitors: every monitored model version registers here while it serves, so {@code
 * GET /v2/models/{m}/monitor} can show them; the alert webhooks are shared (one sender per URL).
 * One per server, a {@link io.mlsys.core.spi.SharedResources} entry; thread-safe.
 */
public final class Monitors implements AutoCloseable {
  /** How long a state request waits for the monitor thread to fold in the calls before it. */
  static final java.time.Duration FRESH_STATE_WAIT = java.time.Duration.ofSeconds(2);

  private final Clock clock;
  private final MeterRegistry meters;
  private final ObjectMapper mapper = MonitorJson.mapper();
  private final Map<String, List<MonitoredModel>> byModel = new ConcurrentHashMap<>();
  private final Map<String, AlertWebhook> webhooks = new HashMap<>();
  private volatile BaselineSource baselines = (model, version) -> Optional.empty();

  public Monitors(Clock clock, MeterRegistry meters) {
    this.clock = clock;
    this.meters = meters;
  }

  /** Sets where versions without a baseline file find theirs (the server's registry). */
  public void baselines(BaselineSource source) {
    this.baselines = source;
  }

  BaselineSource baselines() {
    return baselines;
  }

  void register(MonitoredModel model) {
    byModel.computeIfAbsent(model.monitorName(), key -> new CopyOnWriteArrayList<>()).add(model);
  }

  void unregister(MonitoredModel model) {
    List<MonitoredModel> models = byModel.get(model.monitorName());
    if (models != null) {
      models.remove(model);
    }
  }

  synchronized AlertWebhook webhook(WebhookConfig config) {
    return webhooks.computeIfAbsent(
        config.url(), url -> new AlertWebhook(config, mapper, clock, meters));
  }

  /**
   * The states of a model's monitored versions, newest version first, each including every call
   * answered before (unless its monitor lags by more than two seconds); empty when none.
   */
  public List<MonitorState> states(String model) {
    List<MonitoredModel> models = byModel.getOrDefault(model, List.of());
    List<MonitorState> states = new ArrayList<>();
    for (MonitoredModel monitored : models) {
      states.add(monitored.freshState(FRESH_STATE_WAIT));
    }
    states.sort(
        Comparator.comparing(
                (MonitorState state) -> state.version() == null ? "" : state.version(),
                Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder()))
            .reversed());
    return states;
  }

  /** {@code {"model": m, "versions": [state, ...]}}, or empty when the model is not monitored. */
  public Optional<byte[]> stateJson(String model) {
    List<MonitorState> states = states(model);
    if (states.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", model);
    body.put("versions", states);
    try {
      return Optional.of(mapper.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("monitor state of " + model + " as JSON", e);
    }
  }

  /**
   * Report options for a model over a time range: the settings (window, thresholds) and baseline of
   * its monitored version {@code version} (or, when null, of its newest monitored version); the
   * default settings and no baseline (no drift) when it is not monitored.
   */
  public MonitorReport.Options reportOptions(
      String model, String version, java.time.Instant from, java.time.Instant to) {
    MonitoredModel chosen = null;
    for (MonitoredModel monitored : byModel.getOrDefault(model, List.of())) {
      String candidate = monitored.monitor().version();
      if (version != null ? version.equals(candidate) : newer(candidate, chosen)) {
        chosen = monitored;
      }
    }
    return chosen == null
        ? new MonitorReport.Options(model, version, from, to, MonitoringConfig.defaults(), null)
        : new MonitorReport.Options(
            model, version, from, to, chosen.monitor().config(), chosen.monitor().baseline());
  }

  private static boolean newer(String version, MonitoredModel than) {
    if (than == null) {
      return true;
    }
    String other = than.monitor().version();
    Comparator<String> order =
        Comparator.nullsFirst(
            Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder()));
    return order.compare(version, other) > 0;
  }

  ObjectMapper mapper() {
    return mapper;
  }

  @Override
  public synchronized void close() {
    webhooks.values().forEach(AlertWebhook::close);
    webhooks.clear();
  }
}
