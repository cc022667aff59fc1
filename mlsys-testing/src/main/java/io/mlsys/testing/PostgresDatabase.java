package io.mlsys.testing;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A database of its own, with a random name, on the machine's PostgreSQL (127.0.0.1:5432, user
 * {@code postgres}, trust auth; {@code -Dmlsys.postgres.url=jdbc:postgresql://host:port/} and
 * {@code -Dmlsys.postgres.user=...} point elsewhere); dropped on close. Tests that use it fail,
 * rather than skip, when the server is not there: {@code .ci/run} starts it.
 *
 * <p>Needs the PostgreSQL JDBC driver on the test class path.
 */
public final class PostgresDatabase implements AutoCloseable {
  private static final String DEFAULT_SERVER = "jdbc:postgresql://127.0.0.1:5432/";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String server;
  private final String user;
  private final String name;

  private PostgresDatabase(String server, String user, String name) {
    this.server = server;
    this.user = user;
    this.name = name;
  }

  /** Creates {@code mlsys_test_<prefix>_<random>}. */
  public static PostgresDatabase create(String prefix) {
    String server = System.getProperty("mlsys.postgres.url", DEFAULT_SERVER);
    String user = System.getProperty("mlsys.postgres.user", "postgres");
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    String name =
        "mlsys_test_"
            + prefix.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "")
            + "_"
            + HexFormat.of().formatHex(bytes);
    PostgresDatabase database = new PostgresDatabase(server, user, name);
    database.admin("CREATE DATABASE " + name);
    return database;
  }

  /** The JDBC URL of the database. */
  public String url() {
    return server + name;
  }

  public String user() {
    return user;
  }

  public String name() {
    return name;
  }

  private void admin(String sql) {
    try (Connection connection = DriverManager.getConnection(server + "postgres", user, null);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL at " + server + " (user " + user + "): " + sql + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }
}
