package io.mlsys.server;

import static io.mlsys.server.MlflowRegistryEndpoints.PREFIX;
import static io.mlsys.server.MlflowRegistryEndpoints.add;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.mlsys.core.ErrorMessages;
import io.mlsys.core.InvalidInputException;
import io.mlsys.registry.Page;
import io.mlsys.registry.SearchLimits;
import io.mlsys.registry.SearchQuery;
import io.mlsys.registry.tracking.Experiment;
import io.mlsys.registry.tracking.Metric;
import io.mlsys.registry.tracking.Run;
import io.mlsys.registry.tracking.RunStatus;
import io.mlsys.registry.tracking.TrackingStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tracking calls of MLflow's REST API that lineage needs ({@code
 * /api/2.0/mlflow/experiments/...}, {@code .../runs/...}, {@code .../metrics/get-history}):
 * experiments, runs, parameters, metrics and tags, as MLflow 2.x's {@code service.proto} has them.
 */
final class MlflowTrackingEndpoints {
  static final List<String> VIEW_TYPES = List.of("ACTIVE_ONLY", "DELETED_ONLY", "ALL");

  private final RegistryHandle registry;
  private final Clock clock;

  MlflowTrackingEndpoints(RegistryHandle registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  void addTo(RouteTable routes) {
    String experiments = PREFIX + "/experiments/";
    String runs = PREFIX + "/runs/";
    add(routes, Method.POST, experiments + "create", Access.MANAGE, this::createExperiment);
    add(routes, Method.GET, experiments + "get", Access.READ, this::getExperiment);
    add(routes, Method.GET, experiments + "get-by-name", Access.READ, this::experimentByName);
    add(routes, Method.POST, experiments + "search", Access.READ, this::searchExperiments);
    add(routes, Method.GET, experiments + "search", Access.READ, this::searchExperiments);
    add(routes, Method.POST, experiments + "delete", Access.MANAGE, this::deleteExperiment);
    add(
        routes,
        Method.POST,
        experiments + "set-experiment-tag",
        Access.MANAGE,
        this::setExperimentTag);
    add(routes, Method.POST, runs + "create", Access.MANAGE, this::createRun);
    add(routes, Method.GET, runs + "get", Access.READ, this::getRun);
    add(routes, Method.POST, runs + "update", Access.MANAGE, this::updateRun);
    add(routes, Method.POST, runs + "search", Access.READ, this::searchRuns);
    add(routes, Method.POST, runs + "delete", Access.MANAGE, this::deleteRun);
    add(routes, Method.POST, runs + "log-metric", Access.MANAGE, this::logMetric);
    add(routes, Method.POST, runs + "log-parameter", Access.MANAGE, this::logParam);
    add(routes, Method.POST, runs + "log-batch", Access.MANAGE, this::logBatch);
    add(routes, Method.POST, runs + "set-tag", Access.MANAGE, this::setTag);
    add(routes, Method.POST, runs + "delete-tag", Access.MANAGE, this::deleteTag);
    add(routes, Method.GET, PREFIX + "/metrics/get-history", Access.READ, this::metricHistory);
  }

  private TrackingStore tracking() {
    return registry.get().tracking();
  }

  // experiments

  private Reply createExperiment(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    String id =
        tracking()
            .createExperiment(
                request.required("name"),
                request.string("artifact_location"),
                request.keyValues("tags"));
    ObjectNode json = MlflowJson.object();
    json.put("experiment_id", id);
    return MlflowJson.reply(json);
  }

  private Reply getExperiment(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    return experimentReply(tracking().experiment(request.required("experiment_id")));
  }

  private Reply experimentByName(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    return experimentReply(tracking().experimentByName(request.required("experiment_name")));
  }

  private Reply searchExperiments(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    Page<Experiment> page =
        tracking()
            .searchExperiments(
                query(request, SearchLimits.EXPERIMENTS_DEFAULT, SearchLimits.EXPERIMENTS_MAX),
                viewType(request, "view_type"));
    ObjectNode json = MlflowJson.object();
    if (!page.items().isEmpty()) {
      ArrayNode list = json.putArray("experiments");
      page.items().forEach(experiment -> list.add(MlflowJson.experiment(experiment)));
    }
    MlflowRegistryEndpoints.nextPageToken(json, page);
    return MlflowJson.reply(json);
  }

  private Reply deleteExperiment(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    tracking().deleteExperiment(request.required("experiment_id"));
    return MlflowJson.empty();
  }

  private Reply setExperimentTag(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    tracking()
        .setExperimentTag(
            request.required("experiment_id"),
            request.required("key"),
            valueOrEmpty(request.string("value")));
    return MlflowJson.empty();
  }

  // runs

  /**
   * Creates a run, in experiment {@code 0} when none is named (as MLflow). Its user is the
   * authenticated caller when there is one, else the {@code user_id} the client sends.
   */
  private Reply createRun(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    String experimentId = request.string("experiment_id");
    Long startTime = request.optionalLong("start_time");
    Identity caller = exchange.caller();
    String user = caller != null ? caller.user() : request.string("user_id");
    Run run =
        tracking()
            .createRun(
                experimentId == null ? TrackingStore.DEFAULT_EXPERIMENT_ID : experimentId,
                user == null ? GraphEndpoints.ANONYMOUS : user,
                request.string("run_name"),
                startTime == null ? clock.millis() : startTime,
                request.keyValues("tags"));
    return runReply(run);
  }

  private Reply getRun(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    return runReply(tracking().run(request.runId()));
  }

  private Reply updateRun(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    String status = request.string("status");
    Run run =
        tracking()
            .updateRun(
                request.runId(),
                status == null ? null : runStatus(status),
                request.optionalLong("end_time"),
                request.string("run_name"));
    ObjectNode json = MlflowJson.object();
    json.set("run_info", MlflowJson.runInfo(run));
    return MlflowJson.reply(json);
  }

  private Reply searchRuns(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    Page<Run> page =
        tracking()
            .searchRuns(
                request.strings("experiment_ids"),
                query(request, SearchLimits.RUNS_DEFAULT, SearchLimits.RUNS_MAX),
                viewType(request, "run_view_type"));
    ObjectNode json = MlflowJson.object();
    if (!page.items().isEmpty()) {
      ArrayNode list = json.putArray("runs");
      page.items().forEach(run -> list.add(MlflowJson.run(run)));
    }
    MlflowRegistryEndpoints.nextPageToken(json, page);
    return MlflowJson.reply(json);
  }

  private Reply deleteRun(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    tracking().deleteRun(request.runId());
    return MlflowJson.empty();
  }

  private Reply logMetric(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    String runId = request.runId();
    Long step = request.optionalLong("step");
    Metric metric =
        new Metric(
            request.required("key"),
            request.requiredDouble("value"),
            request.requiredLong("timestamp"),
            step == null ? 0 : step);
    tracking().logMetric(runId, metric);
    return MlflowJson.empty();
  }

  private Reply logParam(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    tracking()
        .logParam(request.runId(), request.required("key"), valueOrEmpty(request.string("value")));
    return MlflowJson.empty();
  }

  private Reply logBatch(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    String runId = request.runId();
    List<Metric> metrics = new ArrayList<>();
    List<JsonNode> written = request.objects("metrics");
    for (int i = 0; i < written.size(); i++) {
      JsonNode metric = written.get(i);
      String path = "metrics[" + i + "]";
      String key = MlflowRequest.text(metric, "key", path);
      if (key == null || key.isEmpty()) {
        throw MlflowRequest.missing(path + ".key");
      }
      JsonNode value = metric.get("value");
      if (value == null || value.isNull()) {
        throw MlflowRequest.missing(path + ".value");
      }
      metrics.add(
          new Metric(
              key,
              MlflowRequest.doubleOf(path + ".value", value),
              MlflowRequest.longOf(metric, "timestamp", path, null),
              MlflowRequest.longOf(metric, "step", path, 0L)));
    }
    tracking().logBatch(runId, metrics, request.keyValues("params"), request.keyValues("tags"));
    return MlflowJson.empty();
  }

  private Reply setTag(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    tracking()
        .setTag(request.runId(), request.required("key"), valueOrEmpty(request.string("value")));
    return MlflowJson.empty();
  }

  private Reply deleteTag(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    tracking().deleteTag(request.runId(), request.required("key"));
    return MlflowJson.empty();
  }

  private Reply metricHistory(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    Page<Metric> page =
        tracking()
            .metricHistory(
                request.runId(),
                request.required("metric_key"),
                request.maxResults(
                    SearchLimits.METRIC_HISTORY_MAX, SearchLimits.METRIC_HISTORY_MAX),
                request.string("page_token"));
    ObjectNode json = MlflowJson.object();
    if (!page.items().isEmpty()) {
      ArrayNode list = json.putArray("metrics");
      page.items().forEach(metric -> list.add(MlflowJson.metric(metric)));
    }
    MlflowRegistryEndpoints.nextPageToken(json, page);
    return MlflowJson.reply(json);
  }

  // requests and answers

  private static SearchQuery query(MlflowRequest request, int defaultPage, int maxPage) {
    return new SearchQuery(
        request.string("filter"),
        request.strings("order_by"),
        request.maxResults(defaultPage, maxPage),
        request.string("page_token"));
  }

  /**
   * A {@code ViewType}: its name, or its protobuf number ({@code 1} active only, {@code 2} deleted
   * only, {@code 3} all), as clients send either; {@code ACTIVE_ONLY} when absent.
   */
  static String viewType(MlflowRequest request, String field) {
    String text = request.string(field);
    if (text == null) {
      return VIEW_TYPES.getFirst();
    }
    String upper = text.strip().toUpperCase(Locale.ROOT);
    if (VIEW_TYPES.contains(upper)) {
      return upper;
    }
    try {
      int number = Integer.parseInt(upper);
      if (number >= 1 && number <= VIEW_TYPES.size()) {
        return VIEW_TYPES.get(number - 1);
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new InvalidInputException(
        field, "'" + ErrorMessages.excerpt(text) + "' (expected: one of " + VIEW_TYPES + ")");
  }

  private static RunStatus runStatus(String text) {
    try {
      return RunStatus.valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "status",
          "'"
              + ErrorMessages.excerpt(text)
              + "' (expected: one of "
              + List.of(RunStatus.values())
              + ")");
    }
  }

  private static Reply experimentReply(Experiment experiment) {
    ObjectNode json = MlflowJson.object();
    json.set("experiment", MlflowJson.experiment(experiment));
    return MlflowJson.reply(json);
  }

  private static Reply runReply(Run run) {
    ObjectNode json = MlflowJson.object();
    json.set("run", MlflowJson.run(run));
    return MlflowJson.reply(json);
  }

  private static String valueOrEmpty(String value) {
    return value == null ? "" : value;
  }
}
