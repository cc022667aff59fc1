package io.mlsys.core;

/**
 * The one call every pattern answers: a model, a remote model, a cache, a guard and a whole graph.
 * Blocking; callers run it on virtual threads. Implementations are thread-safe.
 */
@FunctionalInterface
public interface Predictor {

  /**
   * Runs inference.
   *
   * @throws MlsysException (one of its subclasses) for every expected failure
   */
  InferResponse infer(InferRequest request, CallContext context);
}
