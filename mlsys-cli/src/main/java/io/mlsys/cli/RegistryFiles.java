package io.mlsys.cli;

import io.mlsys.config.ConfigBinder;
import io.mlsys.config.ConfigDocument;
import io.mlsys.registry.ModelCard;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.RegistryConfig;
import io.mlsys.registry.RegistryStores;
import io.mlsys.repository.ModelLoader;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import io.mlsys.store.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;

/** What the registry commands read from files: mlsys.yaml's store and registry, model cards. */
final class RegistryFiles {
  private RegistryFiles() {}

  /** The config file, bound as the server binds it; defaults without a file. */
  static MlsysConfig config(Path file) {
    return file == null ? MlsysConfig.defaults() : MlsysConfigLoader.load(file);
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
