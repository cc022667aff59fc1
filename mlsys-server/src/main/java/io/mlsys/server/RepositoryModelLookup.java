package io.mlsys.server;

import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.Predictor;
import io.mlsys.graph.ModelLookup;
import io.mlsys.repository.ModelRepository;

/** The repository's models as the graphs see them. */
final class RepositoryModelLookup implements ModelLookup {
  private final ModelRepository repository;

  RepositoryModelLookup(ModelRepository repository) {
    this.repository = repository;
  }

  @Override
  public Predictor predictor(String name, String version) {
    return repository.predictor(name, version);
  }

  @Override
  public ModelMetadata metadata(String name, String version) {
    return repository.metadata(name, version);
  }

  @Override
  public boolean isModelReady(String name, String version) {
    return repository.isModelReady(name, version);
  }

  @Override
  public boolean contains(String name) {
    try {
      return !repository.versions(name).isEmpty();
    } catch (ModelNotFoundException e) {
      return false;
    }
  }
}
