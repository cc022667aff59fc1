package io.mlsys.registry.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** SQL text built from trusted pieces, with the user's values kept apart as parameters. */
final class Sql {
  private final StringBuilder text = new StringBuilder();
  private final List<Object> params = new ArrayList<>();

  Sql append(String trusted) {
    text.append(trusted);
    return this;
  }

  /** Appends {@code ?} and binds {@code value} to it. */
  Sql param(Object value) {
    text.append('?');
    params.add(value);
    return this;
  }

  Sql append(Sql other) {
    text.append(other.text);
    params.addAll(other.params);
    return this;
  }

  boolean isEmpty() {
    return text.isEmpty();
  }

  String text() {
    return text.toString();
  }

  PreparedStatement prepare(Connection connection) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(text.toString());
    bind(statement, params);
    return statement;
  }

  static void bind(PreparedStatement statement, List<?> values) throws SQLException {
    for (int i = 0; i < values.size(); i++) {
      bind(statement, i + 1, values.get(i));
    }
  }

  static void bind(PreparedStatement statement, int index, Object value) throws SQLException {
    switch (value) {
      case null -> statement.setNull(index, Types.NULL);
      case String s -> statement.setString(index, s);
      case Long l -> statement.setLong(index, l);
      case Integer i -> statement.setLong(index, i);
      case Double d -> statement.setDouble(index, d);
      case Boolean b -> statement.setBoolean(index, b);
      default -> throw new IllegalArgumentException("cannot bind " + value.getClass());
    }
  }

  @Override
  public String toString() {
    return text + " " + params;
  }
}
