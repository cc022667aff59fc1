package io.mlsys.features;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** Writes the feature tables tests read: iris-like measurements by id, with a timestamp. */
final class FeatureTables {
  private FeatureTables() {}

  static final String CREATE =
      "CREATE TABLE flowers (id BIGINT PRIMARY KEY, sepal_length DOUBLE PRECISION,"
          + " sepal_width DOUBLE PRECISION, petal_length DOUBLE PRECISION,"
          + " petal_width DOUBLE PRECISION, updated_ms BIGINT, name TEXT)";

  /**
   * Creates {@code flowers} with rows 1..{@code count}: values id+0.1 .. id+0.4, updated at {@code
   * updatedMs}.
   */
  static void create(String url, String user, long count, long updatedMs) throws SQLException {
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    try (Connection connection = DriverManager.getConnection(url, properties)) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.execute(CREATE);
      }
      try (PreparedStatement insert =
          connection.prepareStatement("INSERT INTO flowers VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        for (long id = 1; id <= count; id++) {
          insert.setLong(1, id);
          for (int i = 0; i < 4; i++) {
            insert.setDouble(2 + i, id + 0.1 * (i + 1));
          }
          insert.setLong(6, updatedMs);
          insert.setString(7, "flower-" + id);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      connection.commit();
    }
  }

  /** Runs one statement. */
  static void execute(String url, String user, String sql) throws SQLException {
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    try (Connection connection = DriverManager.getConnection(url, properties);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
