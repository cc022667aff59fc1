package io.mlsys.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.mlsys.core.ErrorMessages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * One owner's database (the registry's, the prediction log's, the jobs'): a connection pool, its
 * migrations applied, and transactions that retry on contention.
 *
 * <p>SQLite: a file per owner ({@code <data-dir>/<owner>.db}), so that one owner's write load does
 * not stall another's; WAL mode (readers do not block the writer), a busy timeout, foreign keys on,
 * and every write transaction {@code BEGIN IMMEDIATE} so that it takes the write lock before it
 * reads (a deferred transaction that reads and then writes fails instead of waiting when another
 * process wrote in between). PostgreSQL: a schema per owner ({@code <schema>_<owner>}).
 *
 * <p>Migrations are Flyway's, per owner and per database: {@code classpath:db/<owner>/sqlite} and
 * {@code classpath:db/<owner>/postgresql}.
 */
public final class Store implements AutoCloseable {
  /** How long SQLite waits for another connection's write lock before it reports busy. */
  public static final int SQLITE_BUSY_TIMEOUT_MILLIS = 10_000;

  /** How many times a transaction runs when it keeps meeting contention. */
  public static final int MAX_ATTEMPTS = 8;

  private static final Pattern OWNER = Pattern.compile("[a-z][a-z0-9_]{0,29}");
  private static final long CONNECTION_TIMEOUT_MILLIS = 15_000;

  private final StoreConfig config;
  private final String owner;
  private final Database database;
  private final HikariDataSource pool;
  private final String jdbcUrl;
  private final Properties driverProperties;
  private final String schemaName;
  private final ThreadLocal<Boolean> inTransaction = ThreadLocal.withInitial(() -> false);

  /**
   * SQLite: this process's write transactions take turns here before {@code BEGIN IMMEDIATE}.
   * SQLite's own wait for the file lock sleeps in native code, which pins a virtual thread's
   * carrier: a few waiters could occupy every carrier while the lock's holder, unmounted, cannot
   * run to commit, so each waited out the busy timeout (seen as SQLITE_BUSY under 16 concurrent job
   * submissions). Waiting on this lock unmounts instead; other processes still meet the file lock.
   */
  private final ReentrantLock sqliteWrites = new ReentrantLock(true);

  private Store(
      StoreConfig config,
      String owner,
      String jdbcUrl,
      Properties driverProperties,
      String schemaName) {
    this.config = config;
    this.owner = owner;
    this.database = config.database();
    this.jdbcUrl = jdbcUrl;
    this.driverProperties = driverProperties;
    this.schemaName = schemaName;
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("mlsys-" + owner);
    hikari.setJdbcUrl(jdbcUrl);
    hikari.setDataSourceProperties(driverProperties);
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setMinimumIdle(Math.min(2, config.poolSize()));
    hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
    hikari.setAutoCommit(true);
    try {
      this.pool = new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      throw new StoreException(describe() + ": cannot connect: " + ErrorMessages.rootCause(e), e);
    }
  }

  /**
   * Opens {@code owner}'s database and applies its migrations.
   *
   * @param dataDir where SQLite files live (created when absent); unused for PostgreSQL
   * @param owner lower-case name of who owns the tables ({@code registry}, {@code predictions},
   *     {@code jobs}); names the file, the schema and the migrations folder
   * @throws StoreException when the database cannot be reached or a migration fails
   */
  public static Store open(StoreConfig config, Path dataDir, String owner) {
    Objects.requireNonNull(config, "config");
    if (owner == null || !OWNER.matcher(owner).matches()) {
      throw new IllegalArgumentException(
          "owner: '" + owner + "' (expected a lower-case identifier, e.g. registry)");
    }
    Properties properties = new Properties();
    Store store;
    switch (config.database()) {
      case SQLITE -> {
        Objects.requireNonNull(dataDir, "dataDir");
        Path file = dataDir.toAbsolutePath().resolve(owner + ".db");
        try {
          Files.createDirectories(file.getParent());
        } catch (IOException e) {
          throw new StoreException("cannot create data directory " + file.getParent(), e);
        }
        properties.setProperty("journal_mode", "WAL");
        properties.setProperty("synchronous", "NORMAL");
        properties.setProperty("busy_timeout", Integer.toString(SQLITE_BUSY_TIMEOUT_MILLIS));
        properties.setProperty("foreign_keys", "true");
        store = new Store(config, owner, "jdbc:sqlite:" + file, properties, null);
      }
      case POSTGRESQL -> {
        String schema = config.schema() + "_" + owner;
        if (config.user() != null) {
          properties.setProperty("user", config.user());
        }
        if (config.password() != null) {
          properties.setProperty("password", config.password());
        }
        properties.setProperty("currentSchema", schema);
        properties.setProperty("ApplicationName", "mlsys-" + owner);
        store = new Store(config, owner, config.url(), properties, schema);
      }
      default -> throw new AssertionError(config.database());
    }
    try {
      store.migrate();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  private void migrate() {
    var configuration =
        Flyway.configure()
            .dataSource(pool)
            .locations("classpath:db/" + owner + "/" + database.vendor())
            .failOnMissingLocations(true);
    if (schemaName != null) {
      configuration = configuration.schemas(schemaName).defaultSchema(schemaName);
    }
    Flyway flyway = configuration.load();
    // Two processes starting at once on a new SQLite file race to create the tables (Flyway has
    // no lock there); the loser finds them made and, run again, sees the migrations applied.
    FlywayException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        flyway.migrate();
        return;
      } catch (FlywayException e) {
        last = e;
      }
    }
    throw new StoreException(
        describe() + ": migration failed: " + ErrorMessages.rootCause(last), last);
  }

  public Database database() {
    return database;
  }

  public String owner() {
    return owner;
  }

  public StoreConfig config() {
    return config;
  }

  /** PostgreSQL: the owner's schema; SQLite: null. */
  public String schemaName() {
    return schemaName;
  }

  /** The pool, for code that manages its own transactions (prefer {@link #inTransaction}). */
  public DataSource dataSource() {
    return pool;
  }

  /**
   * A connection outside the pool, for a long-lived use such as PostgreSQL {@code LISTEN}; the
   * caller closes it.
   */
  public Connection openDedicatedConnection() throws SQLException {
    return openDedicatedConnection("dedicated");
  }

  /**
   * Like {@link #openDedicatedConnection()}, named for what it does.
   *
   * @param purpose a lower-case word; PostgreSQL shows {@code mlsys-<owner>-<purpose>} as its
   *     application name
   */
  public Connection openDedicatedConnection(String purpose) throws SQLException {
    Properties properties = new Properties();
    properties.putAll(driverProperties);
    if (database == Database.POSTGRESQL) {
      properties.setProperty("ApplicationName", "mlsys-" + owner + "-" + purpose);
    }
    return DriverManager.getConnection(jdbcUrl, properties);
  }

  /**
   * A unit of work on one connection inside a transaction. It may run more than once (when the
   * database reports contention), so it must not have effects outside the database.
   */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} in one write transaction: commits when it returns, rolls back when it throws.
   * Contention (SQLite busy, PostgreSQL serialization failure or deadlock) runs it again, up to
   * {@value #MAX_ATTEMPTS} times. A runtime exception from {@code work} (such as core's {@code
   * ResourceNotFoundException}) rolls back and passes through unchanged.
   *
   * @throws StoreException when the database fails
   */
  public <T> T inTransaction(Work<T> work) {
    return run(work, false);
  }

  /** Like {@link #inTransaction} for reads: no write lock, one consistent view. */
  public <T> T read(Work<T> work) {
    return run(work, true);
  }

  private <T> T run(Work<T> work, boolean readOnly) {
    if (inTransaction.get()) {
      // A nested transaction would take a second connection and, on SQLite, wait on itself.
      throw new IllegalStateException("store '" + owner + "': transactions do not nest");
    }
    inTransaction.set(true);
    boolean gated = database == Database.SQLITE && !readOnly;
    if (gated) {
      sqliteWrites.lock();
    }
    try {
      SQLException last = null;
      for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        try {
          return attempt(work, readOnly);
        } catch (SQLException e) {
          last = e;
          if (!database.isRetryable(e)) {
            break;
          }
        }
      }
      throw new StoreException(describe() + ": " + ErrorMessages.rootCause(last), last);
    } finally {
      if (gated) {
        sqliteWrites.unlock();
      }
      inTransaction.remove();
    }
  }

  private <T> T attempt(Work<T> work, boolean readOnly) throws SQLException {
    try (Connection connection = pool.getConnection()) {
      begin(connection, readOnly);
      boolean done = false;
      try {
        T result = work.run(connection);
        commit(connection);
        done = true;
        return result;
      } finally {
        if (!done) {
          rollbackQuietly(connection);
        }
      }
    }
  }

  private void begin(Connection connection, boolean readOnly) throws SQLException {
    switch (database) {
      case SQLITE -> {
        // The driver stays in auto-commit mode; its own BEGIN would be deferred and would begin
        // again right after each commit, holding the lock between transactions.
        try (Statement statement = connection.createStatement()) {
          statement.execute(readOnly ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE");
        }
      }
      case POSTGRESQL -> {
        connection.setAutoCommit(false);
        if (readOnly) {
          try (Statement statement = connection.createStatement()) {
            statement.execute("SET TRANSACTION READ ONLY");
          }
        }
      }
    }
  }

  private void commit(Connection connection) throws SQLException {
    switch (database) {
      case SQLITE -> {
        try (Statement statement = connection.createStatement()) {
          statement.execute("COMMIT");
        }
      }
      case POSTGRESQL -> {
        connection.commit();
        connection.setAutoCommit(true);
      }
    }
  }

  private void rollbackQuietly(Connection connection) {
    try {
      switch (database) {
        case SQLITE -> {
          try (Statement statement = connection.createStatement()) {
            statement.execute("ROLLBACK");
          } catch (SQLException e) {
            // SQLITE_ERROR: no transaction is open (BEGIN or COMMIT itself failed); anything
            // else leaves the connection in doubt.
            if ((e.getErrorCode() & 0xff) != 1) {
              throw e;
            }
          }
        }
        case POSTGRESQL -> {
          connection.rollback();
          connection.setAutoCommit(true);
        }
      }
    } catch (SQLException e) {
      // The connection is broken; evict it so that the pool does not hand it out again.
      pool.evictConnection(connection);
    }
  }

  private String describe() {
    return switch (database) {
      case SQLITE ->
          "store '" + owner + "' (SQLite " + jdbcUrl.substring("jdbc:sqlite:".length()) + ")";
      case POSTGRESQL -> "store '" + owner + "' (PostgreSQL schema " + schemaName + ")";
    };
  }

  @Override
  public void close() {
    pool.close();
  }
}
