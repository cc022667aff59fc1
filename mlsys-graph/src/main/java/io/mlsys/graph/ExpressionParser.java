package io.mlsys.graph;

import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import io.mlsys.graph.Expression.Operator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses rules in the syntax mlsys had before CEL, by recursive descent, for {@link LegacyRules}
 * (the grammar: git history of docs/configuration.md before CEL). The parser reads characters
 * directly rather than a token stream because what a name may hold depends on where it is ({@code
 * headers.x-tier} holds a '-', {@code inputs.a/b:0} a '/' and a ':').
 *
 * <p>Every error is one {@link ConfigException} with an empty path whose problem quotes the rule
 * and ends with the 1-based column of the problem: at the end of the rule, the column of the last
 * token read ({@code 'x >' (expected: a value after '>' at column 3)}); otherwise the column of
 * what was found instead.
 */
final class ExpressionParser {
  /** Longer rules are refused before parsing. */
  private static final int MAX_LENGTH = 1000;

  /** Parentheses and negations nest at most this deep, so parsing never overflows the stack. */
  private static final int MAX_DEPTH = 32;

  private static final Pattern NUMBER =
      Pattern.compile("-?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
  private static final String VALUE =
      "a value (a number, 'text', true, false, null, time, headers.NAME, parameters.NAME,"
          + " inputs.TENSOR or outputs.STEP.TENSOR)";
  private static final String LITERAL = "a number, 'text', true, false or null";

  private final String source;
  private int pos;
  private int depth;
  private String lastToken;
  private int lastColumn;

  private ExpressionParser(String source) {
    this.source = source;
  }

  static Expression parse(String source) {
    Objects.requireNonNull(source, "source");
    if (source.length() > MAX_LENGTH) {
      throw new ConfigException(
          "",
          source.length()
              + " characters (expected: a rule of at most "
              + MAX_LENGTH
              + " characters)");
    }
    if (source.isBlank()) {
      throw new ConfigException(
          "", Violations.describe(source) + " (expected: a rule such as inputs.x[0] > 2.5)");
    }
    ExpressionParser parser = new ExpressionParser(source);
    Expression expression = parser.or();
    parser.skipSpaces();
    if (!parser.atEnd()) {
      throw parser.instead("'&&', '||' or the end");
    }
    return expression;
  }

  // ---- grammar

  private Expression or() {
    List<Expression> terms = new ArrayList<>();
    terms.add(and());
    while (true) {
      skipSpaces();
      if (symbol("||") || word("or")) {
        terms.add(and());
      } else if (peek() == '|') {
        throw error("'||' instead of '|'", pos + 1);
      } else {
        return terms.size() == 1 ? terms.getFirst() : new Expression.Or(terms);
      }
    }
  }

  private Expression and() {
    List<Expression> terms = new ArrayList<>();
    terms.add(unary());
    while (true) {
      skipSpaces();
      if (symbol("&&") || word("and")) {
        terms.add(unary());
      } else if (peek() == '&') {
        throw error("'&&' instead of '&'", pos + 1);
      } else {
        return terms.size() == 1 ? terms.getFirst() : new Expression.And(terms);
      }
    }
  }

  private Expression unary() {
    skipSpaces();
    int start = pos;
    boolean negated = (peek() == '!' && peek(1) != '=') ? symbol("!") : word("not");
    if (!negated) {
      return comparison();
    }
    enter(start);
    Expression term = unary();
    depth--;
    return new Expression.Not(term);
  }

  private Expression comparison() {
    Expression left = operand();
    skipSpaces();
    Operator operator = operator();
    if (operator != null) {
      return new Expression.Compare(operator, left, operand());
    }
    if (word("in")) {
      return new Expression.In(left, list());
    }
    return left;
  }

  private Operator operator() {
    for (Operator operator : List.of(Operator.EQ, Operator.NE, Operator.LE, Operator.GE)) {
      if (symbol(operator.symbol())) {
        return operator;
      }
    }
    if (source.startsWith("=>", pos)) {
      throw error("'>=' instead of '=>'", pos + 1);
    }
    if (source.startsWith("=<", pos)) {
      throw error("'<=' instead of '=<'", pos + 1);
    }
    if (peek() == '=') {
      throw error("'==' instead of '='", pos + 1);
    }
    if (symbol("<")) {
      return Operator.LT;
    }
    return symbol(">") ? Operator.GT : null;
  }

  private Expression operand() {
    skipSpaces();
    if (atEnd()) {
      throw missing("a value");
    }
    char c = peek();
    if (c == '(') {
      int open = pos;
      symbol("(");
      enter(open);
      Expression inner = or();
      skipSpaces();
      if (!symbol(")")) {
        if (atEnd()) {
          throw error("')' to close the '('", open + 1);
        }
        throw instead("'&&', '||' or ')'");
      }
      depth--;
      return inner;
    }
    if (c == '\'' || c == '"') {
      return new Expression.Literal(string());
    }
    if (isNumberStart()) {
      return new Expression.Literal(number());
    }
    if (!isLetter(c)) {
      throw instead(VALUE);
    }
    String name = peekWord();
    return switch (name) {
      case "true", "false", "null" -> new Expression.Literal(keywordLiteral());
      case "time" -> {
        word("time");
        yield new Expression.TimeOfDay();
      }
      case "headers" -> {
        word("headers");
        dot("a header name");
        yield new Expression.HeaderRef(name("a header name", "-").toLowerCase(Locale.ROOT));
      }
      case "parameters" -> {
        word("parameters");
        dot("a parameter name");
        yield new Expression.ParameterRef(name("a parameter name", ".-"));
      }
      case "inputs" -> {
        word("inputs");
        String tensor = tensorName();
        yield new Expression.InputRef(tensor, indices());
      }
      case "outputs" -> {
        word("outputs");
        dot("a step name");
        String step = name("a step name", "-");
        String tensor = tensorName();
        yield new Expression.OutputRef(step, tensor, indices());
      }
      default -> throw instead(VALUE);
    };
  }

  private List<Expression> list() {
    skipSpaces();
    if (!symbol("[")) {
      throw expected("a list such as ['a', 'b']");
    }
    List<Expression> choices = new ArrayList<>();
    while (true) {
      choices.add(new Expression.Literal(literal()));
      skipSpaces();
      if (symbol("]")) {
        return choices;
      }
      if (!symbol(",")) {
        throw expected("',' or ']'");
      }
    }
  }

  /** A constant of a list. */
  private Object literal() {
    skipSpaces();
    if (atEnd()) {
      throw missing(LITERAL);
    }
    char c = peek();
    if (c == '\'' || c == '"') {
      return string();
    }
    if (isNumberStart()) {
      return number();
    }
    String name = isLetter(c) ? peekWord() : "";
    if (name.equals("true") || name.equals("false") || name.equals("null")) {
      return keywordLiteral();
    }
    throw instead(LITERAL);
  }

  private Boolean keywordLiteral() {
    if (word("true")) {
      return Boolean.TRUE;
    }
    if (word("false")) {
      return Boolean.FALSE;
    }
    word("null");
    return null;
  }

  // ---- references

  private void dot(String what) {
    if (!symbol(".")) {
      throw expected("'.' and " + what);
    }
  }

  /** A name of letters, digits, '_' and the given extra characters. */
  private String name(String what, String extra) {
    int start = pos;
    while (!atEnd() && (isWordChar(peek()) || extra.indexOf(peek()) >= 0)) {
      pos++;
    }
    if (start == pos) {
      throw expected(what);
    }
    String name = source.substring(start, pos);
    lastToken = name;
    lastColumn = start + 1;
    return name;
  }

  /** {@code .TENSOR} or {@code ['TENSOR']}. */
  private String tensorName() {
    if (symbol(".")) {
      return name("a tensor name", ".:/-");
    }
    if (!symbol("[")) {
      throw expected("'.TENSOR' or ['TENSOR']");
    }
    skipSpaces();
    if (peek() != '\'' && peek() != '"') {
      throw expected("a tensor name in quotes");
    }
    String tensor = string();
    skipSpaces();
    if (!symbol("]")) {
      throw expected("']'");
    }
    return tensor;
  }

  private List<Integer> indices() {
    List<Integer> indices = new ArrayList<>();
    while (true) {
      int save = pos;
      skipSpaces();
      if (!symbol("[")) {
        pos = save;
        return indices;
      }
      skipSpaces();
      int start = pos;
      while (!atEnd() && peek() >= '0' && peek() <= '9') {
        pos++;
      }
      String digits = source.substring(start, pos);
      if (digits.isEmpty() || digits.length() > 10 || Long.parseLong(digits) > Integer.MAX_VALUE) {
        pos = start;
        throw expected("an index (an integer >= 0)");
      }
      lastToken = digits;
      lastColumn = start + 1;
      indices.add(Integer.parseInt(digits));
      skipSpaces();
      if (!symbol("]")) {
        throw expected("']'");
      }
    }
  }

  // ---- literals

  private String string() {
    char quote = peek();
    int start = pos;
    StringBuilder text = new StringBuilder();
    int i = pos + 1;
    while (true) {
      if (i >= source.length()) {
        throw error("a closing " + quote + " for the text that starts", start + 1);
      }
      char c = source.charAt(i);
      if (c == quote) {
        break;
      }
      if (c == '\\') {
        char next = i + 1 < source.length() ? source.charAt(i + 1) : 0;
        if (next != '\\' && next != '\'' && next != '"') {
          throw error("\\\\, \\' or \\\" (an escaped character) after the '\\'", i + 1);
        }
        text.append(next);
        i += 2;
      } else {
        text.append(c);
        i++;
      }
    }
    lastToken = source.substring(start, i + 1);
    lastColumn = start + 1;
    pos = i + 1;
    return text.toString();
  }

  private Double number() {
    Matcher matcher = NUMBER.matcher(source).region(pos, source.length());
    int end = matcher.lookingAt() ? matcher.end() : pos;
    if (end == pos || (end < source.length() && isNumberChar(source.charAt(end)))) {
      int runEnd = pos + 1;
      while (runEnd < source.length() && isNumberChar(source.charAt(runEnd))) {
        runEnd++;
      }
      throw error("a number instead of '" + source.substring(pos, runEnd) + "'", pos + 1);
    }
    String text = source.substring(pos, end);
    double value = Double.parseDouble(text);
    if (Double.isInfinite(value)) {
      throw error("a finite number instead of '" + text + "'", pos + 1);
    }
    lastToken = text;
    lastColumn = pos + 1;
    pos = end;
    return value;
  }

  private boolean isNumberStart() {
    char c = peek();
    char next = peek(1);
    return (c >= '0' && c <= '9')
        || (c == '.' && next >= '0' && next <= '9')
        || (c == '-' && ((next >= '0' && next <= '9') || next == '.'));
  }

  // ---- characters and tokens

  private void enter(int start) {
    depth++;
    if (depth > MAX_DEPTH) {
      throw error("at most " + MAX_DEPTH + " nested parentheses and negations", start + 1);
    }
  }

  private boolean atEnd() {
    return pos >= source.length();
  }

  private char peek() {
    return peek(0);
  }

  private char peek(int ahead) {
    int at = pos + ahead;
    return at < source.length() ? source.charAt(at) : 0;
  }

  private void skipSpaces() {
    while (!atEnd() && isSpace(peek())) {
      pos++;
    }
  }

  /** Consumes {@code symbol} when it is next. */
  private boolean symbol(String symbol) {
    if (!source.startsWith(symbol, pos)) {
      return false;
    }
    consume(symbol.length());
    return true;
  }

  /** Consumes the keyword {@code word} when it is the whole next word. */
  private boolean word(String word) {
    if (atEnd() || !isLetter(peek()) || !peekWord().equals(word)) {
      return false;
    }
    consume(word.length());
    return true;
  }

  private String peekWord() {
    int end = pos;
    while (end < source.length() && isWordChar(source.charAt(end))) {
      end++;
    }
    return source.substring(pos, end);
  }

  private void consume(int length) {
    lastToken = source.substring(pos, pos + length);
    lastColumn = pos + 1;
    pos += length;
  }

  /** What stands at the current position, as shown in a message. */
  private String found() {
    char c = peek();
    if (isWordChar(c)) {
      return peekWord();
    }
    for (String two : List.of("==", "!=", "<=", ">=", "&&", "||")) {
      if (source.startsWith(two, pos)) {
        return two;
      }
    }
    return String.valueOf(c);
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isWordChar(char c) {
    return isLetter(c) || (c >= '0' && c <= '9') || c == '_';
  }

  private static boolean isNumberChar(char c) {
    return isWordChar(c) || c == '.';
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  // ---- errors

  /** {@code expected} is missing at the end of the rule (or before a space). */
  private ConfigException missing(String expected) {
    if (lastToken == null) {
      return error(expected, pos + 1);
    }
    return error(expected + " after '" + lastToken + "'", lastColumn);
  }

  /** {@code expected} is missing: at the end or before a space, else in place of something. */
  private ConfigException expected(String expected) {
    return atEnd() || isSpace(peek()) ? missing(expected) : instead(expected);
  }

  /** Something else stands where {@code expected} should. */
  private ConfigException instead(String expected) {
    if (atEnd()) {
      return missing(expected);
    }
    return error(expected + " instead of '" + found() + "'", pos + 1);
  }

  private ConfigException error(String expected, int column) {
    return new ConfigException(
        "", Violations.describe(source) + " (expected: " + expected + " at column " + column + ")");
  }
}
