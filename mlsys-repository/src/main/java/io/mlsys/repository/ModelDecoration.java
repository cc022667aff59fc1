package io.mlsys.repository;

import io.mlsys.core.Model;

/**
 * What stands in front of each model version the repository loads, as the model's config asks: the
 * server puts the model's decorators around it ({@code decorators:}, {@code batching:}; see {@code
 * io.mlsys.core.spi.ModelDecorator}). The repository itself knows nothing of decorators; it hands
 * over the model's config as it read it (from {@code models.<name>} in mlsys.yaml or the model's
 * config.yaml) next to the {@link ModelSource} it was loaded from.
 *
 * <p>Called once per loaded model instance, right after loading and before the version serves:
 * every version and every reload gets its own decorated model, so a swap replaces the decorators
 * together with the model and no call ever sees the decorators of one version around another.
 */
@FunctionalInterface
public interface ModelDecoration {

  /**
   * The model as it serves.
   *
   * @param model the loaded model; ownership passes to this method: the model it returns closes
   *     {@code model}, and when it throws it has closed {@code model} already
   * @param source what the model was loaded from (its name and version)
   * @param config the model's config
   * @throws RuntimeException (such as a {@link io.mlsys.core.ModelLoadException}) to fail this
   *     version's load, with the exception's message as the reason
   */
  Model decorate(Model model, ModelSource source, ModelConfig config);

  /** The loaded model as it is. */
  static ModelDecoration none() {
    return (model, source, config) -> model;
  }
}
