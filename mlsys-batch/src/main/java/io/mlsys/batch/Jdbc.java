package io.mlsys.batch;

import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/** SQL text shared by the JDBC source and sink. */
final class Jdbc {
  private Jdbc() {}

  /** A column name quoted for PostgreSQL, SQLite and DuckDB alike. */
  static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  static String quoteAll(List<String> names) {
    return names.stream().map(Jdbc::quote).collect(Collectors.joining(", "));
  }

  static Properties properties(JdbcTable table) {
    Properties properties = new Properties();
    if (table.user() != null) {
      properties.setProperty("user", table.user());
    }
    if (table.password() != null) {
      properties.setProperty("password", table.password());
    }
    if (table.url().startsWith("jdbc:sqlite:")) {
      // WAL: a source that streams a table does not block a sink writing the same file; the
      // busy timeout waits out another writer instead of failing at once.
      properties.setProperty("journal_mode", "WAL");
      properties.setProperty("busy_timeout", "10000");
    }
    return properties;
  }

  /** The column type of a kind, understood by PostgreSQL, SQLite and DuckDB. */
  static String type(Columns.Kind kind) {
    return switch (kind) {
      case INTEGER -> "BIGINT";
      case REAL -> "DOUBLE PRECISION";
      case BOOLEAN -> "BOOLEAN";
      case TEXT -> "TEXT";
    };
  }
}
