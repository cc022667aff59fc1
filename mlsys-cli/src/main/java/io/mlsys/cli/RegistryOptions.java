package io.mlsys.cli;

import io.mlsys.registry.ModelRegistry;
import io.mlsys.repository.ModelLoader;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.store.StoreConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the registry commands find the registry, and who acts: {@code --data-dir} (the embedded
 * SQLite store and the artifacts), {@code --store-url} (a shared PostgreSQL store), {@code
 * --config} (an mlsys.yaml whose {@code store:} and {@code registry:} apply: promotion rules,
 * approvals), {@code --actor}.
 */
final class RegistryOptions {
  @Mixin DataDirOption dataDir = new DataDirOption();

  @Option(
      names = "--store-url",
      paramLabel = "URL",
      description =
          "A shared PostgreSQL store, jdbc:postgresql://HOST:PORT/DATABASE (user and password as"
              + " URL parameters or in --config); default: the SQLite store in the data"
              + " directory. Overrides store.url.")
  String storeUrl;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "mlsys.yaml whose store: and registry: sections apply (promotion rules, approvals).")
  Path configFile;

  @Option(
      names = "--actor",
      paramLabel = "NAME",
      description = "Who acts, for the audit (default: the OS user).")
  String actor;

  /** The actor: {@code --actor}, else the OS user. */
  String actor() {
    if (actor != null && !actor.isBlank()) {
      return actor.strip();
    }
    return System.getProperty("user.name", "unknown");
  }

  /**
   * The data directory: {@code --data-dir}, else {@code data-dir} of {@code --config}, else {@code
   * $MLSYS_DATA_DIR}, else {@code ~/.mlsys}: the folder {@code mlsys serve} with the same config
   * reads.
   */
  Path dataDir(MlsysConfig config) {
    if (dataDir.dataDir != null) {
      return dataDir.resolve(System.getenv(), System.getProperty("user.home"));
    }
    return config.resolvedDataDir(System.getenv(), System.getProperty("user.home"));
  }

  /** The store: {@code store:} of {@code --config}, with {@code --store-url} over its URL. */
  static StoreConfig storeConfig(MlsysConfig config, String storeUrl) {
    StoreConfig base = config.store();
    if (storeUrl == null) {
      return base;
    }
    return new StoreConfig(storeUrl, base.user(), base.password(), base.poolSize(), base.schema());
  }

  /**
   * Opens the registry. The CLI acts for its user, who may register any file they can read: {@code
   * sourceRoots} are the folders a registration may read from.
   *
   * @param loadsModels whether ONNX models will be loaded (registration), so ONNX Runtime's native
   *     libraries are prepared first
   */
  ModelRegistry open(PrintWriter err, List<Path> sourceRoots, boolean loadsModels) {
    if (loadsModels) {
      dataDir.prepareOnnxRuntime(err);
    }
    // Flyway's and HikariCP's INFO lines are quieted by ConsoleLogging: a command's output is
    // what it did.
    MlsysConfig config = RegistryFiles.config(configFile);
    return RegistryFiles.open(
        storeConfig(config, storeUrl),
        dataDir(config),
        config.registry().withSourceRoots(sourceRoots),
        ModelLoader.installedRuntimes());
  }
}
