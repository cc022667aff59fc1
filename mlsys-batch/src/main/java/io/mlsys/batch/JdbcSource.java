package io.mlsys.batch;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The rows of a table or query, streamed (PostgreSQL: a cursor of {@value #FETCH_ROWS} rows a round
 * trip, which needs a transaction). Also reads Parquet, through DuckDB's {@code read_parquet}.
 */
final class JdbcSource implements RowSource {
  static final int FETCH_ROWS = 2_000;

  private final String url;
  private final java.util.Properties properties;
  private final String sql;
  private final String identity;
  private Connection connection;
  private Statement statement;
  private ResultSet rows;
  private int width;

  private JdbcSource(String url, java.util.Properties properties, String sql, String identity) {
    this.url = url;
    this.properties = properties;
    this.sql = sql;
    this.identity = identity;
  }

  static JdbcSource of(JdbcTable table, List<String> columns) {
    String select = columns == null ? "*" : Jdbc.quoteAll(columns);
    String sql =
        table.query() != null
            ? (columns == null
                ? table.query()
                : "SELECT " + select + " FROM (" + table.query() + ") q")
            : "SELECT "
                + select
                + " FROM "
                + table.table()
                + (table.orderBy() == null ? "" : " ORDER BY " + table.orderBy());
    return new JdbcSource(
        table.url(), Jdbc.properties(table), sql, "jdbc " + table.url() + " " + sql);
  }

  /** The rows of a Parquet file or of a folder's Parquet files, in file-name order. */
  static JdbcSource parquet(java.nio.file.Path path, List<String> columns, String identity) {
    String files =
        java.nio.file.Files.isDirectory(path)
            ? path.resolve("*.parquet").toString()
            : path.toString();
    String from =
        " FROM read_parquet('"
            + files.replace("'", "''")
            + "', filename = true, file_row_number = true) ORDER BY filename, file_row_number";
    String sql =
        columns == null
            ? "SELECT * EXCLUDE (filename, file_row_number)" + from
            : "SELECT " + Jdbc.quoteAll(columns) + from;
    return new JdbcSource("jdbc:duckdb:", new java.util.Properties(), sql, identity);
  }

  @Override
  public String identity() {
    return identity;
  }

  @Override
  public void open(long rowsDone, Boolean header) throws IOException {
    try {
      connection = java.sql.DriverManager.getConnection(url, properties);
      connection.setAutoCommit(false);
      statement =
          connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
      statement.setFetchSize(FETCH_ROWS);
      rows = statement.executeQuery(sql);
      width = rows.getMetaData().getColumnCount();
      for (long i = 0; i < rowsDone && rows.next(); i++) {
        // skipped: done by an earlier run
      }
    } catch (SQLException e) {
      throw new BatchException("source " + url + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Row next() throws IOException {
    try {
      if (!rows.next()) {
        return null;
      }
      String[] fields = new String[width];
      for (int i = 0; i < width; i++) {
        String value = rows.getString(i + 1);
        fields[i] = value == null ? "" : value;
      }
      return new Row(fields, null, null);
    } catch (SQLException e) {
      throw new BatchException("source " + url + ": " + e.getMessage(), e);
    }
  }

  @Override
  public double fraction() {
    return -1;
  }

  @Override
  public void close() throws IOException {
    try {
      if (connection != null) {
        connection.rollback();
        connection.close();
      }
    } catch (SQLException e) {
      throw new IOException("source " + url + ": " + e.getMessage(), e);
    }
  }
}
