package io.mlsys.registry.jdbc;

import io.mlsys.core.InvalidInputException;
import io.mlsys.registry.jdbc.SearchFilter.Comparison;
import io.mlsys.registry.jdbc.SearchFilter.Kind;
import io.mlsys.registry.jdbc.SearchFilter.Op;
import io.mlsys.registry.jdbc.SearchFilter.Text;
import io.mlsys.registry.jdbc.SearchFilter.TextList;
import io.mlsys.store.Database;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one kind of search may filter and order on, and how that becomes SQL: the fields MLflow
 * documents for that search, with their comparators. Column names and joins here are trusted
 * constants; every value from the filter is a parameter.
 */
final class SearchSpec {
  enum Type {
    STRING,
    INTEGER,
    NUMBER
  }

  static final Set<Op> STRING_OPS = EnumSet.of(Op.EQ, Op.NE, Op.LIKE, Op.ILIKE);
  static final Set<Op> KEY_VALUE_OPS =
      EnumSet.of(Op.EQ, Op.NE, Op.LIKE, Op.ILIKE, Op.IN, Op.NOT_IN);
  static final Set<Op> ID_OPS = EnumSet.of(Op.EQ, Op.NE, Op.IN, Op.NOT_IN);
  static final Set<Op> NUMBER_OPS = EnumSet.of(Op.EQ, Op.NE, Op.LT, Op.LE, Op.GT, Op.GE);

  /** An attribute: its column (qualified), its type and the comparators it takes. */
  record Field(String column, Type type, Set<Op> ops) {}

  /**
   * A key/value table (tags, params, latest metrics) joined to the searched row.
   *
   * @param table the table, aliased {@code kv}
   * @param join the condition that ties {@code kv} to the outer row
   */
  record KeyValues(String table, String join) {}

  private final String what;
  private final Map<String, Field> filterFields;
  private final Map<String, String> orderFields;
  private final KeyValues tags;
  private final KeyValues params;
  private final KeyValues metrics;
  private final List<String> defaultOrder;
  private final String tieBreaker;

  private SearchSpec(Builder builder) {
    this.what = builder.what;
    this.filterFields = Map.copyOf(builder.filterFields);
    this.orderFields = Map.copyOf(builder.orderFields);
    this.tags = builder.tags;
    this.params = builder.params;
    this.metrics = builder.metrics;
    this.defaultOrder = List.copyOf(builder.defaultOrder);
    this.tieBreaker = builder.tieBreaker;
  }

  static Builder builder(String what) {
    return new Builder(what);
  }

  static final class Builder {
    private final String what;
    private final Map<String, Field> filterFields = new LinkedHashMap<>();
    private final Map<String, String> orderFields = new LinkedHashMap<>();
    private KeyValues tags;
    private KeyValues params;
    private KeyValues metrics;
    private List<String> defaultOrder = List.of();
    private String tieBreaker;

    private Builder(String what) {
      this.what = what;
    }

    Builder filter(String name, String column, Type type, Set<Op> ops) {
      filterFields.put(name, new Field(column, type, ops));
      return this;
    }

    Builder order(String name, String column) {
      orderFields.put(name, column);
      return this;
    }

    Builder tags(String table, String join) {
      tags = new KeyValues(table, join);
      return this;
    }

    Builder params(String table, String join) {
      params = new KeyValues(table, join);
      return this;
    }

    Builder metrics(String table, String join) {
      metrics = new KeyValues(table, join);
      return this;
    }

    /**
     * @param order trusted ORDER BY terms used when the query gives none
     * @param tie a unique column that makes every order total (stable pages)
     */
    Builder defaultOrder(List<String> order, String tie) {
      defaultOrder = order;
      tieBreaker = tie;
      return this;
    }

    SearchSpec build() {
      return new SearchSpec(this);
    }
  }

  /** The WHERE condition of a filter (without WHERE), or an empty Sql for no filter. */
  Sql where(SearchFilter filter, Database database) {
    Sql sql = new Sql();
    String separator = "";
    for (Comparison comparison : filter.comparisons()) {
      sql.append(separator).append(condition(comparison, database));
      separator = " AND ";
    }
    return sql;
  }

  private Sql condition(Comparison c, Database database) {
    return switch (c.key().kind()) {
      case ATTRIBUTE -> attribute(c, database);
      case TAG -> keyValue(c, tags, "tags", Type.STRING, database);
      case PARAM -> keyValue(c, params, "params", Type.STRING, database);
      case METRIC -> keyValue(c, metrics, "metrics", Type.NUMBER, database);
    };
  }

  private Sql attribute(Comparison c, Database database) {
    Field field = filterFields.get(c.key().name().toLowerCase(Locale.ROOT));
    if (field == null) {
      throw invalid(
          "'"
              + c.key()
              + "' is not a field "
              + what
              + " can be filtered on (expected one of: "
              + String.join(", ", new TreeSet<>(filterFields.keySet()))
              + (tags != null ? ", tags.<key>" : "")
              + (params != null ? ", params.<key>" : "")
              + (metrics != null ? ", metrics.<key>" : "")
              + ")");
    }
    return compare(c, field.column(), field.type(), field.ops(), database);
  }

  private Sql keyValue(Comparison c, KeyValues table, String kind, Type type, Database database) {
    if (table == null) {
      throw invalid("'" + c.key() + "': " + what + " have no " + kind);
    }
    Sql sql = new Sql();
    sql.append("EXISTS (SELECT 1 FROM ")
        .append(table.table())
        .append(" kv WHERE ")
        .append(table.join())
        .append(" AND kv.key = ")
        .param(c.key().name())
        .append(" AND ");
    if (type == Type.NUMBER) {
      sql.append("kv.is_nan = ").param(false).append(" AND ");
    }
    Set<Op> ops = type == Type.NUMBER ? NUMBER_OPS : KEY_VALUE_OPS;
    return sql.append(compare(c, "kv.value", type, ops, database)).append(")");
  }

  private Sql compare(Comparison c, String column, Type type, Set<Op> ops, Database database) {
    if (!ops.contains(c.op())) {
      throw invalid(
          "'"
              + c.key()
              + "' takes no "
              + c.op().text
              + " (expected one of: "
              + String.join(", ", ops.stream().map(op -> op.text).toList())
              + ")");
    }
    Sql sql = new Sql();
    switch (c.value()) {
      case TextList list -> {
        if (type != Type.STRING) {
          throw invalid("'" + c.key() + "' compares with a number, not a list");
        }
        sql.append(column).append(c.op() == Op.IN ? " IN (" : " NOT IN (");
        String separator = "";
        for (String value : list.values()) {
          sql.append(separator).param(value);
          separator = ", ";
        }
        sql.append(")");
      }
      case Text text -> {
        if (type != Type.STRING) {
          throw invalid(
              "'"
                  + c.key()
                  + "' compares with a number (expected e.g. "
                  + c.key()
                  + " > 0.5), not the string '"
                  + text.value()
                  + "'");
        }
        switch (c.op()) {
          case EQ -> sql.append(column).append(" = ").param(text.value());
          case NE -> sql.append(column).append(" != ").param(text.value());
          case LIKE -> like(sql, column, text.value(), database, false);
          case ILIKE -> like(sql, column, text.value(), database, true);
          default -> throw new AssertionError(c.op());
        }
      }
      case SearchFilter.Number number -> {
        if (type == Type.STRING) {
          throw invalid(
              "'"
                  + c.key()
                  + "' compares with a quoted string (expected e.g. "
                  + c.key()
                  + " = '"
                  + number.text()
                  + "')");
        }
        Object value;
        if (type == Type.INTEGER) {
          if (number.value() != Math.rint(number.value())) {
            throw invalid("'" + c.key() + "' is an integer, not " + number.text());
          }
          value = (long) number.value();
        } else {
          value = number.value();
        }
        sql.append(column).append(" ").append(c.op().text).append(" ").param(value);
      }
    }
    return sql;
  }

  /**
   * MLflow's LIKE is case-sensitive with {@code %} and {@code _} and no escape character; SQLite's
   * LIKE ignores case, so SQLite uses GLOB with the pattern translated.
   */
  private static void like(
      Sql sql, String column, String pattern, Database database, boolean ignoreCase) {
    switch (database) {
      case SQLITE -> {
        if (ignoreCase) {
          sql.append("lower(").append(column).append(") LIKE lower(").param(pattern).append(")");
        } else {
          sql.append(column).append(" GLOB ").param(glob(pattern));
        }
      }
      case POSTGRESQL ->
          sql.append(column)
              .append(ignoreCase ? " ILIKE " : " LIKE ")
              .param(pattern)
              .append(" ESCAPE ''");
    }
  }

  static String glob(String likePattern) {
    StringBuilder glob = new StringBuilder();
    for (char c : likePattern.toCharArray()) {
      switch (c) {
        case '%' -> glob.append('*');
        case '_' -> glob.append('?');
        case '*' -> glob.append("[*]");
        case '?' -> glob.append("[?]");
        case '[' -> glob.append("[[]");
        default -> glob.append(c);
      }
    }
    return glob.toString();
  }

  /**
   * The ORDER BY terms (without ORDER BY) of MLflow order clauses such as {@code name ASC} or
   * {@code metrics.acc DESC}; values missing sort last; the tie breaker always ends the list.
   */
  Sql orderBy(List<String> clauses) {
    Sql sql = new Sql();
    String separator = "";
    if (clauses.isEmpty()) {
      for (String term : defaultOrder) {
        sql.append(separator).append(term);
        separator = ", ";
      }
    }
    for (String clause : clauses) {
      String trimmed = clause == null ? "" : clause.strip();
      boolean descending = false;
      String upper = trimmed.toUpperCase(Locale.ROOT);
      if (upper.endsWith(" DESC")) {
        descending = true;
        trimmed = trimmed.substring(0, trimmed.length() - 5).strip();
      } else if (upper.endsWith(" ASC")) {
        trimmed = trimmed.substring(0, trimmed.length() - 4).strip();
      }
      if (trimmed.isEmpty()) {
        throw invalidOrder(clause);
      }
      SearchFilter.Key key = SearchFilter.parseKey(trimmed, "order_by");
      Sql expression = new Sql();
      switch (key.kind()) {
        case ATTRIBUTE -> {
          String column = orderFields.get(key.name().toLowerCase(Locale.ROOT));
          if (column == null) {
            throw invalidOrder(clause);
          }
          expression.append(column);
        }
        case TAG, PARAM, METRIC -> {
          KeyValues table =
              key.kind() == Kind.TAG ? tags : key.kind() == Kind.PARAM ? params : metrics;
          if (table == null) {
            throw invalidOrder(clause);
          }
          expression
              .append("(SELECT kv.value FROM ")
              .append(table.table())
              .append(" kv WHERE ")
              .append(table.join())
              .append(" AND kv.key = ")
              .param(key.name())
              .append(")");
        }
      }
      // Missing values last in either direction, as MLflow sorts them.
      sql.append(separator)
          .append("CASE WHEN ")
          .append(expression)
          .append(" IS NULL THEN 1 ELSE 0 END, ")
          .append(expression)
          .append(descending ? " DESC" : " ASC");
      separator = ", ";
    }
    sql.append(separator).append(tieBreaker);
    return sql;
  }

  private InvalidInputException invalidOrder(String clause) {
    return new InvalidInputException(
        "order_by",
        "'"
            + clause
            + "' is not an order of "
            + what
            + " (expected <field> [ASC|DESC] with a field of: "
            + String.join(", ", new TreeSet<>(orderFields.keySet()))
            + (metrics != null ? ", metrics.<key>, params.<key>, tags.<key>" : "")
            + ")");
  }

  private static InvalidInputException invalid(String problem) {
    return new InvalidInputException(SearchFilter.FIELD, problem);
  }
}
