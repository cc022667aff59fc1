package io.mlsys.registry.jdbc;

import io.mlsys.core.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * MLflow's search filter syntax, parsed into a typed tree: comparisons joined by {@code AND}
 * (MLflow has no {@code OR}), each {@code <identifier> <comparator> <value>}. Identifiers are
 * {@code name}, {@code tags.<key>}, {@code params.<key>}, {@code metrics.<key>} or {@code
 * attributes.<name>} (also singular and {@code attr.}); a key with spaces or dots is quoted in
 * backticks or double quotes ({@code tags.`my key`}). Values are quoted strings ({@code 'iris'} or
 * {@code "iris"}), numbers, or for {@code IN} a parenthesized list of strings.
 */
record SearchFilter(List<Comparison> comparisons) {
  static final String FIELD = "filter";
  static final SearchFilter ALL = new SearchFilter(List.of());

  SearchFilter {
    comparisons = List.copyOf(comparisons);
  }

  /** What an identifier names. */
  enum Kind {
    ATTRIBUTE,
    TAG,
    PARAM,
    METRIC
  }

  /**
   * @param prefixed whether the text named its kind ({@code attributes.name} rather than {@code
   *     name})
   */
  record Key(Kind kind, String name, boolean prefixed) {
    @Override
    public String toString() {
      return switch (kind) {
        case ATTRIBUTE -> prefixed ? "attributes." + name : name;
        case TAG -> "tags." + name;
        case PARAM -> "params." + name;
        case METRIC -> "metrics." + name;
      };
    }
  }

  enum Op {
    EQ("="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">="),
    LIKE("LIKE"),
    ILIKE("ILIKE"),
    IN("IN"),
    NOT_IN("NOT IN");

    final String text;

    Op(String text) {
      this.text = text;
    }

    boolean numericOnly() {
      return this == LT || this == LE || this == GT || this == GE;
    }
  }

  /** A literal: a quoted string, a number, or a list of strings (for IN). */
  sealed interface Value permits Text, Number, TextList {}

  record Text(String value) implements Value {}

  /**
   * @param text the number as written (so an integer column compares exactly)
   */
  record Number(double value, String text) implements Value {}

  record TextList(List<String> values) implements Value {
    TextList {
      values = List.copyOf(values);
    }
  }

  record Comparison(Key key, Op op, Value value) {
    @Override
    public String toString() {
      return key + " " + op.text + " " + value;
    }
  }

  /**
   * @throws InvalidInputException naming {@code filter} with what is wrong and what was expected
   */
  static SearchFilter parse(String text) {
    if (text == null || text.isBlank()) {
      return ALL;
    }
    return new Parser(text).filter();
  }

  /**
   * Parses one identifier alone (an {@code order_by} key).
   *
   * @throws InvalidInputException naming {@code field}
   */
  static Key parseKey(String text, String field) {
    Parser parser = new Parser(text);
    Key key;
    try {
      key = parser.key();
    } catch (InvalidInputException e) {
      throw new InvalidInputException(field, "'" + text + "' is not an identifier");
    }
    if (parser.pos != text.length()) {
      throw new InvalidInputException(field, "'" + text + "' is not an identifier");
    }
    return key;
  }

  private static final class Parser {
    private final String text;
    private int pos;

    Parser(String text) {
      this.text = text;
    }

    SearchFilter filter() {
      List<Comparison> comparisons = new ArrayList<>();
      comparisons.add(comparison());
      while (true) {
        skipSpace();
        if (pos >= text.length()) {
          return new SearchFilter(comparisons);
        }
        String word = peekWord();
        if (word.equalsIgnoreCase("AND")) {
          pos += word.length();
          comparisons.add(comparison());
        } else if (word.equalsIgnoreCase("OR")) {
          throw error("OR is not supported (MLflow filters join comparisons with AND only)");
        } else {
          throw error("unexpected '" + rest() + "' (expected AND and another comparison)");
        }
      }
    }

    private Comparison comparison() {
      Key key = key();
      Op op = op(key);
      Value value = op == Op.IN || op == Op.NOT_IN ? list() : value(key, op);
      return new Comparison(key, op, value);
    }

    private Key key() {
      skipSpace();
      if (pos >= text.length()) {
        throw error("missing a comparison at the end (expected e.g. name = 'iris')");
      }
      String first = identifierPart();
      if (pos < text.length() && text.charAt(pos) == '.') {
        pos++;
        String rest = identifierPart();
        // Unquoted keys may contain dots (metrics.val.acc): take the remaining dotted parts.
        while (pos < text.length() && text.charAt(pos) == '.') {
          pos++;
          rest = rest + "." + identifierPart();
        }
        Kind kind =
            switch (first.toLowerCase(Locale.ROOT)) {
              case "tags", "tag" -> Kind.TAG;
              case "params", "param", "parameter", "parameters" -> Kind.PARAM;
              case "metrics", "metric" -> Kind.METRIC;
              case "attributes", "attribute", "attr", "run" -> Kind.ATTRIBUTE;
              default ->
                  throw error(
                      "'"
                          + first
                          + "' is not an identifier type (expected tags, params, metrics or"
                          + " attributes)");
            };
        if (rest.isEmpty()) {
          throw error("empty key after '" + first + ".'");
        }
        return new Key(kind, rest, true);
      }
      if (first.isEmpty()) {
        throw error("expected an identifier at '" + rest() + "'");
      }
      return new Key(Kind.ATTRIBUTE, first, false);
    }

    /** A bare word, or one quoted in backticks or double quotes. */
    private String identifierPart() {
      if (pos < text.length() && (text.charAt(pos) == '`' || text.charAt(pos) == '"')) {
        char quote = text.charAt(pos);
        int end = text.indexOf(quote, pos + 1);
        if (end < 0) {
          throw error("unclosed " + quote + " in an identifier");
        }
        String quoted = text.substring(pos + 1, end);
        pos = end + 1;
        return quoted;
      }
      int start = pos;
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '/' || c == ':') {
          pos++;
        } else {
          break;
        }
      }
      return text.substring(start, pos);
    }

    private Op op(Key key) {
      skipSpace();
      if (pos >= text.length()) {
        throw error(
            "missing a comparator after '"
                + key
                + "' (expected =, !=, <, <=, >, >=, LIKE, ILIKE or IN)");
      }
      for (String symbol : List.of("!=", "<=", ">=", "<>", "=", "<", ">")) {
        if (text.startsWith(symbol, pos)) {
          pos += symbol.length();
          return switch (symbol) {
            case "!=", "<>" -> Op.NE;
            case "<=" -> Op.LE;
            case ">=" -> Op.GE;
            case "=" -> Op.EQ;
            case "<" -> Op.LT;
            default -> Op.GT;
          };
        }
      }
      String word = peekWord().toUpperCase(Locale.ROOT);
      switch (word) {
        case "LIKE" -> {
          pos += word.length();
          return Op.LIKE;
        }
        case "ILIKE" -> {
          pos += word.length();
          return Op.ILIKE;
        }
        case "IN" -> {
          pos += word.length();
          return Op.IN;
        }
        case "NOT" -> {
          pos += word.length();
          skipSpace();
          if (peekWord().equalsIgnoreCase("IN")) {
            pos += 2;
            return Op.NOT_IN;
          }
          throw error("NOT must be followed by IN");
        }
        default ->
            throw error(
                "'"
                    + rest()
                    + "' after '"
                    + key
                    + "' is not a comparator (expected =, !=, <, <=, >, >=, LIKE, ILIKE, IN or NOT"
                    + " IN)");
      }
    }

    private Value value(Key key, Op op) {
      skipSpace();
      if (pos >= text.length()) {
        throw error("missing a value after '" + key + " " + op.text + "'");
      }
      char c = text.charAt(pos);
      if (c == '\'' || c == '"') {
        return new Text(quoted());
      }
      int start = pos;
      while (pos < text.length()
          && (Character.isLetterOrDigit(text.charAt(pos))
              || "+-.".indexOf(text.charAt(pos)) >= 0)) {
        pos++;
      }
      String word = text.substring(start, pos);
      if (NUMBER.matcher(word).matches()) {
        return new Number(Double.parseDouble(word), word);
      }
      throw error(
          "value '"
              + word
              + "' of '"
              + key
              + "' is neither a quoted string nor a number (expected e.g. '"
              + word
              + "' in quotes)");
    }

    private TextList list() {
      skipSpace();
      if (pos >= text.length() || text.charAt(pos) != '(') {
        throw error("IN needs a parenthesized list of quoted strings, e.g. ('a', 'b')");
      }
      pos++;
      List<String> values = new ArrayList<>();
      while (true) {
        skipSpace();
        if (pos >= text.length()) {
          throw error("unclosed ( in an IN list");
        }
        char c = text.charAt(pos);
        if (c != '\'' && c != '"') {
          throw error("IN lists hold quoted strings, e.g. ('a', 'b'); found '" + rest() + "'");
        }
        values.add(quoted());
        skipSpace();
        if (pos < text.length() && text.charAt(pos) == ',') {
          pos++;
        } else if (pos < text.length() && text.charAt(pos) == ')') {
          pos++;
          return new TextList(values);
        } else {
          throw error("expected , or ) in an IN list at '" + rest() + "'");
        }
      }
    }

    private String quoted() {
      char quote = text.charAt(pos);
      StringBuilder value = new StringBuilder();
      int i = pos + 1;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (c == '\\' && i + 1 < text.length()) {
          value.append(text.charAt(i + 1));
          i += 2;
        } else if (c == quote) {
          // SQL style: a doubled quote is one quote.
          if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
            value.append(quote);
            i += 2;
          } else {
            pos = i + 1;
            return value.toString();
          }
        } else {
          value.append(c);
          i++;
        }
      }
      throw error("unclosed " + quote + " in a string value");
    }

    private String peekWord() {
      int end = pos;
      while (end < text.length() && Character.isLetter(text.charAt(end))) {
        end++;
      }
      return text.substring(pos, end);
    }

    private void skipSpace() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    private String rest() {
      String rest = text.substring(Math.min(pos, text.length()));
      return rest.length() > 40 ? rest.substring(0, 40) + "..." : rest;
    }

    private InvalidInputException error(String problem) {
      return new InvalidInputException(
          FIELD, problem + " in '" + text + "' at character " + (pos + 1) + EXPECTED);
    }
  }

  private static final java.util.regex.Pattern NUMBER =
      java.util.regex.Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");

  static final String EXPECTED =
      " (expected comparisons joined by AND, such as name LIKE 'iris%' AND tags.team = 'ml')";
}
