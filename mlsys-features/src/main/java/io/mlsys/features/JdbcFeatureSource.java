package io.mlsys.features;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.features.FeaturesOptions.EntityType;
import io.mlsys.store.Database;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import org.sqlite.SQLiteConfig;

/**
 * Reads feature rows from a SQLite file or a PostgreSQL database: one query per batch of ids
 * ({@code = ANY(?)} with an array on PostgreSQL, {@code IN (?, ...)} on SQLite, which has no
 * arrays), every wait bounded by the source's timeout. Thread-safe.
 */
final class JdbcFeatureSource implements AutoCloseable {
  /** SQLite's limit on bound parameters is 32766 since 3.32; keep statements small. */
  static final int SQLITE_CHUNK = 500;

  /** Hikari refuses connection timeouts below this. */
  private static final long MIN_CONNECTION_TIMEOUT_MS = 250;

  static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private final FeatureSourceConfig config;
  private final List<String> features;
  private final EntityType entityType;
  private final Clock clock;
  private final Database database;
  private final HikariDataSource pool;
  private final String select;

  JdbcFeatureSource(
      FeatureSourceConfig config, List<String> features, EntityType entityType, Clock clock) {
    this.config = config;
    this.features = List.copyOf(features);
    this.entityType = entityType;
    this.clock = clock;
    this.database = config.database();
    StringBuilder columns = new StringBuilder(config.keyColumn());
    for (String feature : features) {
      columns.append(", ").append(feature);
    }
    if (config.timestampColumn() != null) {
      columns.append(", ").append(config.timestampColumn());
    }
    String from = config.table() != null ? config.table() : "(" + config.query() + ") AS mlsys_q";
    this.select = "SELECT " + columns + " FROM " + from;
    this.pool = new HikariDataSource(hikari());
  }

  private HikariConfig hikari() {
    long timeoutMs = config.timeout().toMillis();
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("mlsys-features");
    hikari.setJdbcUrl(config.url());
    hikari.setMaximumPoolSize(config.poolSize());
    // One connection opened in the background at start, so the first call does not pay for it
    // (a cold JVM loading the driver takes longer than a tight timeout).
    hikari.setMinimumIdle(1);
    hikari.setConnectionTimeout(Math.max(MIN_CONNECTION_TIMEOUT_MS, timeoutMs));
    hikari.setValidationTimeout(Math.max(MIN_CONNECTION_TIMEOUT_MS, timeoutMs));
    // A source down at start is a 503 per call, not a failed graph: the pool starts empty.
    hikari.setInitializationFailTimeout(-1);
    hikari.setReadOnly(true);
    hikari.setAutoCommit(true);
    Properties properties = new Properties();
    switch (database) {
      case SQLITE -> {
        // Read-only: a wrong path is an error, not a new empty database file.
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setReadOnly(true);
        sqlite.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs));
        properties.putAll(sqlite.toProperties());
      }
      case POSTGRESQL -> {
        if (config.user() != null) {
          properties.setProperty("user", config.user());
        }
        if (config.password() != null) {
          properties.setProperty("password", config.password());
        }
        int seconds = (int) Math.max(1, (timeoutMs + 999) / 1000);
        properties.setProperty("connectTimeout", Integer.toString(seconds));
        properties.setProperty("loginTimeout", Integer.toString(seconds));
        // The server stops a slow query at the timeout; the socket timeout is the last resort
        // when the server itself stops answering.
        properties.setProperty("options", "-c statement_timeout=" + timeoutMs);
        properties.setProperty("socketTimeout", Integer.toString(seconds + 1));
        properties.setProperty("ApplicationName", "mlsys-features");
      }
    }
    hikari.setDataSourceProperties(properties);
    return hikari;
  }

  String describe() {
    return config.describe();
  }

  /**
   * The rows of {@code ids} (canonical ids, no duplicates): one entry per id, a missing row as
   * {@link FeatureRow#missing}.
   *
   * @param budget the most this may take (the source timeout or what is left of the call's)
   * @throws DependencyUnavailableException when the database cannot be reached or does not answer
   *     in time
   * @throws ModelExecutionException when the statement itself is wrong (a missing table or column)
   */
  Map<String, FeatureRow> fetch(List<String> ids, Duration budget) {
    Map<String, FeatureRow> rows = new HashMap<>(ids.size() * 2);
    long started = System.nanoTime();
    try (Connection connection = pool.getConnection()) {
      switch (database) {
        case POSTGRESQL -> {
          try (PreparedStatement statement =
              connection.prepareStatement(select + " WHERE " + config.keyColumn() + " = ANY(?)")) {
            statement.setQueryTimeout(seconds(remaining(budget, started)));
            Array array =
                connection.createArrayOf(
                    entityType == EntityType.INTEGER ? "bigint" : "text", bound(ids));
            statement.setArray(1, array);
            read(statement, rows::put);
          }
        }
        case SQLITE -> {
          for (int from = 0; from < ids.size(); from += SQLITE_CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + SQLITE_CHUNK));
            String sql =
                select
                    + " WHERE "
                    + config.keyColumn()
                    + " IN ("
                    + "?, ".repeat(chunk.size() - 1)
                    + "?)";
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
              statement.setQueryTimeout(seconds(remaining(budget, started)));
              for (int i = 0; i < chunk.size(); i++) {
                bind(statement, i + 1, chunk.get(i));
              }
              read(statement, rows::put);
            }
          }
        }
      }
    } catch (SQLException e) {
      throw failure(e, started);
    }
    long now = clock.millis();
    for (String id : ids) {
      rows.computeIfAbsent(id, missing -> FeatureRow.missing(features.size(), now));
    }
    return rows;
  }

  /**
   * Every row of the source, up to {@code limit}, for the warm-up, streamed (the driver fetches
   * {@value #SQLITE_CHUNK} rows at a time).
   *
   * @return how many rows were read
   */
  long scan(long limit, Duration timeout, BiConsumer<String, FeatureRow> into) {
    long started = System.nanoTime();
    try (Connection connection = pool.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      if (database == Database.POSTGRESQL) {
        // The PostgreSQL driver streams with a fetch size only inside a transaction.
        connection.setAutoCommit(false);
      }
      try (PreparedStatement statement =
          connection.prepareStatement(
              select + " LIMIT " + limit,
              ResultSet.TYPE_FORWARD_ONLY,
              ResultSet.CONCUR_READ_ONLY)) {
        statement.setFetchSize(SQLITE_CHUNK);
        statement.setQueryTimeout(seconds(timeout));
        long[] count = {0};
        read(
            statement,
            (id, row) -> {
              count[0]++;
              into.accept(id, row);
            });
        return count[0];
      } finally {
        if (database == Database.POSTGRESQL) {
          connection.rollback();
          connection.setAutoCommit(autoCommit);
        }
      }
    } catch (SQLException e) {
      throw failure(e, started);
    }
  }

  private Object[] bound(List<String> ids) {
    Object[] values = new Object[ids.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] =
          entityType == EntityType.INTEGER ? (Object) Long.parseLong(ids.get(i)) : ids.get(i);
    }
    return values;
  }

  private void bind(PreparedStatement statement, int index, String id) throws SQLException {
    if (entityType == EntityType.INTEGER) {
      statement.setLong(index, Long.parseLong(id));
    } else {
      statement.setString(index, id);
    }
  }

  private void read(PreparedStatement statement, BiConsumer<String, FeatureRow> into)
      throws SQLException {
    long now = clock.millis();
    int n = features.size();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        String id =
            entityType == EntityType.INTEGER ? Long.toString(rows.getLong(1)) : rows.getString(1);
        if (id == null || rows.wasNull()) {
          continue;
        }
        double[] values = new double[n];
        boolean[] nulls = new boolean[n];
        for (int i = 0; i < n; i++) {
          values[i] = rows.getDouble(i + 2);
          nulls[i] = rows.wasNull();
        }
        long eventTime =
            config.timestampColumn() == null
                ? FeatureRow.NO_TIME
                : epochMillis(rows.getObject(n + 2));
        into.accept(id, new FeatureRow(true, values, nulls, eventTime, now));
      }
    }
  }

  /** A timestamp column's value: epoch ms as a number, a SQL timestamp, or ISO-8601 text. */
  private static long epochMillis(Object value) {
    return switch (value) {
      case null -> FeatureRow.NO_TIME;
      case Number number -> number.longValue();
      case Timestamp timestamp -> timestamp.getTime();
      case OffsetDateTime time -> time.toInstant().toEpochMilli();
      case java.util.Date date -> date.getTime();
      case String text -> parseTime(text);
      default -> FeatureRow.NO_TIME;
    };
  }

  private static long parseTime(String text) {
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (RuntimeException e) {
      try {
        return Timestamp.valueOf(text).getTime();
      } catch (RuntimeException again) {
        return FeatureRow.NO_TIME;
      }
    }
  }

  private static Duration remaining(Duration budget, long startedNanos) {
    return budget.minusNanos(System.nanoTime() - startedNanos);
  }

  private static int seconds(Duration budget) {
    // JDBC query timeouts are whole seconds; the pool wait and PostgreSQL's statement_timeout
    // hold the finer bound.
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (budget.toMillis() + 999) / 1000));
  }

  private RuntimeException failure(SQLException e, long startedNanos) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    boolean statementWrong =
        state.startsWith("42")
            || (database == Database.SQLITE
                && e.getErrorCode() == 1
                && String.valueOf(e.getMessage()).contains("no such"));
    if (statementWrong) {
      return new ModelExecutionException(
          "features", describe() + ": '" + select + "' failed: " + e.getMessage(), e);
    }
    String problem;
    if (e instanceof SQLTimeoutException
        || e instanceof SQLTransientException
        || "57014".equals(state)) {
      problem =
          "no answer within "
              + Duration.ofNanos(System.nanoTime() - startedNanos).toMillis()
              + " ms ("
              + rootMessage(e)
              + ")";
    } else {
      problem = rootMessage(e);
    }
    return new DependencyUnavailableException(describe(), problem, RETRY_AFTER, e);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }

  @Override
  public void close() {
    pool.close();
  }
}
