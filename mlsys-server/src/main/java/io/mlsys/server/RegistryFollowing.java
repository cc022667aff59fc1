package io.mlsys.server;

import io.mlsys.registry.AliasFollower;
import io.mlsys.registry.RegistryReference;
import io.mlsys.repository.ModelConfig;
import io.mlsys.repository.ModelRepository;
import io.mlsys.repository.ModelsConfig;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server's side of model-load by alias: once the server has started, an {@link AliasFollower}
 * keeps the models of {@code models:} that name a registry reference on the versions their aliases
 * point to; stopped before the registry closes.
 */
final class RegistryFollowing implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RegistryFollowing.class.getName());

  private final RegistryHandle registry;
  private final ModelRepository repository;
  private final Map<String, RegistryReference> models;
  private final Clock clock;
  private AliasFollower follower;

  private RegistryFollowing(
      RegistryHandle registry,
      ModelRepository repository,
      Map<String, RegistryReference> models,
      Clock clock) {
    this.registry = registry;
    this.repository = repository;
    this.models = models;
    this.clock = clock;
  }

  /** Following for the registry models of {@code config}; null when it names none. */
  static RegistryFollowing of(
      ModelsConfig config, RegistryHandle registry, ModelRepository repository, Clock clock) {
    Map<String, RegistryReference> models = new LinkedHashMap<>();
    for (Map.Entry<String, ModelConfig> entry : config.models().entrySet()) {
      String reference = entry.getValue().registry();
      if (reference != null) {
        models.put(entry.getKey(), RegistryReference.parse(reference, "registry"));
      }
    }
    return models.isEmpty() ? null : new RegistryFollowing(registry, repository, models, clock);
  }

  synchronized void start() {
    try {
      follower =
          new AliasFollower(
              registry.get(),
              repository,
              models,
              serverId(),
              clock,
              AliasFollower::freePhysicalMemory);
      follower.start();
    } catch (RuntimeException e) {
      // The registry models failed to load for the same reason, and say so in their status.
      LOG.log(Level.ERROR, "cannot follow the registry aliases: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    if (follower != null) {
      follower.close();
      follower = null;
    }
  }

  /**
   * Host and process: what an operator needs to find the server that holds a lease. The host name
   * comes from the environment, not from a name lookup, which can hang for seconds where DNS is
   * unreachable.
   */
  private static String serverId() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      host = System.getenv("COMPUTERNAME");
    }
    if (host == null || host.isBlank()) {
      host = "localhost";
    }
    return host + ":" + ProcessHandle.current().pid();
  }
}
