package io.mlsys.resilience;

import io.mlsys.core.Model;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.ModelDecorator;

/**
 * The {@code batching} decorator: the model behind a {@link DynamicBatcher} with the configured
 * {@link BatchingConfig}, its batches metered in the context's registry ({@code mlsys_batch_*}, see
 * {@link BatchingMetrics}). Each loaded model version gets its own batcher (queue, dispatcher
 * thread and cost measurements); closing the decorated model drains the queue, then closes the
 * model.
 *
 * <p>Written in config as {@code decorators: [{batching: {max-batch-size: 8}}]}, or with a model's
 * {@code batching:} key, which is shorthand for it as the innermost decorator.
 */
public final class BatchingDecorator implements ModelDecorator<BatchingConfig> {
  /** The kind's name in config. */
  public static final String KIND = "batching";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<BatchingConfig> optionsType() {
    return BatchingConfig.class;
  }

  @Override
  public Model decorate(Model model, BatchingConfig options, DecoratorContext context) {
    BatchingListener metrics =
        context
            .resources()
            .computeIfAbsent(
                BatchingMetrics.class, () -> new BatchingMetrics(context.meterRegistry()));
    return new BatchedModel(
        model, DynamicBatcher.wrap(context.modelName(), model, options, context.clock(), metrics));
  }
}
