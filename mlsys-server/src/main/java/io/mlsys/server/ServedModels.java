package io.mlsys.server;

import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.core.Predictor;
import io.mlsys.graph.Graphs;
import io.mlsys.repository.ModelRepository;
import io.mlsys.repository.ModelState;
import io.mlsys.repository.ModelStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Everything a transport serves by name, as one lookup shared by REST and gRPC: the repository's
 * models and the inference graphs of the current config generation, which are served like models
 * (one version, {@value #GRAPH_VERSION}).
 */
final class ServedModels {
  static final String GRAPH_VERSION = "1";

  private final ModelRepository repository;
  private final AtomicReference<Graphs> graphs = new AtomicReference<>(Graphs.empty());

  /** Graph names of the config whose graphs are not built yet (they wait for their models). */
  private volatile Set<String> pendingGraphs;

  ServedModels(ModelRepository repository) {
    this(repository, Set.of());
  }

  ServedModels(ModelRepository repository, Set<String> configuredGraphs) {
    this.repository = repository;
    this.pendingGraphs = Set.copyOf(configuredGraphs);
  }

  ModelRepository repository() {
    return repository;
  }

  /** The graphs now served. */
  Graphs graphs() {
    return graphs.get();
  }

  /** Serves a new generation of graphs; returns the one it replaces, for the caller to close. */
  Graphs replaceGraphs(Graphs next) {
    Graphs previous = graphs.getAndSet(next);
    pendingGraphs = Set.of();
    return previous;
  }

  /**
   * The predictor for {@code name} at {@code version} (null: the default version).
   *
   * @throws ModelNotFoundException when unknown
   */
  Predictor predictor(String name, String version) {
    Graphs current = graphs.get();
    if (current.contains(name)) {
      checkGraphVersion(name, version);
      return current.predictor(name);
    }
    checkNotPending(name);
    return repository.predictor(name, version);
  }

  /**
   * @throws ModelNotFoundException when unknown
   * @throws ModelNotReadyException when known but not loaded
   */
  ModelMetadata metadata(String name, String version) {
    Graphs current = graphs.get();
    if (current.contains(name)) {
      checkGraphVersion(name, version);
      return current.metadata(name);
    }
    checkNotPending(name);
    return repository.metadata(name, version);
  }

  /** The served versions of {@code name}, highest first. */
  List<String> versions(String name) {
    if (graphs.get().contains(name) || pendingGraphs.contains(name)) {
      return List.of(GRAPH_VERSION);
    }
    return repository.versions(name);
  }

  /** Whether that version (null: any) is ready; never throws. */
  boolean isModelReady(String name, String version) {
    Graphs current = graphs.get();
    if (current.contains(name)) {
      return (version == null || version.equals(GRAPH_VERSION)) && current.isReady(name);
    }
    return !pendingGraphs.contains(name) && repository.isModelReady(name, version);
  }

  /** Whether every configured model and graph is ready. */
  boolean isReady() {
    if (!pendingGraphs.isEmpty() || !repository.isReady()) {
      return false;
    }
    Graphs current = graphs.get();
    for (String name : current.names()) {
      if (!current.isReady(name)) {
        return false;
      }
    }
    return true;
  }

  /**
   * What keeps {@link #isReady()} false, sorted by name then version: the versions of expected
   * repository models that are not ready (an unloaded model is not expected), the graphs not ready;
   * empty when every one is ready.
   */
  List<ModelStatus> unready() {
    List<ModelStatus> statuses = new ArrayList<>(repository.unready());
    for (ModelStatus status : index()) {
      boolean graph = graphs.get().contains(status.name()) || pendingGraphs.contains(status.name());
      if (graph && status.state() != ModelState.READY) {
        statuses.add(status);
      }
    }
    statuses.sort(Comparator.comparing(ModelStatus::name).thenComparing(ModelStatus::version));
    return statuses;
  }

  /** Every served name and version with its state, sorted by name then version. */
  List<ModelStatus> index() {
    List<ModelStatus> statuses = new ArrayList<>(repository.index());
    Graphs current = graphs.get();
    for (String name : current.names()) {
      boolean ready = current.isReady(name);
      statuses.add(
          new ModelStatus(
              name,
              GRAPH_VERSION,
              ready ? ModelState.READY : ModelState.UNAVAILABLE,
              ready ? "" : "inference graph: a model it calls is not ready",
              null));
    }
    for (String name : pendingGraphs) {
      statuses.add(
          new ModelStatus(
              name,
              GRAPH_VERSION,
              ModelState.LOADING,
              "inference graph: waiting for its models",
              null));
    }
    statuses.sort(Comparator.comparing(ModelStatus::name).thenComparing(ModelStatus::version));
    return statuses;
  }

  /**
   * @throws ModelNotFoundException when unknown
   * @throws io.mlsys.core.ModelLoadException when loading fails
   */
  void load(String name) {
    checkNotGraph(name, "load");
    repository.load(name);
  }

  /**
   * @throws ModelNotFoundException when unknown
   */
  void unload(String name) {
    checkNotGraph(name, "unload");
    repository.unload(name);
  }

  private void checkNotGraph(String name, String action) {
    if (graphs.get().contains(name) || pendingGraphs.contains(name)) {
      throw new InvalidInputException(
          "model",
          "'"
              + name
              + "' is an inference graph (expected: a repository model to "
              + action
              + "; graphs follow mlsys.yaml, which the server reloads when it changes)");
    }
  }

  private void checkNotPending(String name) {
    if (pendingGraphs.contains(name)) {
      throw new ModelNotReadyException(name, "the inference graph waits for its models to load");
    }
  }

  private static void checkGraphVersion(String name, String version) {
    if (version != null && !version.equals(GRAPH_VERSION)) {
      throw new ModelNotFoundException(name, version);
    }
  }
}
