package io.mlsys.core;

import java.util.Objects;

/**
 * A {@link Model} that hands every method to another model, the base of a decorator: override only
 * what the decorator changes (usually {@link #infer}), and metadata, readiness and closing pass
 * through. A decorator owns its delegate: closing it closes the delegate, so a decorator that holds
 * resources of its own (a queue, a thread) overrides {@link #close()}, releases them and then calls
 * {@code super.close()}.
 */
public abstract class ForwardingModel implements Model {
  private final Model delegate;

  protected ForwardingModel(Model delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The model this one forwards to. */
  protected final Model delegate() {
    return delegate;
  }

  @Override
  public InferResponse infer(InferRequest request, CallContext context) {
    return delegate.infer(request, context);
  }

  /**
   * Forwards: a decorator that always calls its delegate does not change what the delegate's limits
   * hold. A decorator that may answer without its delegate (a cache, a fallback) overrides this to
   * hold nothing, since a call it can answer must not be refused by the limits behind it.
   */
  @Override
  public void reserve(Reservation reservation, CallContext context) {
    delegate.reserve(reservation, context);
  }

  /**
   * True: a decorator may read {@link CallAttribute#GRAPH_PATH} itself. One that does not overrides
   * this to ask its delegate ({@code return delegate().readsGraphPath();}), so that a graph calling
   * a model whose chain reads nothing passes the call's context as it is.
   */
  @Override
  public boolean readsGraphPath() {
    return true;
  }

  @Override
  public ModelMetadata metadata() {
    return delegate.metadata();
  }

  @Override
  public boolean isReady() {
    return delegate.isReady();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + delegate + ")";
  }
}
