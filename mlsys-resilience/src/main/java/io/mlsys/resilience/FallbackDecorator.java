package io.mlsys.resilience;

import io.mlsys.core.Model;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.ModelDecorator;
import io.mlsys.core.spi.ModelDirectory;
import io.mlsys.core.spi.StaleAnswers;

/**
 * The {@code fallback} decorator ({@link FallbackOptions}): the prediction cache's kept answers
 * through the server's {@link StaleAnswers}, another served model through its {@link
 * ModelDirectory}, then a fixed answer. Listed first in a model's {@code decorators:}, it catches
 * the refusals of every decorator after it. Steps tried are counted in {@code
 * mlsys_fallback_total{model, fallback, outcome}}.
 */
public final class FallbackDecorator implements ModelDecorator<FallbackOptions> {
  /** The kind's name in config. */
  public static final String KIND = "fallback";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<FallbackOptions> optionsType() {
    return FallbackOptions.class;
  }

  @Override
  public Model decorate(Model model, FallbackOptions options, DecoratorContext context) {
    if (!options.hasSteps()) {
      throw new ModelLoadException(
          context.modelName(),
          "decorator fallback: no step (expected: " + FallbackOptions.EXPECTED_STEP + ")",
          null);
    }
    if (options.model() != null && options.model().equals(context.modelName())) {
      throw new ModelLoadException(
          context.modelName(),
          "decorator fallback: model '"
              + options.model()
              + "' is the model itself (expected: another served model)",
          null);
    }
    ModelDirectory directory = null;
    if (options.model() != null) {
      directory =
          context
              .resources()
              .find(ModelDirectory.class)
              .orElseThrow(
                  () ->
                      new ModelLoadException(
                          context.modelName(),
                          "decorator fallback: model '"
                              + options.model()
                              + "' cannot be called here (expected: a server that serves other"
                              + " models by name)",
                          null));
    }
    StaleAnswers stale = context.resources().computeIfAbsent(StaleAnswers.class, StaleAnswers::new);
    return new FallbackModel(
        model,
        options,
        context.modelName(),
        stale,
        directory,
        new DefaultAnswer(options.defaultOutputs()),
        SheddingMetrics.of(context));
  }
}
