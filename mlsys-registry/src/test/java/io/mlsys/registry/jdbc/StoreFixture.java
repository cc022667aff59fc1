package io.mlsys.registry.jdbc;

import io.mlsys.registry.RegistryStores;
import io.mlsys.store.Database;
import io.mlsys.store.StoreConfig;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.PostgresDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gives each test fresh stores on the database it runs on: a new SQLite folder, or a new schema in
 * the test class's own PostgreSQL database (created before the class, dropped after).
 */
abstract class StoreFixture {
  private static final AtomicLong SCHEMAS = new AtomicLong();
  private static PostgresDatabase postgres;

  @TempDir Path dataDir;

  final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
  private final List<AutoCloseable> opened = new ArrayList<>();
  private final AtomicLong runIds = new AtomicLong();

  @BeforeAll
  static void createDatabase() {
    postgres = PostgresDatabase.create("registry");
  }

  @AfterAll
  static void dropDatabase() {
    postgres.close();
  }

  @AfterEach
  void closeStores() throws Exception {
    for (AutoCloseable closeable : opened.reversed()) {
      closeable.close();
    }
  }

  static StoreConfig config(Database database, String schema) {
    return switch (database) {
      case SQLITE -> StoreConfig.defaults();
      case POSTGRESQL ->
          StoreConfig.postgresql(postgres.url(), postgres.user(), null).withSchema(schema);
    };
  }

  static String postgresUrl() {
    return postgres.url();
  }

  /** Fresh stores; closed after the test. */
  RegistryStores open(Database database) {
    String schema = "t" + SCHEMAS.incrementAndGet();
    RegistryStores stores =
        RegistryStores.open(
            config(database, schema),
            dataDir.resolve(schema),
            dataDir.resolve(schema).resolve("artifacts"),
            clock,
            () -> String.format("%032x", runIds.incrementAndGet()));
    opened.add(stores);
    return stores;
  }

  <T extends AutoCloseable> T closeLater(T closeable) {
    opened.add(closeable);
    return closeable;
  }
}
