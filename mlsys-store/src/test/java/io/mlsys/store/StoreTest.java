package io.mlsys.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.testing.PostgresDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StoreTest {
  private static PostgresDatabase postgres;

  @TempDir Path dataDir;

  @BeforeAll
  static void createDatabase() {
    postgres = PostgresDatabase.create("store");
  }

  @AfterAll
  static void dropDatabase() {
    postgres.close();
  }

  private StoreConfig config(Database database) {
    return switch (database) {
      case SQLITE -> StoreConfig.defaults();
      case POSTGRESQL -> StoreConfig.postgresql(postgres.url(), postgres.user(), null);
    };
  }

  private static long count(Store store) {
    return store.read(
        connection -> {
          try (Statement statement = connection.createStatement();
              ResultSet rows = statement.executeQuery("SELECT n FROM counter WHERE id = 1")) {
            rows.next();
            return rows.getLong(1);
          }
        });
  }

  private static void increment(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("UPDATE counter SET n = n + 1 WHERE id = 1");
    }
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void migratesOnceAndCommits(Database database) {
    try (Store store = Store.open(config(database).withSchema("commit"), dataDir, "storetest")) {
      store.inTransaction(
          connection -> {
            increment(connection);
            return null;
          });
    }
    // Opening again finds the migration applied and the row committed.
    try (Store store = Store.open(config(database).withSchema("commit"), dataDir, "storetest")) {
      assertThat(store.database()).isEqualTo(database);
      assertThat(count(store)).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void anExceptionRollsBackAndPassesThrough(Database database) {
    try (Store store = Store.open(config(database).withSchema("rollback"), dataDir, "storetest")) {
      assertThatThrownBy(
              () ->
                  store.inTransaction(
                      connection -> {
                        increment(connection);
                        throw new ResourceNotFoundException("model 'x' does not exist");
                      }))
          .isInstanceOf(ResourceNotFoundException.class);
      assertThat(count(store)).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aFailingStatementIsAStoreExceptionNamingTheStore(Database database) {
    try (Store store = Store.open(config(database).withSchema("fail"), dataDir, "storetest")) {
      assertThatThrownBy(
              () ->
                  store.inTransaction(
                      connection -> {
                        try (Statement statement = connection.createStatement()) {
                          statement.execute("SELECT * FROM no_such_table");
                        }
                        return null;
                      }))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("store 'storetest'")
          .hasMessageContaining("no_such_table");
      // The connection went back clean: the next transaction works.
      store.inTransaction(
          connection -> {
            increment(connection);
            return null;
          });
      assertThat(count(store)).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void concurrentWritersLoseNoUpdate(Database database) throws Exception {
    int threads = 8;
    int perThread = 25;
    try (Store store = Store.open(config(database).withSchema("race"), dataDir, "storetest");
        ExecutorService executor = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            executor.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    store.inTransaction(
                        connection -> {
                          // Read, then write what was read plus one: lost updates show.
                          long n;
                          try (Statement statement = connection.createStatement();
                              ResultSet rows =
                                  statement.executeQuery(
                                      "SELECT n FROM counter WHERE id = 1"
                                          + (database == Database.POSTGRESQL
                                              ? " FOR UPDATE"
                                              : ""))) {
                            rows.next();
                            n = rows.getLong(1);
                          }
                          try (var update =
                              connection.prepareStatement(
                                  "UPDATE counter SET n = ? WHERE id = 1")) {
                            update.setLong(1, n + 1);
                            update.executeUpdate();
                          }
                          return null;
                        });
                  }
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
      assertThat(count(store)).isEqualTo((long) threads * perThread);
    }
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void transactionsDoNotNest(Database database) {
    try (Store store = Store.open(config(database).withSchema("nest"), dataDir, "storetest")) {
      assertThatThrownBy(() -> store.inTransaction(connection -> store.read(inner -> 1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("do not nest");
    }
  }

  @Test
  void sqliteKeepsOneFilePerOwnerInWalMode() throws Exception {
    try (Store store = Store.open(StoreConfig.defaults(), dataDir, "storetest")) {
      assertThat(Files.exists(dataDir.resolve("storetest.db"))).isTrue();
      String mode =
          store.read(
              connection -> {
                try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("PRAGMA journal_mode")) {
                  rows.next();
                  return rows.getString(1);
                }
              });
      assertThat(mode).isEqualToIgnoringCase("wal");
      long foreignKeys =
          store.read(
              connection -> {
                try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("PRAGMA foreign_keys")) {
                  rows.next();
                  return rows.getLong(1);
                }
              });
      assertThat(foreignKeys).isEqualTo(1);
    }
  }

  @Test
  void postgresqlKeepsOneSchemaPerOwner() {
    try (Store store =
        Store.open(config(Database.POSTGRESQL).withSchema("owners"), dataDir, "storetest")) {
      assertThat(store.schemaName()).isEqualTo("owners_storetest");
      String schema =
          store.read(
              connection -> {
                try (Statement statement = connection.createStatement();
                    ResultSet rows =
                        statement.executeQuery(
                            "SELECT table_schema FROM information_schema.tables"
                                + " WHERE table_name = 'counter' AND table_schema LIKE 'owners%'")) {
                  rows.next();
                  return rows.getString(1);
                }
              });
      assertThat(schema).isEqualTo("owners_storetest");
    }
  }

  @Test
  void anUnreachableDatabaseIsAStoreException() {
    StoreConfig unreachable =
        StoreConfig.postgresql("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2", "x", "y");
    assertThatThrownBy(() -> Store.open(unreachable, dataDir, "storetest"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("store 'storetest'");
  }

  @Test
  void configValidatesEveryFieldAndHidesThePassword() {
    assertThatThrownBy(() -> new StoreConfig("jdbc:mysql://x/y", null, null, 0, "Bad-Schema"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("url: 'jdbc:mysql://x/y'")
        .hasMessageContaining("pool-size: 0")
        .hasMessageContaining("schema: 'Bad-Schema'");
    assertThat(StoreConfig.postgresql("jdbc:postgresql://h/d", "u", "secret").toString())
        .doesNotContain("secret")
        .contains("***");
    assertThat(StoreConfig.defaults().database()).isEqualTo(Database.SQLITE);
  }
}
