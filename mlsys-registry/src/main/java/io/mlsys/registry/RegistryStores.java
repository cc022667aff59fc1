package io.mlsys.registry;

import io.mlsys.registry.jdbc.JdbcRegistryStore;
import io.mlsys.registry.jdbc.JdbcTrackingStore;
import io.mlsys.registry.tracking.TrackingStore;
import io.mlsys.store.Store;
import io.mlsys.store.StoreConfig;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The registry's three stores, opened together: the registry and tracking tables in the {@code
 * registry} database ({@code <data-dir>/registry.db}, or the {@code <schema>_registry} schema of
 * PostgreSQL), and the artifacts in {@code <data-dir>/artifacts}.
 *
 * <p>With PostgreSQL several servers share the registry's tables; they share artifacts only when
 * their artifact folders are the same shared file system (give it with {@link #open(StoreConfig,
 * Path, Path, Clock, Supplier)}).
 */
public final class RegistryStores implements AutoCloseable {
  /** The owner name of the registry's database (its file, schema and migrations folder). */
  public static final String OWNER = "registry";

  private final Store store;
  private final JdbcRegistryStore registry;
  private final JdbcTrackingStore tracking;
  private final FileArtifactStore artifacts;

  private RegistryStores(
      Store store,
      JdbcRegistryStore registry,
      JdbcTrackingStore tracking,
      FileArtifactStore artifacts) {
    this.store = store;
    this.registry = registry;
    this.tracking = tracking;
    this.artifacts = artifacts;
  }

  /**
   * Opens (and migrates) the registry's database and the artifact folder {@code
   * <dataDir>/artifacts}.
   *
   * @throws io.mlsys.store.StoreException when the database cannot be opened or migrated
   */
  public static RegistryStores open(StoreConfig config, Path dataDir, Clock clock) {
    Objects.requireNonNull(dataDir, "dataDir");
    return open(config, dataDir, dataDir.resolve("artifacts"), clock, randomRunIds());
  }

  /**
   * @param artifactsDir the artifact store's folder
   * @param runIds new run ids (32 lower-case hex digits)
   */
  public static RegistryStores open(
      StoreConfig config, Path dataDir, Path artifactsDir, Clock clock, Supplier<String> runIds) {
    Store store = Store.open(config, dataDir, OWNER);
    try {
      return new RegistryStores(
          store,
          new JdbcRegistryStore(store, clock),
          new JdbcTrackingStore(store, clock, runIds),
          new FileArtifactStore(artifactsDir, clock));
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Run ids as MLflow makes them: 128 random bits in hex. */
  public static Supplier<String> randomRunIds() {
    SecureRandom random = new SecureRandom();
    return () -> {
      byte[] bytes = new byte[16];
      random.nextBytes(bytes);
      return HexFormat.of().formatHex(bytes);
    };
  }

  public RegistryStore registry() {
    return registry;
  }

  public TrackingStore tracking() {
    return tracking;
  }

  public FileArtifactStore artifacts() {
    return artifacts;
  }

  /** The underlying database, e.g. for its dialect. */
  public Store store() {
    return store;
  }

  /** Closes the database (the registry and tracking stores share it). */
  @Override
  public void close() {
    store.close();
  }
}
