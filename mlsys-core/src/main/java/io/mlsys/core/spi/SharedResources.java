package io.mlsys.core.spi;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Objects the server's decorators share, one per type: a connection pool every model's cache uses,
 * or metrics that must outlive the model version that registered them. A decorator gets them from
 * {@link DecoratorContext#resources()}; the server makes one instance at start-up and closes it
 * when it stops, after every model.
 *
 * <p>Thread-safe: models load in parallel. A factory may itself ask for other resources.
 */
public interface SharedResources extends AutoCloseable {

  /** An empty set of resources. */
  static SharedResources create() {
    return new MapSharedResources();
  }

  /** The resource of that type, if one was made. */
  <T> Optional<T> find(Class<T> type);

  /**
   * The resource of that type, made by {@code create} the first time it is asked for (and then kept
   * until {@link #close()}).
   *
   * @throws IllegalStateException after {@link #close()}
   */
  <T> T computeIfAbsent(Class<T> type, Supplier<? extends T> create);

  /**
   * Closes every resource that is {@link AutoCloseable}, the last made first; a resource that fails
   * to close does not keep the others open (the first failure is thrown after all were tried).
   * Idempotent.
   */
  @Override
  void close();
}
