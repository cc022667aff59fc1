package io.mlsys.tracing;

import io.mlsys.core.Model;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.ModelDecorator;

/**
 * The {@code tracing} decorator: one span per call of the model it wraps, a child of the call's
 * current span ({@link io.mlsys.core.CallAttribute#SPAN}), with the model, its version and the
 * outcome. It needs no server resource: the span it starts from travels in the call's context, so a
 * call without a recorded span costs one attribute lookup.
 *
 * <p>Written in config as {@code decorators: [tracing]}; the server's {@code tracing:} section puts
 * it in front of every model (outside the prediction log) when spans are exported.
 */
public final class TracingDecorator implements ModelDecorator<TracingOptions> {
  /** The kind's name in config. */
  public static final String KIND = "tracing";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<TracingOptions> optionsType() {
    return TracingOptions.class;
  }

  @Override
  public Model decorate(Model model, TracingOptions options, DecoratorContext context) {
    return new TracedModel(model, options, context.modelName(), context.modelVersion());
  }
}
