package io.mlsys.batch;

import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.util.regex.Pattern;

/**
 * A table (or, as a source, a query) of a database reached over JDBC: PostgreSQL, SQLite (and
 * DuckDB, which reads Parquet).
 *
 * @param url the JDBC URL, such as {@code jdbc:postgresql://127.0.0.1:5432/test} or {@code
 *     jdbc:sqlite:./rows.db}
 * @param user the user, or null (from the URL or the driver's default)
 * @param password the password, or null; write it as {@code ${VAR}} so that it comes from the
 *     environment
 * @param table the table: a source reads it, a sink creates it when absent and inserts into it
 * @param query a source only: the query whose rows to predict, instead of {@code table}; it must
 *     return the rows in the same order every time (an {@code ORDER BY}), since a resumed run skips
 *     the rows done by counting
 * @param orderBy a table source only: the columns that order its rows (so a resumed run skips the
 *     same rows), such as {@code id}; null reads in the database's order, which PostgreSQL does not
 *     promise to keep
 */
public record JdbcTable(
    String url, String user, String password, String table, String query, String orderBy) {
  /** A table or column name: letters, digits and underscores, optionally schema-qualified. */
  static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

  private static final Pattern ORDER =
      Pattern.compile(
          "[A-Za-z_][A-Za-z0-9_]*( (?i:asc|desc))?(, ?[A-Za-z_][A-Za-z0-9_]*( (?i:asc|desc))?)*");

  /**
   * @throws ConfigException listing every invalid field
   */
  public JdbcTable {
    Violations violations = new Violations();
    violations.check(url != null && url.startsWith("jdbc:"), "url", url, "a JDBC URL (jdbc:...)");
    violations.check(
        (table == null) != (query == null), "table", table, "exactly one of table and query");
    violations.check(
        table == null || NAME.matcher(table).matches(),
        "table",
        table,
        "a table name ([A-Za-z_][A-Za-z0-9_]*, optionally schema.table)");
    violations.check(
        orderBy == null || (table != null && ORDER.matcher(orderBy).matches()),
        "order-by",
        orderBy,
        "columns such as 'id' or 'day, id desc', with table (a query orders its own rows)");
    violations.throwIfAny(null);
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "JdbcTable[url="
        + url
        + (table != null ? ", table=" + table : ", query=" + query)
        + (password != null ? ", password=****" : "")
        + "]";
  }

  /** Where it is, for messages and checkpoints (no password). */
  String describe() {
    return url + (table != null ? " table " + table : " query " + query);
  }
}
