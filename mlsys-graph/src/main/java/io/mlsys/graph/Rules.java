package io.mlsys.graph;

import io.mlsys.config.Condition;
import io.mlsys.config.Expression;
import io.mlsys.config.Expression.Operator;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Rule expressions compiled once per graph and evaluated per request. Values are String, Double,
 * Boolean, LocalTime (the {@code time} of day) or null.
 *
 * <p>Comparisons: numbers numerically, strings lexically, times as times of day; a string compared
 * with a number, a boolean or a time is read as one when it parses (headers are strings); values of
 * different kinds are never equal and never ordered; null equals only null. Used as a condition,
 * null, false, 0, NaN, the empty string, {@code "false"} and {@code "0"} are false, every other
 * value true.
 */
final class Rules {
  private Rules() {}

  /** A compiled expression. */
  sealed interface Term {}

  record Constant(Object value) implements Term {}

  record Header(String name) implements Term {}

  record Parameter(String name) implements Term {}

  /** {@code inputs.T[i]...}: an element of a tensor of the request the node received. */
  record Input(String tensor, int[] indices, String source) implements Term {}

  /** {@code outputs.STEP.T[i]...}: an element of an earlier step's answer. */
  record Output(int step, String stepName, String tensor, int[] indices, String source)
      implements Term {}

  record TimeOfDay() implements Term {}

  record Compare(Operator operator, Term left, Term right) implements Term {}

  record In(Term value, Term[] choices) implements Term {}

  record And(Term[] terms) implements Term {}

  record Or(Term[] terms) implements Term {}

  record Not(Term term) implements Term {}

  /**
   * What a rule may read while it runs.
   *
   * @param steps the answers of the enclosing sequence's steps by index (null where a step did not
   *     run), or null outside a sequence
   * @param path the rule's node path, named by errors
   */
  record Scope(
      InferRequest request, CallContext context, InferResponse[] steps, ZoneId zone, String path) {}

  /**
   * Compiles a rule, reporting what is wrong with it to {@code violations} at {@code configPath}.
   *
   * @param earlierSteps step name to index of the steps before the rule's step; null for switch
   *     rules, which read no step outputs
   */
  static Term compile(
      Condition condition,
      Map<String, Integer> earlierSteps,
      String configPath,
      Violations violations) {
    return new Compiler(condition.source(), earlierSteps, configPath, violations)
        .compile(condition.expression());
  }

  /** Every {@code inputs} and {@code outputs} reference of a rule, for signature checks. */
  static void references(Term term, Consumer<Term> sink) {
    switch (term) {
      case Input input -> sink.accept(input);
      case Output output -> sink.accept(output);
      case Constant ignored -> {}
      case Header ignored -> {}
      case Parameter ignored -> {}
      case TimeOfDay ignored -> {}
      case Compare compare -> {
        references(compare.left(), sink);
        references(compare.right(), sink);
      }
      case In in -> {
        references(in.value(), sink);
        for (Term choice : in.choices()) {
          references(choice, sink);
        }
      }
      case And and -> {
        for (Term inner : and.terms()) {
          references(inner, sink);
        }
      }
      case Or or -> {
        for (Term inner : or.terms()) {
          references(inner, sink);
        }
      }
      case Not not -> references(not.term(), sink);
    }
  }

  /** Whether the rule holds. */
  static boolean test(Term term, Scope scope) {
    return truthy(evaluate(term, scope));
  }

  static Object evaluate(Term term, Scope scope) {
    return switch (term) {
      case Constant constant -> constant.value();
      case Header header -> scope.context().headers().get(header.name());
      case Parameter parameter -> value(scope.request().parameters().get(parameter.name()));
      case Input input -> {
        Tensor tensor = find(scope.request().inputs(), input.tensor());
        if (tensor == null) {
          throw new InvalidInputException(
              scope.path(),
              input.source()
                  + ": the request has no input '"
                  + input.tensor()
                  + "' (expected: one of "
                  + names(scope.request().inputs())
                  + ")");
        }
        yield element(tensor, input.indices(), input.source(), scope.path());
      }
      case Output output -> {
        InferResponse answer = scope.steps()[output.step()];
        if (answer == null) {
          // The step was skipped: its outputs do not exist.
          yield null;
        }
        Tensor tensor = find(answer.outputs(), output.tensor());
        if (tensor == null) {
          throw new InvalidInputException(
              scope.path(),
              output.source()
                  + ": step '"
                  + output.stepName()
                  + "' answered no '"
                  + output.tensor()
                  + "' (expected: one of "
                  + names(answer.outputs())
                  + ")");
        }
        yield element(tensor, output.indices(), output.source(), scope.path());
      }
      case TimeOfDay ignored ->
          LocalTime.ofInstant(scope.context().clock().instant(), scope.zone());
      case Compare compare ->
          compare(
              compare.operator(),
              evaluate(compare.left(), scope),
              evaluate(compare.right(), scope),
              scope.path());
      case In in -> {
        Object value = evaluate(in.value(), scope);
        for (Term choice : in.choices()) {
          if (compare(Operator.EQ, value, evaluate(choice, scope), scope.path())) {
            yield true;
          }
        }
        yield false;
      }
      case And and -> {
        for (Term inner : and.terms()) {
          if (!test(inner, scope)) {
            yield false;
          }
        }
        yield true;
      }
      case Or or -> {
        for (Term inner : or.terms()) {
          if (test(inner, scope)) {
            yield true;
          }
        }
        yield false;
      }
      case Not not -> !test(not.term(), scope);
    };
  }

  static boolean truthy(Object value) {
    return switch (value) {
      case null -> false;
      case Boolean b -> b;
      case Double d -> d != 0 && !d.isNaN();
      case String s -> !s.isEmpty() && !s.equalsIgnoreCase("false") && !s.equals("0");
      default -> true;
    };
  }

  private static Object value(Object parameter) {
    return switch (parameter) {
      case Long l -> l.doubleValue();
      case null, default -> parameter;
    };
  }

  private static Tensor find(List<Tensor> tensors, String name) {
    for (Tensor tensor : tensors) {
      if (tensor.name().equals(name)) {
        return tensor;
      }
    }
    return null;
  }

  private static List<String> names(List<Tensor> tensors) {
    return tensors.stream().map(Tensor::name).toList();
  }

  private static Object element(Tensor tensor, int[] indices, String source, String path) {
    long[] shape = tensor.shape();
    if (indices.length > shape.length) {
      throw new InvalidInputException(
          path,
          source
              + ": "
              + indices.length
              + " indices for a tensor of shape "
              + Arrays.toString(shape)
              + " (expected: at most "
              + shape.length
              + ")");
    }
    long offset = 0;
    long stride = tensor.data().size();
    for (int i = 0; i < indices.length; i++) {
      if (indices[i] >= shape[i]) {
        throw new InvalidInputException(
            path,
            source
                + ": index "
                + indices[i]
                + " is out of range for dimension "
                + i
                + " of shape "
                + Arrays.toString(shape)
                + " (expected: < "
                + shape[i]
                + ")");
      }
      stride /= shape[i];
      offset += indices[i] * stride;
    }
    if (offset >= tensor.data().size()) {
      throw new InvalidInputException(
          path,
          source
              + ": the tensor of shape "
              + Arrays.toString(shape)
              + " has no element there (expected: a non-empty tensor)");
    }
    return element(tensor, (int) offset);
  }

  /** An element as a rule value: numbers as Double, BOOL as Boolean, BYTES as a UTF-8 String. */
  private static Object element(Tensor tensor, int index) {
    return switch (tensor.datatype()) {
      case BOOL -> tensor.bools()[index];
      case BYTES -> new String(tensor.byteStrings()[index], StandardCharsets.UTF_8);
      default -> tensor.doubleAt(index);
    };
  }

  private static boolean compare(Operator operator, Object left, Object right, String path) {
    Object l = coerce(left, right, path);
    Object r = coerce(right, left, path);
    if (l == null || r == null) {
      return switch (operator) {
        case EQ -> l == r;
        case NE -> l != r;
        case LT, LE, GT, GE -> false;
      };
    }
    if (l instanceof Double a && r instanceof Double b) {
      double x = a;
      double y = b;
      return switch (operator) {
        case EQ -> x == y;
        case NE -> x != y;
        case LT -> x < y;
        case LE -> x <= y;
        case GT -> x > y;
        case GE -> x >= y;
      };
    }
    if (l.getClass() != r.getClass() || l instanceof Boolean) {
      boolean equal = l.equals(r);
      return switch (operator) {
        case EQ -> equal;
        case NE -> !equal;
        case LT, LE, GT, GE -> false;
      };
    }
    int order =
        switch (l) {
          case String s -> s.compareTo((String) r);
          case LocalTime t -> t.compareTo((LocalTime) r);
          default -> throw new IllegalStateException("no order for " + l.getClass());
        };
    return switch (operator) {
      case EQ -> order == 0;
      case NE -> order != 0;
      case LT -> order < 0;
      case LE -> order <= 0;
      case GT -> order > 0;
      case GE -> order >= 0;
    };
  }

  /** Reads a string as the kind of the value it is compared with, when it parses as one. */
  private static Object coerce(Object value, Object other, String path) {
    if (!(value instanceof String s)) {
      return value;
    }
    return switch (other) {
      case Double ignored -> {
        try {
          yield Double.valueOf(s.strip());
        } catch (NumberFormatException e) {
          yield s;
        }
      }
      case Boolean ignored ->
          s.equalsIgnoreCase("true") ? Boolean.TRUE : s.equalsIgnoreCase("false") ? false : s;
      case LocalTime ignored -> {
        LocalTime time = parseTime(s);
        if (time == null) {
          throw new InvalidInputException(
              path, "'" + s + "' is compared with the time (expected: 'HH:MM' or 'HH:MM:SS')");
        }
        yield time;
      }
      case null, default -> s;
    };
  }

  /** 'HH:MM' or 'HH:MM:SS', or null. */
  static LocalTime parseTime(String text) {
    if (!text.matches("[0-9]{2}:[0-9]{2}(:[0-9]{2})?")) {
      return null;
    }
    try {
      return LocalTime.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Turns a parsed expression into terms, checking what can be checked without data. */
  private record Compiler(
      String source, Map<String, Integer> earlierSteps, String path, Violations violations) {

    Term compile(Expression expression) {
      return switch (expression) {
        case Expression.Literal literal -> new Constant(literal.value());
        case Expression.HeaderRef header -> new Header(header.name().toLowerCase(Locale.ROOT));
        case Expression.ParameterRef parameter -> new Parameter(parameter.name());
        case Expression.InputRef input ->
            new Input(
                input.tensor(),
                indices(input.indices()),
                "inputs." + input.tensor() + brackets(input.indices()));
        case Expression.OutputRef output -> output(output);
        case Expression.TimeOfDay ignored -> new TimeOfDay();
        case Expression.Compare compare ->
            new Compare(
                compare.operator(),
                timeAware(compare.left(), compare.right()),
                timeAware(compare.right(), compare.left()));
        case Expression.In in -> {
          Term[] choices = new Term[in.choices().size()];
          for (int i = 0; i < choices.length; i++) {
            choices[i] = timeAware(in.choices().get(i), in.value());
          }
          yield new In(compile(in.value()), choices);
        }
        case Expression.And and -> new And(all(and.terms()));
        case Expression.Or or -> new Or(all(or.terms()));
        case Expression.Not not -> new Not(compile(not.term()));
      };
    }

    private Term[] all(List<Expression> expressions) {
      Term[] terms = new Term[expressions.size()];
      for (int i = 0; i < terms.length; i++) {
        terms[i] = compile(expressions.get(i));
      }
      return terms;
    }

    /** A literal compared with {@code time} is parsed as a time of day once, here. */
    private Term timeAware(Expression expression, Expression other) {
      if (!(other instanceof Expression.TimeOfDay)
          || !(expression instanceof Expression.Literal literal)) {
        return compile(expression);
      }
      LocalTime time = literal.value() instanceof String s ? parseTime(s) : null;
      if (time == null) {
        violations.add(
            path,
            "'"
                + source
                + "' compares the time with "
                + Violations.describe(literal.value())
                + " (expected: a time of day such as '09:30' or '09:30:15')");
        return new Constant(literal.value());
      }
      return new Constant(time);
    }

    private Term output(Expression.OutputRef output) {
      // NodeConfig.Sequence and Switch guarantee that outputs name an earlier step of a sequence.
      Integer step = earlierSteps == null ? null : earlierSteps.get(output.step());
      if (step == null) {
        throw new IllegalArgumentException(
            "'" + source + "' reads outputs." + output.step() + " (expected: an earlier step)");
      }
      return new Output(
          step,
          output.step(),
          output.tensor(),
          indices(output.indices()),
          "outputs." + output.step() + "." + output.tensor() + brackets(output.indices()));
    }

    private int[] indices(List<Integer> indices) {
      int[] values = new int[indices.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = indices.get(i);
        if (values[i] < 0) {
          violations.add(
              path, "'" + source + "' has index " + values[i] + " (expected: an index >= 0)");
        }
      }
      return values;
    }

    private static String brackets(List<Integer> indices) {
      StringBuilder text = new StringBuilder();
      for (int index : indices) {
        text.append('[').append(index).append(']');
      }
      return text.toString();
    }
  }
}
