package io.mlsys.core.spi;

import io.mlsys.core.Model;

/**
 * One kind of model decorator: something that stands between the caller and a loaded model and
 * answers the same call, such as dynamic batching ({@code batching}), a prediction cache or a
 * circuit breaker. Found through {@link java.util.ServiceLoader}: list the implementation in {@code
 * META-INF/services/io.mlsys.core.spi.ModelDecorator}; {@link ModelDecorators#installed()} finds
 * them, and config names a kind in a model's {@code decorators:} list by {@link #kind()}, with its
 * options bound to {@link #optionsType()}.
 *
 * <h2>When a decorator is built</h2>
 *
 * <p>{@link #decorate} runs once per loaded model instance, right after the model repository loaded
 * it: every version of a model, and every reload of a version, gets a fresh chain of decorators
 * around the fresh model. When the version a name resolves to changes (a reload, a new version, a
 * registry alias that moves), calls in flight finish on the old chain and new calls go to the new
 * one; the old chain is then closed, its decorators first. So a decorator never sees two versions:
 * everything it keeps (a queue, cached answers, measurements) belongs to the one model it wraps and
 * dies with it, and it never serves a mix. What must outlive a version (metrics, a shared store)
 * lives in {@link DecoratorContext#resources()}; a store shared across versions keys its entries by
 * the model's version so that it too never answers for another.
 *
 * <h2>What a decorated model does</h2>
 *
 * <ul>
 *   <li>It serves the model under the model's name and version: its {@link Model#metadata()} is the
 *       model's ({@link io.mlsys.core.ForwardingModel} passes metadata, readiness and closing
 *       through, so a decorator overrides only what it changes).
 *   <li>It owns the model: its {@link Model#close()} releases the decorator's own resources, then
 *       closes the model.
 *   <li>Response parameters: a decorator that says something about the answer (a cache hit, a
 *       fallback) adds its own keys to the response's {@code parameters} and keeps every key the
 *       inner model or decorator set, so an outer answer still shows what happened inside. It never
 *       removes or rewrites an inner key.
 *   <li>It reads and adds per-call facts through {@link io.mlsys.core.CallContext}'s attributes
 *       ({@link io.mlsys.core.CallAttribute}), never through thread-locals.
 * </ul>
 *
 * <h2>Order</h2>
 *
 * <p>A model's {@code decorators:} list is written outermost first: the first entry sees every call
 * first and calls the second, and the last entry calls the model. So a cache listed before batching
 * answers hits without queueing them, while batching listed before a cache would queue the hits
 * too.
 *
 * <p>Implementations are thread-safe and cheap to construct: the service loader makes one instance
 * when the server is wired, and {@link #decorate} may run for several models at once.
 *
 * @param <O> the options record of this kind
 */
public interface ModelDecorator<O extends DecoratorOptions> {

  /** The kind's name, the key config writes it under, in kebab-case, e.g. {@code batching}. */
  String kind();

  /**
   * The options record config binds under the kind's key ({@code {batching: {max-batch-size: 8}}});
   * no two installed kinds share one.
   */
  Class<O> optionsType();

  /**
   * Builds the decorator around one loaded model version.
   *
   * @param model the model (possibly already decorated by inner entries of the list); the returned
   *     model owns it
   * @param options this kind's options as configured
   * @param context the model's name and version, the clock, the meter registry and the shared
   *     resources
   * @return the decorated model
   * @throws io.mlsys.core.ModelLoadException when the options do not fit the model; the model then
   *     fails to load with that reason (the caller closes the model)
   */
  Model decorate(Model model, O options, DecoratorContext context);
}
