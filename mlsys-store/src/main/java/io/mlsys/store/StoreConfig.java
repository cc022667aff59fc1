package io.mlsys.store;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.util.regex.Pattern;

/**
 * Where mlsys keeps its records ({@code store:} in mlsys.yaml).
 *
 * @param url null for the embedded SQLite files in the data directory ({@code
 *     <data-dir>/<owner>.db}, one per owner); or {@code jdbc:postgresql://host:port/database} for a
 *     store that several servers share (one schema per owner)
 * @param user PostgreSQL user, or null (from the URL or the driver's default)
 * @param password PostgreSQL password, or null; write it as {@code ${VAR}} so that it comes from
 *     the environment, not from the file
 * @param poolSize connections per owner's pool, 1 to {@value #MAX_POOL_SIZE}
 * @param schema PostgreSQL only: the prefix of the owners' schemas ({@code <schema>_registry},
 *     {@code <schema>_jobs}, ...), a lower-case SQL identifier
 */
public record StoreConfig(String url, String user, String password, int poolSize, String schema) {

  public static final int DEFAULT_POOL_SIZE = 8;
  public static final int MAX_POOL_SIZE = 256;
  public static final String DEFAULT_SCHEMA = "mlsys";
  static final String POSTGRESQL_PREFIX = "jdbc:postgresql:";
  static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

  /**
   * @throws ConfigException listing every invalid field
   */
  public StoreConfig {
    schema = schema == null ? DEFAULT_SCHEMA : schema;
    Violations violations = new Violations();
    violations.check(
        url == null || url.startsWith(POSTGRESQL_PREFIX),
        "url",
        url,
        "absent for the embedded SQLite store, or jdbc:postgresql://host:port/database");
    violations.check(
        poolSize >= 1 && poolSize <= MAX_POOL_SIZE,
        "pool-size",
        poolSize,
        "an integer from 1 to " + MAX_POOL_SIZE);
    violations.check(
        IDENTIFIER.matcher(schema).matches(),
        "schema",
        schema,
        "a lower-case SQL identifier of up to 40 characters ([a-z_][a-z0-9_]*)");
    violations.throwIfAny(null);
  }

  /** The embedded SQLite store with {@value #DEFAULT_POOL_SIZE} connections per owner. */
  @ConfigDefaults
  public static StoreConfig defaults() {
    return new StoreConfig(null, null, null, DEFAULT_POOL_SIZE, DEFAULT_SCHEMA);
  }

  /** A PostgreSQL store with the default pool and schema prefix. */
  public static StoreConfig postgresql(String url, String user, String password) {
    return new StoreConfig(url, user, password, DEFAULT_POOL_SIZE, DEFAULT_SCHEMA);
  }

  public StoreConfig withPoolSize(int newPoolSize) {
    return new StoreConfig(url, user, password, newPoolSize, schema);
  }

  public StoreConfig withSchema(String newSchema) {
    return new StoreConfig(url, user, password, poolSize, newSchema);
  }

  /** Which database this configuration opens. */
  public Database database() {
    return url == null ? Database.SQLITE : Database.POSTGRESQL;
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "StoreConfig[url="
        + url
        + ", user="
        + user
        + ", password="
        + (password == null ? "null" : "***")
        + ", poolSize="
        + poolSize
        + ", schema="
        + schema
        + "]";
  }
}
