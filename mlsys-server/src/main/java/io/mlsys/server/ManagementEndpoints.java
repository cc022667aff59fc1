package io.mlsys.server;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.protocol.OipJson;
import io.mlsys.repository.ModelState;
import io.mlsys.repository.ModelStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Health, server and model metadata, model list and statistics, the repository extension, KServe V1
 * model status and the Prometheus scrape.
 */
final class ManagementEndpoints {
  static final String SERVER_NAME = "mlsys";

  /** Extensions named in {@code GET /v2}. */
  static final List<String> EXTENSIONS =
      List.of(
          "model_repository",
          "model_list",
          "statistics",
          "kserve_v1",
          "metrics",
          "binary_tensor_data",
          "inference_graphs");

  private static final Header PROMETHEUS_TEXT =
      HeaderValues.createCached(
          HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");

  /**
   * A listener cannot accept connections: not an exception of a request, so not in HttpError.of.
   */
  private static final HttpError TRANSPORT_DOWN = new HttpError(503, "transport_down", null);

  private final ServedModels served;
  private final OipJson oipJson;
  private final ServerMetrics metrics;
  private final byte[] serverMetadata;
  private final TransportHealth transports;

  ManagementEndpoints(
      ServedModels served,
      OipJson oipJson,
      ServerMetrics metrics,
      String version,
      TransportHealth transports) {
    this.served = served;
    this.transports = transports;
    this.oipJson = oipJson;
    this.metrics = metrics;
    this.serverMetadata = JsonDocuments.serverMetadata(SERVER_NAME, version, EXTENSIONS);
  }

  /**
   * {@code GET /v2/health/live}: 200 as soon as the server serves, 503 while a listener is down.
   */
  Reply live(Exchange exchange) {
    return transports.isUp() ? Reply.noContent() : transportDown();
  }

  /**
   * {@code GET /v2/health/ready}: 200 when every model that should be served is ready (an
   * explicitly unloaded model is not expected), else 503 naming the first that is not.
   */
  Reply ready(Exchange exchange) {
    if (!transports.isUp()) {
      return transportDown();
    }
    if (served.isReady()) {
      return Reply.noContent();
    }
    List<ModelStatus> unready = served.unready();
    if (!unready.isEmpty()) {
      throw notReady(unready.getFirst());
    }
    throw new ModelNotReadyException("*", "the model repository is not loaded yet");
  }

  /** {@code GET /v2}. */
  Reply serverMetadata(Exchange exchange) {
    return Reply.json(serverMetadata);
  }

  /** {@code GET /v2/models/{m}[/versions/{v}]}: 404 unknown, 503 not loaded. */
  Reply modelMetadata(Exchange exchange) {
    String model = exchange.pathParameter("model");
    String version = exchange.pathParameter("version");
    return Reply.json(
        oipJson.writeModelMetadata(served.metadata(model, version), served.versions(model)));
  }

  /** {@code GET /v2/models/{m}[/versions/{v}]/ready}: 200, 503 not ready, 404 unknown. */
  Reply modelReady(Exchange exchange) {
    String model = exchange.pathParameter("model");
    String version = exchange.pathParameter("version");
    List<ModelStatus> statuses = statuses(model, version);
    if (served.isModelReady(model, version)) {
      return Reply.noContent();
    }
    throw notReady(statuses.getFirst());
  }

  /** {@code GET /v2/models}: every model version with its state and reason. */
  Reply modelList(Exchange exchange) {
    return Reply.json(JsonDocuments.modelList(served.index()));
  }

  /** {@code GET /v2/models/{m}[/versions/{v}]/stats}. */
  Reply statistics(Exchange exchange) {
    String model = exchange.pathParameter("model");
    String version = exchange.pathParameter("version");
    List<VersionStats.Snapshot> snapshots = new ArrayList<>();
    for (ModelStatus status : statuses(model, version)) {
      snapshots.add(metrics.stats(status.name(), status.version()));
    }
    return Reply.json(JsonDocuments.statistics(snapshots));
  }

  /** {@code POST /v2/served/index}, optionally {@code {"ready": true}}. */
  Reply repositoryIndex(Exchange exchange) {
    boolean readyOnly = JsonDocuments.readIndexRequest(exchange.body());
    List<ModelStatus> statuses = served.index();
    if (readyOnly) {
      statuses = statuses.stream().filter(s -> s.state() == ModelState.READY).toList();
    }
    return Reply.json(JsonDocuments.repositoryIndex(statuses));
  }

  /** {@code POST /v2/served/models/{m}/load}: 404 unknown, 400 when loading fails. */
  Reply load(Exchange exchange) {
    JsonDocuments.readLoadRequest(exchange.body());
    served.load(exchange.pathParameter("model"));
    return Reply.json(JsonDocuments.EMPTY_OBJECT);
  }

  /** {@code POST /v2/served/models/{m}/unload}: 404 unknown. */
  Reply unload(Exchange exchange) {
    JsonDocuments.readLoadRequest(exchange.body());
    served.unload(exchange.pathParameter("model"));
    return Reply.json(JsonDocuments.EMPTY_OBJECT);
  }

  /** KServe V1 {@code GET /v1/models/{m}}: {@code {"name", "ready"}}. */
  Reply v1ModelStatus(Exchange exchange) {
    String model = exchange.pathParameter("model");
    statuses(model, null);
    return Reply.json(JsonDocuments.v1ModelStatus(model, served.isModelReady(model, null)));
  }

  /** {@code GET /metrics}: Prometheus text. */
  Reply prometheus(Exchange exchange) {
    return Reply.of(
        200, metrics.registry().scrape().getBytes(StandardCharsets.UTF_8), PROMETHEUS_TEXT);
  }

  /** The index entries of a model (one version if given); throws 404 when there are none. */
  private List<ModelStatus> statuses(String model, String version) {
    boolean known = false;
    List<ModelStatus> statuses = new ArrayList<>();
    for (ModelStatus status : served.index()) {
      if (status.name().equals(model)) {
        known = true;
        if (version == null || version.equals(status.version())) {
          statuses.add(status);
        }
      }
    }
    if (statuses.isEmpty()) {
      throw new ModelNotFoundException(model, known ? version : null);
    }
    return statuses;
  }

  private Reply transportDown() {
    return Reply.error(TRANSPORT_DOWN, transports.problem());
  }

  private static ModelNotReadyException notReady(ModelStatus status) {
    String reason = status.reason().isEmpty() ? "" : ": " + status.reason();
    String subject = status.version() == null ? "it" : "version " + status.version();
    return new ModelNotReadyException(status.name(), subject + " is " + status.state() + reason);
  }
}
