package io.mlsys.server;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.MlsysException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.Predictor;
import io.mlsys.graph.ModelLookup;
import io.mlsys.repository.ModelRepository;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The repository's models as the graphs see them. Every call a graph makes to a model is metered
 * for that model ({@code protocol="graph"}), so a model's statistics count its calls from graphs
 * too, as Triton counts the composing models of an ensemble.
 */
final class RepositoryModelLookup implements ModelLookup {
  private final ModelRepository repository;
  private final ServerMetrics metrics;
  private final LongSupplier ticker;

  RepositoryModelLookup(ModelRepository repository, ServerMetrics metrics, LongSupplier ticker) {
    this.repository = repository;
    this.metrics = metrics;
    this.ticker = ticker;
  }

  @Override
  public Predictor predictor(String name, String version) {
    Predictor model = repository.predictor(name, version);
    return new Predictor() {
      @Override
      public InferResponse infer(InferRequest request, CallContext context) {
        long start = ticker.getAsLong();
        try {
          return answered(name, model.infer(request, context), start);
        } catch (MlsysException e) {
          throw failed(name, version, e, start);
        }
      }

      @Override
      public InferResponse infer(InferRequest request, CallContext context, String graphPath) {
        long start = ticker.getAsLong();
        try {
          return answered(name, model.infer(request, context, graphPath), start);
        } catch (MlsysException e) {
          throw failed(name, version, e, start);
        }
      }

      @Override
      public boolean readsGraphPath() {
        return model.readsGraphPath();
      }
    };
  }

  private InferResponse answered(String name, InferResponse response, long start) {
    metrics.recordInference(
        name, response.modelVersion(), Protocol.GRAPH, 200, null, ticker.getAsLong() - start);
    return response;
  }

  private MlsysException failed(String name, String version, MlsysException e, long start) {
    HttpError error = HttpError.of(e);
    metrics.recordInference(
        name,
        version != null ? version : defaultVersion(name),
        Protocol.GRAPH,
        error.status(),
        error,
        ticker.getAsLong() - start);
    return e;
  }

  private String defaultVersion(String name) {
    try {
      List<String> versions = repository.versions(name);
      return versions.isEmpty() ? ServerMetrics.UNKNOWN : versions.getFirst();
    } catch (MlsysException e) {
      return ServerMetrics.UNKNOWN;
    }
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
