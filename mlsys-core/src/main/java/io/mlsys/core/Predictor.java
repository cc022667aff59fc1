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

  /**
   * Before the request is read: takes what a call arriving now will need from the limits in front
   * of the model, adding a hold to {@code reservation} for each, or refuses the call at once. Cheap
   * and never blocking; called by transports as soon as they know the model, so a refusal costs no
   * reading or parsing. The default holds nothing and refuses nothing.
   *
   * @param context the call as known before its body is read (headers, caller, deadline from the
   *     headers)
   * @throws CapacityExceededException when a limit is full (503)
   * @throws QuotaExceededException when the caller is over its quota (429)
   */
  default void reserve(Reservation reservation, CallContext context) {}

  /**
   * Whether this predictor, or anything it calls with the call's context, reads {@link
   * CallAttribute#GRAPH_PATH}. True unless an implementation knows better, so one that reads it
   * needs to do nothing; a model runtime or a decorator that only passes the context on says {@code
   * false} or asks what it calls, sparing each call of a graph a new context.
   */
  default boolean readsGraphPath() {
    return true;
  }

  /**
   * Runs inference as the node at {@code graphPath} of a graph: the call's context carries {@link
   * CallAttribute#GRAPH_PATH} when this predictor reads it ({@link #readsGraphPath}). Graph nodes
   * call their models through this; a predictor that finds its model per call (a repository's)
   * overrides it to ask the model it finds.
   */
  default InferResponse infer(InferRequest request, CallContext context, String graphPath) {
    return infer(
        request, readsGraphPath() ? context.with(CallAttribute.GRAPH_PATH, graphPath) : context);
  }
}
