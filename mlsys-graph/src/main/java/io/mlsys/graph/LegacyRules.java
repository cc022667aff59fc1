package io.mlsys.graph;

import io.mlsys.config.ConfigException;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Rewrites a rule written in the rule syntax mlsys had before CEL ({@link ExpressionParser}) to
 * CEL, so that the loader can show the rewrite when a rule does not compile. The old language's
 * meanings are kept where CEL can say them: a header compared with a number is read as a number
 * ({@code double(headers.n)}), {@code time} is compared with {@code duration('9h30m')}, and a value
 * used as a condition is tested the way the old language did ({@code headers.x-debug} held unless
 * absent, empty, "false" or "0").
 */
final class LegacyRules {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private LegacyRules() {}

  /** The rule in CEL, or null when it is not an old rule or its rewrite does not compile. */
  static String rewrite(String source) {
    Expression expression;
    try {
      expression = ExpressionParser.parse(source);
    } catch (ConfigException | IllegalArgumentException e) {
      return null;
    }
    String cel;
    try {
      cel = condition(expression);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return Condition.compiles(cel) ? cel : null;
  }

  /** An expression used as a condition. */
  private static String condition(Expression expression) {
    return switch (expression) {
      case Expression.Compare compare -> compare(compare);
      case Expression.In in ->
          value(in.value(), null)
              + " in ["
              + String.join(", ", in.choices().stream().map(c -> value(c, in.value())).toList())
              + "]";
      case Expression.And and -> join(and.terms(), " && ", true);
      case Expression.Or or -> join(or.terms(), " || ", false);
      case Expression.Not not -> "!(" + condition(not.term()) + ")";
      case Expression.Literal literal ->
          switch (literal.value()) {
            case null -> "false";
            case Boolean b -> b.toString();
            case Double d -> Boolean.toString(d != 0 && !d.isNaN());
            case String s ->
                Boolean.toString(!s.isEmpty() && !s.equalsIgnoreCase("false") && !s.equals("0"));
            default -> throw new IllegalArgumentException(literal.toString());
          };
      case Expression.HeaderRef header ->
          "("
              + quote(header.name().toLowerCase(Locale.ROOT))
              + " in headers && !("
              + value(header, null)
              + " in ['', '0', 'false', 'False', 'FALSE']))";
      case Expression.ParameterRef parameter ->
          "("
              + quote(parameter.name())
              + " in parameters && !("
              + value(parameter, null)
              + " in [false, 0, 0.0, '', '0', 'false']))";
      case Expression.InputRef input -> value(input, null) + " != 0";
      case Expression.OutputRef output -> value(output, null) + " != 0";
      case Expression.TimeOfDay ignored -> "true";
    };
  }

  private static String join(List<Expression> terms, String operator, boolean wrapOr) {
    StringBuilder text = new StringBuilder();
    for (Expression term : terms) {
      if (!text.isEmpty()) {
        text.append(operator);
      }
      String inner = condition(term);
      text.append(wrapOr && term instanceof Expression.Or ? "(" + inner + ")" : inner);
    }
    return text.toString();
  }

  private static String compare(Expression.Compare compare) {
    Expression absent = isNull(compare.right()) ? compare.left() : compare.right();
    if (isNull(compare.left()) || isNull(compare.right())) {
      // The old language's null was an absent header or parameter.
      String key =
          switch (absent) {
            case Expression.HeaderRef header ->
                quote(header.name().toLowerCase(Locale.ROOT)) + " in headers";
            case Expression.ParameterRef parameter -> quote(parameter.name()) + " in parameters";
            default -> throw new IllegalArgumentException("null compared with " + absent);
          };
      return switch (compare.operator()) {
        case EQ -> "!(" + key + ")";
        case NE -> key;
        default -> "false";
      };
    }
    String left = value(compare.left(), compare.right());
    String right = value(compare.right(), compare.left());
    return left + " " + compare.operator().symbol() + " " + right;
  }

  private static boolean isNull(Expression expression) {
    return expression instanceof Expression.Literal literal && literal.value() == null;
  }

  /** A value; {@code other} is what it is compared with, or null. */
  private static String value(Expression expression, Expression other) {
    return switch (expression) {
      case Expression.Literal literal -> literal(literal.value(), other);
      case Expression.HeaderRef header -> {
        String ref = member("headers", header.name().toLowerCase(Locale.ROOT));
        yield isNumber(other) ? "double(" + ref + ")" : ref;
      }
      case Expression.ParameterRef parameter -> member("parameters", parameter.name());
      case Expression.InputRef input -> member("inputs", input.tensor()) + indices(input.indices());
      case Expression.OutputRef output ->
          member(member("outputs", output.step()), output.tensor()) + indices(output.indices());
      case Expression.TimeOfDay ignored -> "time";
      default -> "(" + condition(expression) + ")";
    };
  }

  private static boolean isNumber(Expression other) {
    return other instanceof Expression.Literal literal && literal.value() instanceof Double
        || other instanceof Expression.InputRef
        || other instanceof Expression.OutputRef;
  }

  private static String literal(Object value, Expression other) {
    return switch (value) {
      case null -> "null";
      case Boolean b -> b.toString();
      case Double d ->
          d == Math.rint(d) && !Double.isInfinite(d)
              ? Long.toString(d.longValue())
              : Double.toString(d);
      case String s -> other instanceof Expression.TimeOfDay ? duration(s) : quote(s);
      default -> throw new IllegalArgumentException(value.toString());
    };
  }

  /** 'HH:MM[:SS]' as a CEL duration since midnight. */
  private static String duration(String text) {
    LocalTime time;
    try {
      time = LocalTime.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(text, e);
    }
    StringBuilder cel = new StringBuilder("duration('");
    if (time.getHour() > 0) {
      cel.append(time.getHour()).append('h');
    }
    if (time.getMinute() > 0) {
      cel.append(time.getMinute()).append('m');
    }
    if (time.getSecond() > 0 || time.toSecondOfDay() == 0) {
      cel.append(time.getSecond()).append('s');
    }
    return cel.append("')").toString();
  }

  private static String member(String base, String name) {
    return IDENTIFIER.matcher(name).matches() && !isReserved(name)
        ? base + "." + name
        : base + "[" + quote(name) + "]";
  }

  private static boolean isReserved(String name) {
    return switch (name) {
      case "in",
          "as",
          "break",
          "const",
          "continue",
          "else",
          "for",
          "function",
          "if",
          "import",
          "let",
          "loop",
          "package",
          "namespace",
          "return",
          "var",
          "void",
          "while",
          "true",
          "false",
          "null" ->
          true;
      default -> false;
    };
  }

  private static String indices(List<Integer> indices) {
    StringBuilder text = new StringBuilder();
    for (int index : indices) {
      text.append('[').append(index).append(']');
    }
    return text.toString();
  }

  private static String quote(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
