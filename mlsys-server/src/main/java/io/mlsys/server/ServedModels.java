package io.mlsys.server;

import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Predictor;
import io.mlsys.repository.ModelRepository;
import io.mlsys.repository.ModelStatus;
import java.util.List;

/**
 * Everything a transport serves by name, as one lookup shared by REST and gRPC: the repository's
 * models (and, once configured, inference graphs, which are served like models).
 */
final class ServedModels {
  private final ModelRepository repository;

  ServedModels(ModelRepository repository) {
    this.repository = repository;
  }

  ModelRepository repository() {
    return repository;
  }

  /**
   * The predictor for {@code name} at {@code version} (null: the default version).
   *
   * @throws io.mlsys.core.ModelNotFoundException when unknown
   */
  Predictor predictor(String name, String version) {
    return repository.predictor(name, version);
  }

  /**
   * @throws io.mlsys.core.ModelNotFoundException when unknown
   * @throws io.mlsys.core.ModelNotReadyException when known but not loaded
   */
  ModelMetadata metadata(String name, String version) {
    return repository.metadata(name, version);
  }

  /** The served versions of {@code name}, highest first. */
  List<String> versions(String name) {
    return repository.versions(name);
  }

  /** Whether that version (null: any) is ready; never throws. */
  boolean isModelReady(String name, String version) {
    return repository.isModelReady(name, version);
  }

  /** Whether every configured model is ready. */
  boolean isReady() {
    return repository.isReady();
  }

  /** Every served name and version with its state, sorted by name then version. */
  List<ModelStatus> index() {
    return repository.index();
  }

  /**
   * @throws io.mlsys.core.ModelNotFoundException when unknown
   * @throws io.mlsys.core.ModelLoadException when loading fails
   */
  void load(String name) {
    repository.load(name);
  }

  /**
   * @throws io.mlsys.core.ModelNotFoundException when unknown
   */
  void unload(String name) {
    repository.unload(name);
  }
}
