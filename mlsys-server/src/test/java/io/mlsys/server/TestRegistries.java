package io.mlsys.server;

import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.RegistryConfig;
import io.mlsys.registry.RegistryStores;
import io.mlsys.repository.ModelLoader;
import io.mlsys.store.StoreConfig;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** Model registries for the server's registry tests, over a store in a test's own folder. */
final class TestRegistries {
  static final String IRIS = "sklearn-iris/iris_svc.onnx";

  private TestRegistries() {}

  /** A registry over {@code store} (SQLite files in {@code dataDir} by default). */
  static ModelRegistry open(StoreConfig store, Path dataDir, RegistryConfig config) {
    RegistryStores stores = RegistryStores.open(store, dataDir, Clock.systemUTC());
    return new ModelRegistry(
        stores.registry(),
        stores.tracking(),
        stores.artifacts(),
        ModelLoader.installedRuntimes(),
        config);
  }

  /** The iris classifier as a folder {@code <root>/<name>/model.onnx} (skips without fixtures). */
  static Path irisFolder(Path root, String name) {
    try {
      Path folder = Files.createDirectories(root.resolve(name));
      Files.copy(Fixtures.require(IRIS), folder.resolve("model.onnx"));
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] irisBytes() {
    try {
      return Files.readAllBytes(Fixtures.require(IRIS));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
