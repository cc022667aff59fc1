package io.mlsys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.config.ConfigBinder;
import io.mlsys.config.ConfigDocument;
import io.mlsys.config.ConfigInline;
import io.mlsys.registry.ModelCard;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.RegistryConfig;
import io.mlsys.registry.RegistryStores;
import io.mlsys.repository.ModelLoader;
import io.mlsys.store.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** What the registry commands read from files: mlsys.yaml's store and registry, model cards. */
final class RegistryFiles {
  private RegistryFiles() {}

  /**
   * The sections of mlsys.yaml the registry commands use; every other key is the server's, left to
   * {@code mlsys serve} to check.
   */
  record RegistrySections(
      StoreConfig store, RegistryConfig registry, @ConfigInline Map<String, JsonNode> others) {}

  private static RegistrySections sections(Path file) {
    if (file == null) {
      return new RegistrySections(null, null, Map.of());
    }
    return ConfigBinder.bind(ConfigDocument.read(file, System.getenv()), RegistrySections.class);
  }

  static StoreConfig store(Path file) {
    StoreConfig store = sections(file).store();
    return store == null ? StoreConfig.defaults() : store;
  }

  static RegistryConfig registry(Path file) {
    RegistryConfig registry = sections(file).registry();
    return registry == null ? RegistryConfig.defaults() : registry;
  }

  /**
   * A model card from YAML: {@code purpose}, {@code inputs} (each {@code name}, {@code
   * description}, {@code unit}), {@code owner}, {@code limitations}.
   *
   * @throws io.mlsys.config.ConfigException naming every bad key
   */
  static ModelCard card(Path file) {
    return ConfigBinder.bind(ConfigDocument.read(file, System.getenv()), ModelCard.class);
  }

  /**
   * Opens the registry over the store and the artifacts of the data directory ({@code
   * <data-dir>/artifacts}); closing it closes the store.
   */
  static ModelRegistry open(
      StoreConfig store, Path dataDir, RegistryConfig config, ModelLoader loader) {
    RegistryStores stores = RegistryStores.open(store, dataDir, Clock.systemUTC());
    return new ModelRegistry(
        stores.registry(), stores.tracking(), stores.artifacts(), loader, config);
  }
}
