package io.mlsys.server;

import io.mlsys.core.MlsysException;
import io.mlsys.core.UpstreamFailureException;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.RegistryConfig;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The registry the server's registry endpoints use, opened on first use so that a server that never
 * touches it pays nothing at start (opening runs the store's migrations); closed when the server
 * stops. An open that fails (a shared PostgreSQL that is down) is tried again by the next call.
 */
final class RegistryHandle implements AutoCloseable {
  private final RegistryConfig config;
  private final Supplier<ModelRegistry> opener;
  private volatile ModelRegistry registry;
  private boolean closed;

  /**
   * @param config the registry's rules, known before it is opened (the upload limit)
   * @param opener opens it; called at most once successfully
   */
  RegistryHandle(RegistryConfig config, Supplier<ModelRegistry> opener) {
    this.config = Objects.requireNonNull(config, "config");
    this.opener = Objects.requireNonNull(opener, "opener");
  }

  /** A registry opened by the caller, which the server closes on stop. */
  static RegistryHandle of(ModelRegistry registry) {
    RegistryHandle handle = new RegistryHandle(registry.config(), () -> registry);
    handle.registry = registry;
    return handle;
  }

  RegistryConfig config() {
    return config;
  }

  /**
   * The registry, opened now if it is not yet.
   *
   * @throws UpstreamFailureException when its store cannot be opened
   */
  ModelRegistry get() {
    ModelRegistry opened = registry;
    return opened != null ? opened : open();
  }

  /** The registry when something opened it already, else null (nothing is opened). */
  ModelRegistry ifOpen() {
    return registry;
  }

  private synchronized ModelRegistry open() {
    if (closed) {
      throw new IllegalStateException("the registry is closed: the server stopped");
    }
    if (registry == null) {
      try {
        registry = opener.get();
      } catch (MlsysException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new UpstreamFailureException("registry store", String.valueOf(e.getMessage()), e);
      }
    }
    return registry;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (registry != null) {
      registry.close();
      registry = null;
    }
  }
}
