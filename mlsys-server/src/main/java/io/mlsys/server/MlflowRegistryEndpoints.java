package io.mlsys.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.mlsys.core.ErrorMessages;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.registry.Lineage;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.NewModel;
import io.mlsys.registry.NewVersion;
import io.mlsys.registry.Page;
import io.mlsys.registry.RegisteredModel;
import io.mlsys.registry.RegistryStore;
import io.mlsys.registry.SearchLimits;
import io.mlsys.registry.SearchQuery;
import io.mlsys.registry.VersionStatus;
import io.mlsys.registry.tracking.Metric;
import io.mlsys.registry.tracking.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MLflow's model registry REST API ({@code /api/2.0/mlflow/registered-models/...} and {@code
 * .../model-versions/...}) over the {@link ModelRegistry}: the calls, parameters and answers of
 * MLflow 2.x's {@code model_registry.proto}. Registering a version copies its artifact into the
 * artifact store and loads it once ({@link ModelRegistry#register}), so it answers READY or fails.
 */
final class MlflowRegistryEndpoints {
  static final String PREFIX = "/api/2.0/mlflow";

  static final List<String> STAGES = List.of("None", "Staging", "Production", "Archived");

  /** MLflow's tag holding the commit of the code that made a run. */
  static final String GIT_COMMIT_TAG = "mlflow.source.git.commit";

  private final RegistryHandle registry;

  MlflowRegistryEndpoints(RegistryHandle registry) {
    this.registry = registry;
  }

  void addTo(RouteTable routes) {
    String models = PREFIX + "/registered-models/";
    String versions = PREFIX + "/model-versions/";
    add(routes, Method.POST, models + "create", Access.MANAGE, this::createModel);
    add(routes, Method.GET, models + "get", Access.READ, this::getModel);
    add(routes, Method.GET, models + "search", Access.READ, this::searchModels);
    add(routes, Method.PATCH, models + "update", Access.MANAGE, this::updateModel);
    add(routes, Method.POST, models + "rename", Access.MANAGE, this::renameModel);
    add(routes, Method.DELETE, models + "delete", Access.MANAGE, this::deleteModel);
    // Read with POST by the Python client, with GET by the Java client.
    add(routes, Method.POST, models + "get-latest-versions", Access.READ, this::latestVersions);
    add(routes, Method.GET, models + "get-latest-versions", Access.READ, this::latestVersions);
    add(routes, Method.POST, models + "set-tag", Access.MANAGE, this::setModelTag);
    add(routes, Method.DELETE, models + "delete-tag", Access.MANAGE, this::deleteModelTag);
    add(routes, Method.POST, models + "alias", Access.MANAGE, this::setAlias);
    add(routes, Method.DELETE, models + "alias", Access.MANAGE, this::deleteAlias);
    add(routes, Method.GET, models + "alias", Access.READ, this::versionByAlias);
    add(routes, Method.POST, versions + "create", Access.MANAGE, this::createVersion);
    add(routes, Method.GET, versions + "get", Access.READ, this::getVersion);
    add(routes, Method.GET, versions + "search", Access.READ, this::searchVersions);
    add(routes, Method.PATCH, versions + "update", Access.MANAGE, this::updateVersion);
    add(routes, Method.DELETE, versions + "delete", Access.MANAGE, this::deleteVersion);
    add(routes, Method.POST, versions + "set-tag", Access.MANAGE, this::setVersionTag);
    add(routes, Method.DELETE, versions + "delete-tag", Access.MANAGE, this::deleteVersionTag);
    add(routes, Method.GET, versions + "get-download-uri", Access.READ, this::downloadUri);
    add(routes, Method.POST, versions + "transition-stage", Access.MANAGE, this::transitionStage);
  }

  /** Adds an MLflow route: its errors, the guard's included, in MLflow's format. */
  static void add(RouteTable routes, Method method, String path, Access access, Route route) {
    routes.add(method, path, Protocol.MANAGEMENT, access, route, MlflowError::around);
  }

  /** Who asks, for the audit: the authenticated user, else as the /v2 management API names it. */
  static String actor(Exchange exchange) {
    return GraphEndpoints.caller(exchange);
  }

  private RegistryStore store() {
    return registry.get().store();
  }

  // registered-models

  private Reply createModel(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    String actor = actor(exchange);
    RegisteredModel created =
        store()
            .createModel(
                new NewModel(
                    request.required("name"),
                    request.string("description"),
                    actor,
                    request.keyValues("tags")),
                actor);
    return MlflowJson.reply(withModel(MlflowJson.object(), "registered_model", created, List.of()));
  }

  private Reply getModel(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    RegisteredModel model = store().model(request.required("name"));
    return MlflowJson.reply(
        withModel(MlflowJson.object(), "registered_model", model, latest(model.name())));
  }

  private Reply searchModels(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    Page<RegisteredModel> page =
        store()
            .searchModels(
                new SearchQuery(
                    request.string("filter"),
                    request.strings("order_by"),
                    request.maxResults(
                        SearchLimits.REGISTERED_MODELS_DEFAULT, SearchLimits.REGISTERED_MODELS_MAX),
                    request.string("page_token")));
    ObjectNode json = MlflowJson.object();
    if (!page.items().isEmpty()) {
      ArrayNode models = json.putArray("registered_models");
      for (RegisteredModel model : page.items()) {
        models.add(MlflowJson.registeredModel(model, latest(model.name())));
      }
    }
    nextPageToken(json, page);
    return MlflowJson.reply(json);
  }

  private Reply updateModel(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    String name = request.required("name");
    RegisteredModel model =
        store().updateModel(name, request.string("description"), actor(exchange));
    return MlflowJson.reply(
        withModel(MlflowJson.object(), "registered_model", model, latest(name)));
  }

  private Reply renameModel(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    String newName = request.required("new_name");
    RegisteredModel model = store().renameModel(request.required("name"), newName, actor(exchange));
    return MlflowJson.reply(
        withModel(MlflowJson.object(), "registered_model", model, latest(model.name())));
  }

  private Reply deleteModel(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    store().deleteModel(request.required("name"), actor(exchange));
    return MlflowJson.empty();
  }

  /**
   * {@code get-latest-versions}: per stage, the highest version in it (MLflow's meaning, stage
   * {@code None} unless set); every stage when none is named.
   */
  private Reply latestVersions(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    String name = request.required("name");
    List<String> stages = new ArrayList<>();
    for (String stage : request.strings("stages")) {
      stages.add(stage(stage, "stages"));
    }
    List<ModelVersion> versions = store().latestVersions(name, stages);
    ObjectNode json = MlflowJson.object();
    versions(json, "model_versions", versions);
    return MlflowJson.reply(json);
  }

  private Reply setModelTag(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    store()
        .setModelTag(
            request.required("name"),
            request.required("key"),
            valueOrEmpty(request.string("value")),
            actor(exchange));
    return MlflowJson.empty();
  }

  private Reply deleteModelTag(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    store().deleteModelTag(request.required("name"), request.required("key"), actor(exchange));
    return MlflowJson.empty();
  }

  // aliases

  /** Moves an alias under its promotion rule and approval ({@link ModelRegistry#setAlias}). */
  private Reply setAlias(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    String name = request.required("name");
    String alias = request.required("alias");
    long version = request.version("version");
    registry.get().setAlias(name, alias, version, actor(exchange));
    return MlflowJson.empty();
  }

  private Reply deleteAlias(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    store().deleteAlias(request.required("name"), request.required("alias"), actor(exchange));
    return MlflowJson.empty();
  }

  private Reply versionByAlias(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    ModelVersion version =
        store().versionByAlias(request.required("name"), request.required("alias"));
    return versionReply(version);
  }

  // model-versions

  /**
   * Registers a version: the source must be an allowed local path or a run artifact; with a {@code
   * run_id} (of this server's tracking), the run's parameters, latest metrics and commit become the
   * version's lineage.
   */
  private Reply createVersion(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    String name = request.required("name");
    String source = request.required("source");
    String runId = request.string("run_id");
    Lineage lineage = runId == null ? Lineage.NONE : lineageOf(runId);
    ModelRegistry opened = registry.get();
    ModelVersion version =
        opened.register(
            new NewVersion(
                name,
                source,
                request.string("description"),
                null,
                lineage,
                null,
                null,
                request.keyValues("tags")),
            actor(exchange));
    return versionReply(version);
  }

  private Lineage lineageOf(String runId) {
    Run run;
    try {
      run = registry.get().tracking().run(runId);
    } catch (ResourceNotFoundException e) {
      throw new InvalidInputException(
          "run_id",
          "no run '"
              + ErrorMessages.excerpt(runId)
              + "' in this server's tracking (expected: a run of runs/create)");
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (Metric metric : run.metrics()) {
      metrics.put(metric.key(), metric.value());
    }
    return new Lineage(
        runId, null, null, null, run.params(), metrics, run.tags().get(GIT_COMMIT_TAG), Map.of());
  }

  private Reply getVersion(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    return versionReply(store().version(request.required("name"), request.version("version")));
  }

  private Reply searchVersions(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    Page<ModelVersion> page =
        store()
            .searchVersions(
                new SearchQuery(
                    request.string("filter"),
                    request.strings("order_by"),
                    request.maxResults(
                        SearchLimits.MODEL_VERSIONS_DEFAULT, SearchLimits.MODEL_VERSIONS_MAX),
                    request.string("page_token")));
    ObjectNode json = MlflowJson.object();
    versions(json, "model_versions", page.items());
    nextPageToken(json, page);
    return MlflowJson.reply(json);
  }

  private Reply updateVersion(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    ModelVersion version =
        store()
            .updateVersion(
                request.required("name"),
                request.version("version"),
                request.string("description"),
                actor(exchange));
    return versionReply(version);
  }

  private Reply deleteVersion(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    store().deleteVersion(request.required("name"), request.version("version"), actor(exchange));
    return MlflowJson.empty();
  }

  private Reply setVersionTag(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    store()
        .setVersionTag(
            request.required("name"),
            request.version("version"),
            request.required("key"),
            valueOrEmpty(request.string("value")),
            actor(exchange));
    return MlflowJson.empty();
  }

  private Reply deleteVersionTag(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    store()
        .deleteVersionTag(
            request.required("name"),
            request.version("version"),
            request.required("key"),
            actor(exchange));
    return MlflowJson.empty();
  }

  /**
   * Where a client downloads the version's files: the registered (verified, immutable) copy in the
   * artifact store, served read-only by the mlflow-artifacts API; the source while it is not READY.
   */
  private Reply downloadUri(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    ModelVersion version = store().version(request.required("name"), request.version("version"));
    String uri =
        version.status() == VersionStatus.READY && version.artifactDigest() != null
            ? MlflowArtifactEndpoints.registeredArtifactUri(version.artifactDigest())
            : version.source();
    ObjectNode json = MlflowJson.object();
    json.put("artifact_uri", uri);
    return MlflowJson.reply(json);
  }

  private Reply transitionStage(Exchange exchange) {
    MlflowRequest request = MlflowRequest.of(exchange);
    String name = request.required("name");
    long number = request.version("version");
    String stage = stage(request.required("stage"), "stage");
    ModelVersion version =
        store()
            .setStage(
                name,
                number,
                stage,
                request.bool("archive_existing_versions", false),
                actor(exchange));
    return versionReply(version);
  }

  // JSON

  private List<ModelVersion> latest(String model) {
    return store().latestVersions(model, List.of());
  }

  private static ObjectNode withModel(
      ObjectNode json, String field, RegisteredModel model, List<ModelVersion> latest) {
    json.set(field, MlflowJson.registeredModel(model, latest));
    return json;
  }

  private static Reply versionReply(ModelVersion version) {
    ObjectNode json = MlflowJson.object();
    json.set("model_version", MlflowJson.modelVersion(version));
    return MlflowJson.reply(json);
  }

  private static void versions(ObjectNode json, String field, List<ModelVersion> versions) {
    if (versions.isEmpty()) {
      return;
    }
    ArrayNode list = json.putArray(field);
    versions.forEach(version -> list.add(MlflowJson.modelVersion(version)));
  }

  static void nextPageToken(ObjectNode json, Page<?> page) {
    if (page.nextPageToken() != null && !page.nextPageToken().isEmpty()) {
      json.put("next_page_token", page.nextPageToken());
    }
  }

  /** MLflow's stage names, matched without regard to case as MLflow does. */
  static String stage(String text, String field) {
    for (String stage : STAGES) {
      if (stage.equalsIgnoreCase(text.strip())) {
        return stage;
      }
    }
    throw new InvalidInputException(
        field,
        "'" + ErrorMessages.excerpt(text) + "' is not a stage (expected: one of " + STAGES + ")");
  }

  private static String valueOrEmpty(String value) {
    return value == null ? "" : value;
  }
}
