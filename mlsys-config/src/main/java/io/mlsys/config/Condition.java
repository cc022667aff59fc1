package io.mlsys.config;

import java.util.Objects;

/**
 * A rule as written ({@code source}) and as parsed ({@code expression}).
 *
 * @param source the text from the config, shown in errors and in the parameters API
 * @param expression its syntax tree
 */
public record Condition(String source, Expression expression) {
  /** The longest rule, in characters. */
  public static final int MAX_LENGTH = 1000;

  /** How deep parentheses and negations may nest. */
  public static final int MAX_DEPTH = 32;

  public Condition {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(expression, "expression");
  }

  /**
   * Parses a rule.
   *
   * @throws ConfigException with one violation (empty path) naming the column and what was
   *     expected, e.g. {@code 'x >' (expected: a value after '>' at column 3)}; a rule is at most
   *     {@value #MAX_LENGTH} characters and nests at most {@value #MAX_DEPTH} levels deep
   */
  public static Condition parse(String source) {
    return new Condition(source, ExpressionParser.parse(source));
  }
}
