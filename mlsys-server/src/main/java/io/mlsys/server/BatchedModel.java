package io.mlsys.server;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.ModelMetadata;
import io.mlsys.resilience.DynamicBatcher;

/** A loaded model behind its dynamic batcher; closing it drains the queue, then the model. */
final class BatchedModel implements Model {
  private final Model model;
  private final DynamicBatcher batcher;

  BatchedModel(Model model, DynamicBatcher batcher) {
    this.model = model;
    this.batcher = batcher;
  }

  @Override
  public InferResponse infer(InferRequest request, CallContext context) {
    return batcher.infer(request, context);
  }

  @Override
  public ModelMetadata metadata() {
    return model.metadata();
  }

  @Override
  public boolean isReady() {
    return model.isReady();
  }

  @Override
  public void close() {
    try {
      batcher.close();
    } finally {
      model.close();
    }
  }
}
