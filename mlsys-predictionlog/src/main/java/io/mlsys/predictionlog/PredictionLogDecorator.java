package io.mlsys.predictionlog;

import io.mlsys.core.Model;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.ModelDecorator;

/**
 * The {@code prediction-log} decorator: records every call of the model it wraps (or a counted
 * fraction, {@code sample-rate}) as a {@link PredictionEvent} into the server's {@link
 * PredictionLog}, the {@link io.mlsys.core.spi.SharedResources} entry of that type. Recording never
 * slows or fails a call: it adds a queue offer to the call, and a full buffer drops the event, not
 * the call.
 *
 * <p>Written in config as {@code decorators: [{prediction-log: {sample-rate: 0.1}}]}; the server's
 * {@code prediction-log:} section puts it in front of every model that does not list it itself.
 * Listed first, it times the whole chain (a batcher's queueing included).
 */
public final class PredictionLogDecorator implements ModelDecorator<PredictionLogOptions> {
  /** The kind's name in config. */
  public static final String KIND = "prediction-log";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<PredictionLogOptions> optionsType() {
    return PredictionLogOptions.class;
  }

  @Override
  public Model decorate(Model model, PredictionLogOptions options, DecoratorContext context) {
    PredictionLog log =
        context
            .resources()
            .find(PredictionLog.class)
            .orElseThrow(
                () ->
                    new ModelLoadException(
                        context.modelName(),
                        "decorator prediction-log: the server keeps no prediction log (expected: a"
                            + " prediction-log section with jsonl.dir or store.enabled in"
                            + " mlsys.yaml, or mlsys serve --prediction-log DIR)",
                        null));
    return new LoggedModel(model, options, log, context.modelName(), context.modelVersion());
  }
}
