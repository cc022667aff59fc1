package io.mlsys.features;

import io.mlsys.config.ConfigException;
import io.mlsys.config.Durations;
import io.mlsys.config.Violations;
import io.mlsys.store.Database;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a {@code features} node reads feature vectors: a table or a query of a SQLite file or a
 * PostgreSQL database, one row per entity ({@code features.source}).
 *
 * @param url {@code jdbc:sqlite:PATH} (the default kind of source) or {@code
 *     jdbc:postgresql://HOST:PORT/DB}
 * @param user the PostgreSQL user; null for none (SQLite, trust authentication)
 * @param password the PostgreSQL password, best given as {@code ${VAR}}; null for none
 * @param table the table (or view) to read, {@code name} or {@code schema.name}; exclusive with
 *     {@code query}
 * @param query a {@code SELECT} whose columns include the key and the features (joins, renames...);
 *     read as {@code SELECT ... FROM (query) AS q WHERE key IN (...)}, so the database filters by
 *     key; exclusive with {@code table}
 * @param keyColumn the column holding the entity id; null: {@value #DEFAULT_KEY_COLUMN}
 * @param timestampColumn the column holding when each row's features were computed (an epoch
 *     milliseconds integer, or a SQL timestamp), against which {@code max-age} tells stale rows;
 *     null: rows are never stale
 * @param timeout the longest one fetch may take (connection wait and query); null: {@value
 *     #DEFAULT_TIMEOUT_MS} ms. A source that does not answer in time is a 503, never a hang.
 * @param poolSize connections to the database; null: {@value #DEFAULT_POOL_SIZE}
 */
public record FeatureSourceConfig(
    String url,
    String user,
    String password,
    String table,
    String query,
    String keyColumn,
    String timestampColumn,
    Duration timeout,
    Integer poolSize) {
  public static final String DEFAULT_KEY_COLUMN = "id";
  public static final long DEFAULT_TIMEOUT_MS = 1000;
  public static final int DEFAULT_POOL_SIZE = 4;
  public static final int MAX_POOL_SIZE = 64;

  static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final Pattern QUALIFIED =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
  static final String EXPECTED_IDENTIFIER = "a column name: letters, digits and _";

  /**
   * @throws ConfigException naming each bad key
   */
  public FeatureSourceConfig {
    keyColumn = Objects.requireNonNullElse(keyColumn, DEFAULT_KEY_COLUMN);
    timeout = Objects.requireNonNullElse(timeout, Duration.ofMillis(DEFAULT_TIMEOUT_MS));
    poolSize = Objects.requireNonNullElse(poolSize, DEFAULT_POOL_SIZE);
    Violations violations = new Violations();
    String expectedUrl = "jdbc:sqlite:PATH or jdbc:postgresql://HOST:PORT/DB";
    if (violations.present("url", url, expectedUrl)) {
      violations.check(databaseOf(url) != null, "url", url, expectedUrl);
    }
    String expectedOne = "one of table or query";
    if (table == null && query == null) {
      violations.add("table", "missing (expected: " + expectedOne + ")");
    } else if (table != null && query != null) {
      violations.invalid("query", query, expectedOne + ", not both");
    }
    if (table != null) {
      violations.check(
          QUALIFIED.matcher(table).matches(), "table", table, "a table name or schema.table");
    }
    if (query != null) {
      violations.check(
          query.strip().toLowerCase(Locale.ROOT).startsWith("select")
              || query.strip().toLowerCase(Locale.ROOT).startsWith("with"),
          "query",
          query,
          "a SELECT (or WITH ... SELECT) statement");
      violations.check(!query.contains(";"), "query", query, "one statement, without ';'");
    }
    violations.check(
        IDENTIFIER.matcher(keyColumn).matches(), "key-column", keyColumn, EXPECTED_IDENTIFIER);
    if (timestampColumn != null) {
      violations.check(
          IDENTIFIER.matcher(timestampColumn).matches(),
          "timestamp-column",
          timestampColumn,
          EXPECTED_IDENTIFIER);
    }
    violations.check(
        !timeout.isNegative() && !timeout.isZero(),
        "timeout",
        timeout,
        Durations.EXPECTED + ", > 0");
    violations.check(
        poolSize >= 1 && poolSize <= MAX_POOL_SIZE,
        "pool-size",
        poolSize,
        "an integer from 1 to " + MAX_POOL_SIZE);
    violations.throwIfAny(null);
  }

  /** A table of a database, with every default. */
  public static FeatureSourceConfig table(String url, String table) {
    return new FeatureSourceConfig(url, null, null, table, null, null, null, null, null);
  }

  /** This source with another key column. */
  public FeatureSourceConfig withKeyColumn(String column) {
    return new FeatureSourceConfig(
        url, user, password, table, query, column, timestampColumn, timeout, poolSize);
  }

  /** This source with a timestamp column. */
  public FeatureSourceConfig withTimestampColumn(String column) {
    return new FeatureSourceConfig(
        url, user, password, table, query, keyColumn, column, timeout, poolSize);
  }

  /** This source with another timeout. */
  public FeatureSourceConfig withTimeout(Duration newTimeout) {
    return new FeatureSourceConfig(
        url, user, password, table, query, keyColumn, timestampColumn, newTimeout, poolSize);
  }

  /** This source with a user and password. */
  public FeatureSourceConfig withCredentials(String newUser, String newPassword) {
    return new FeatureSourceConfig(
        url, newUser, newPassword, table, query, keyColumn, timestampColumn, timeout, poolSize);
  }

  /** The database of the URL. */
  public Database database() {
    return databaseOf(url);
  }

  /** The URL without its query string (where credentials may sit), for messages. */
  public String describe() {
    int question = url.indexOf('?');
    return "feature source '" + (question < 0 ? url : url.substring(0, question)) + "'";
  }

  private static Database databaseOf(String url) {
    if (url.startsWith("jdbc:sqlite:") && url.length() > "jdbc:sqlite:".length()) {
      return Database.SQLITE;
    }
    if (url.startsWith("jdbc:postgresql:")) {
      return Database.POSTGRESQL;
    }
    return null;
  }

  @Override
  public String toString() {
    // The password stays out of logs and messages.
    return "FeatureSourceConfig[url="
        + describe()
        + ", table="
        + table
        + ", query="
        + query
        + ", key-column="
        + keyColumn
        + "]";
  }
}
