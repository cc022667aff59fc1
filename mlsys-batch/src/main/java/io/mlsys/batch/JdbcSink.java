package io.mlsys.batch;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A database table, created when absent with a {@code "row" BIGINT PRIMARY KEY} column first. Each
 * chunk's rows are inserted in batches in one transaction; the position is the last row number
 * committed, and a resumed run deletes the rows after it (a run killed between its commit and its
 * checkpoint wrote them), so each row is in the table once, on PostgreSQL and SQLite alike.
 */
final class JdbcSink implements RowSink {
  private static final int INSERT_BATCH = 1_000;

  private final JdbcTable table;
  private Connection connection;
  private PreparedStatement insert;
  private Columns columns;
  private long lastRow;
  private int pending;

  JdbcSink(JdbcTable table) {
    this.table = table;
  }

  @Override
  public String describe() {
    return table.describe();
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      connection = DriverManager.getConnection(table.url(), Jdbc.properties(table));
      connection.setAutoCommit(false);
    }
    return connection;
  }

  @Override
  public boolean exists() throws IOException {
    try (Statement statement = connection().createStatement()) {
      statement.executeQuery("SELECT 1 FROM " + table.table() + " WHERE 1 = 0").close();
      connection.commit();
      return true;
    } catch (SQLException e) {
      try {
        connection.rollback();
      } catch (SQLException ignored) {
        // The connection is closed with the sink.
      }
      return false;
    }
  }

  @Override
  public void open(Columns newColumns, String position) throws IOException {
    this.columns = newColumns;
    StringBuilder create =
        new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(table.table()).append(" (");
    for (int i = 0; i < columns.size(); i++) {
      if (i > 0) {
        create.append(", ");
      }
      create
          .append(Jdbc.quote(columns.names().get(i)))
          .append(' ')
          .append(Jdbc.type(columns.kinds().get(i)));
      if (i == 0) {
        create.append(" PRIMARY KEY");
      }
    }
    create.append(')');
    lastRow = position == null ? 0 : Long.parseLong(position);
    try {
      Connection c = connection();
      try (Statement statement = c.createStatement()) {
        statement.execute(create.toString());
      }
      try (PreparedStatement delete =
          c.prepareStatement(
              "DELETE FROM "
                  + table.table()
                  + " WHERE "
                  + Jdbc.quote(columns.names().get(0))
                  + " > ?")) {
        delete.setLong(1, lastRow);
        delete.executeUpdate();
      }
      c.commit();
      insert =
          c.prepareStatement(
              "INSERT INTO "
                  + table.table()
                  + " ("
                  + Jdbc.quoteAll(columns.names())
                  + ") VALUES ("
                  + "?, ".repeat(columns.size() - 1)
                  + "?)");
    } catch (SQLException e) {
      throw new BatchException("sink " + describe() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean isOpen() {
    return insert != null;
  }

  @Override
  public void write(String[] fields) throws IOException {
    try {
      for (int i = 0; i < fields.length; i++) {
        String value = fields[i];
        switch (columns.kinds().get(i)) {
          case INTEGER -> insert.setLong(i + 1, Long.parseLong(value));
          case REAL -> insert.setDouble(i + 1, Double.parseDouble(value));
          case BOOLEAN -> insert.setBoolean(i + 1, Boolean.parseBoolean(value));
          case TEXT -> insert.setString(i + 1, value);
        }
      }
      insert.addBatch();
      lastRow = Long.parseLong(fields[0]);
      if (++pending == INSERT_BATCH) {
        insert.executeBatch();
        pending = 0;
      }
    } catch (SQLException e) {
      throw new BatchException("sink " + describe() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String commit() throws IOException {
    try {
      if (pending > 0) {
        insert.executeBatch();
        pending = 0;
      }
      connection.commit();
      return Long.toString(lastRow);
    } catch (SQLException e) {
      throw new BatchException("sink " + describe() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (connection != null) {
        connection.rollback();
        connection.close();
      }
    } catch (SQLException e) {
      throw new IOException("sink " + describe() + ": " + e.getMessage(), e);
    }
  }
}
