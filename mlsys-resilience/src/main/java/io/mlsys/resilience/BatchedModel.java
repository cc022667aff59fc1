package io.mlsys.resilience;

import io.mlsys.core.CallContext;
import io.mlsys.core.ForwardingModel;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;

/** A loaded model behind its dynamic batcher; closing it drains the queue, then the model. */
final class BatchedModel extends ForwardingModel {
  private final DynamicBatcher batcher;

  BatchedModel(Model model, DynamicBatcher batcher) {
    super(model);
    this.batcher = batcher;
  }

  @Override
  public InferResponse infer(InferRequest request, CallContext context) {
    return batcher.infer(request, context);
  }

  @Override
  public void close() {
    try {
      batcher.close();
    } finally {
      super.close();
    }
  }

  /** Passes the context on without reading the graph path. */
  @Override
  public boolean readsGraphPath() {
    return delegate().readsGraphPath();
  }
}
