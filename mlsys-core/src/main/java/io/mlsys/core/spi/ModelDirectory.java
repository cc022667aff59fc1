package io.mlsys.core.spi;

import io.mlsys.core.Predictor;

/**
 * The models the server serves, by name, for decorators that call another model (a fallback's
 * cheaper model). One per server, a {@link SharedResources} entry the server registers before it
 * loads any model; a decorator looks the other model up at call time, so the order in which models
 * load does not matter.
 */
@FunctionalInterface
public interface ModelDirectory {

  /**
   * A predictor for the highest ready version of {@code modelName}, resolved on every call.
   *
   * @throws io.mlsys.core.ModelNotFoundException when no model has that name
   */
  Predictor predictor(String modelName);
}
