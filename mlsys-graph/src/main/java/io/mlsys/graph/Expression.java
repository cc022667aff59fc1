package io.mlsys.graph;

import java.util.List;
import java.util.Objects;

/**
 * A rule in the syntax mlsys had before CEL, e.g. {@code inputs.float_input[0][2] > 2.5 &&
 * headers.x-tier == 'gold'}. Kept only so that {@link LegacyRules} can show a rule that no longer
 * compiles in CEL; rules are {@link Condition}s.
 */
sealed interface Expression {

  /** A constant: a String, a Double, a Boolean, or null (written {@code null}). */
  record Literal(Object value) implements Expression {
    public Literal {
      if (value != null
          && !(value instanceof String)
          && !(value instanceof Double)
          && !(value instanceof Boolean)) {
        throw new IllegalArgumentException(
            "value: " + value.getClass().getSimpleName() + " (expected: String, Double, Boolean)");
      }
    }
  }

  /** {@code headers.NAME}: a transport header (name lower-case), a String or null when absent. */
  record HeaderRef(String name) implements Expression {
    public HeaderRef {
      Objects.requireNonNull(name, "name");
    }
  }

  /** {@code parameters.NAME}: a request parameter (String, Double, Boolean) or null. */
  record ParameterRef(String name) implements Expression {
    public ParameterRef {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * {@code inputs.TENSOR[i][j]} (or {@code inputs['TENSOR'][i]}): one element of a request input
   * tensor; numbers as Double, BOOL as Boolean, BYTES as String. With fewer indices than the
   * tensor's rank the value is the element at the flat row-major offset of the given prefix (so
   * {@code inputs.x[0]} of a [N, 4] tensor is x[0][0]).
   */
  record InputRef(String tensor, List<Integer> indices) implements Expression {
    public InputRef {
      Objects.requireNonNull(tensor, "tensor");
      indices = List.copyOf(indices);
    }
  }

  /**
   * {@code outputs.STEP.TENSOR[i][j]}: one element of an earlier sequence step's output (STEP has
   * no dot, TENSOR may have).
   */
  record OutputRef(String step, String tensor, List<Integer> indices) implements Expression {
    public OutputRef {
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(tensor, "tensor");
      indices = List.copyOf(indices);
    }
  }

  /**
   * {@code time}: the time of day of the injected clock in the graph's zone, compared with strings
   * {@code 'HH:MM'} or {@code 'HH:MM:SS'}.
   */
  record TimeOfDay() implements Expression {}

  /** A comparison; numbers compare numerically, strings lexically, time with 'HH:MM'. */
  record Compare(Operator operator, Expression left, Expression right) implements Expression {
    public Compare {
      Objects.requireNonNull(operator, "operator");
      Objects.requireNonNull(left, "left");
      Objects.requireNonNull(right, "right");
    }
  }

  /** {@code value in [a, b, c]}: true when value equals one of the choices. */
  record In(Expression value, List<Expression> choices) implements Expression {
    public In {
      Objects.requireNonNull(value, "value");
      choices = List.copyOf(choices);
    }
  }

  /** {@code a && b && ...} (also {@code and}); short-circuits. */
  record And(List<Expression> terms) implements Expression {
    public And {
      terms = List.copyOf(terms);
    }
  }

  /** {@code a || b || ...} (also {@code or}); short-circuits. */
  record Or(List<Expression> terms) implements Expression {
    public Or {
      terms = List.copyOf(terms);
    }
  }

  /** {@code !a} (also {@code not a}). */
  record Not(Expression term) implements Expression {
    public Not {
      Objects.requireNonNull(term, "term");
    }
  }

  /** Comparison operators. */
  enum Operator {
    EQ("=="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }
  }
}
