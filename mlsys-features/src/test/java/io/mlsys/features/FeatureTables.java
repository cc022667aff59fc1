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

  /**
   * Creates {@code iris (id, sepal_length, sepal_width, petal_length, petal_width, updated_ms)}
   * from the fixture's measurements, row {@code i} of the file as id {@code i} (from 1).
   */
  static int createIris(String url, String user, java.nio.file.Path csv, long updatedMs)
      throws Exception {
    java.util.List<String> lines = java.nio.file.Files.readAllLines(csv);
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    try (Connection connection = DriverManager.getConnection(url, properties)) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.execute(
            "CREATE TABLE iris (id BIGINT PRIMARY KEY, sepal_length REAL, sepal_width REAL,"
                + " petal_length REAL, petal_width REAL, updated_ms BIGINT)");
      }
      try (PreparedStatement insert =
          connection.prepareStatement("INSERT INTO iris VALUES (?, ?, ?, ?, ?, ?)")) {
        int id = 0;
        for (String line : lines) {
          if (line.isBlank()) {
            continue;
          }
          String[] cells = line.split(",");
          insert.setLong(1, ++id);
          for (int i = 0; i < 4; i++) {
            insert.setDouble(2 + i, Double.parseDouble(cells[i].strip()));
          }
          insert.setLong(6, updatedMs);
          insert.addBatch();
        }
        insert.executeBatch();
        connection.commit();
        return id;
      }
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
