package io.mlsys.config;

/** Parses rule expressions; the grammar is in docs/configuration.md. */
final class ExpressionParser {
  private ExpressionParser() {}

  static Expression parse(String source) {
    throw new UnsupportedOperationException("written by the config helper");
  }
}
