package io.mlsys.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.config.Condition;
import io.mlsys.config.Expression;
import io.mlsys.config.Expression.Operator;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.testing.ManualClock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RulesTest {
  private final ManualClock clock = ManualClock.startingAt("2026-01-05T10:00:00Z");

  private boolean holds(Expression expression, Map<String, String> headers) {
    Violations violations = Violations.collecting();
    Rules.Term term =
        Rules.compile(new Condition("rule", expression), null, "graphs.g.when", violations);
    assertThat(violations.list()).isEmpty();
    InferRequest request =
        new InferRequest(null, List.of(), List.of(), Map.of("fast", true, "n", 3L));
    return Rules.test(
        term,
        new Rules.Scope(
            request, new CallContext(clock, null, headers, "t"), null, ZoneOffset.UTC, "p"));
  }

  private static Expression compare(Expression left, Operator operator, Object right) {
    return new Expression.Compare(operator, left, new Expression.Literal(right));
  }

  @Test
  void aHeaderIsReadAsANumberWhenComparedWithOne() {
    assertThat(
            holds(compare(new Expression.HeaderRef("x-n"), Operator.GT, 3.0), Map.of("x-n", "5")))
        .isTrue();
  }

  @Test
  void anAbsentValueEqualsOnlyNullAndIsNeverOrdered() {
    Expression header = new Expression.HeaderRef("x-missing");
    assertThat(holds(compare(header, Operator.EQ, null), Map.of())).isTrue();
    assertThat(holds(compare(header, Operator.NE, "a"), Map.of())).isTrue();
    assertThat(holds(compare(header, Operator.LT, 1.0), Map.of())).isFalse();
  }

  @Test
  void valuesOfDifferentKindsAreNeverEqual() {
    assertThat(holds(compare(new Expression.HeaderRef("x"), Operator.EQ, 1.0), Map.of("x", "one")))
        .isFalse();
  }

  @Test
  void aBareParameterIsACondition() {
    assertThat(holds(new Expression.ParameterRef("fast"), Map.of())).isTrue();
    assertThat(holds(new Expression.ParameterRef("slow"), Map.of())).isFalse();
  }

  @Test
  void stringsCompareLexically() {
    assertThat(holds(compare(new Expression.HeaderRef("v"), Operator.LT, "b"), Map.of("v", "a")))
        .isTrue();
  }

  @Test
  void orNotAndCombine() {
    Expression fast = new Expression.ParameterRef("fast");
    assertThat(
            holds(
                new Expression.Or(
                    List.of(
                        new Expression.Not(fast),
                        compare(new Expression.ParameterRef("n"), Operator.EQ, 3.0))),
                Map.of()))
        .isTrue();
  }

  @Test
  void aTimeComparedWithSomethingOtherThanATimeOfDayIsAViolation() {
    Violations violations = Violations.collecting();

    Rules.compile(
        new Condition("time > '25:00'", compare(new Expression.TimeOfDay(), Operator.GT, "25:00")),
        null,
        "graphs.g.switch.rules[0].when",
        violations);

    assertThat(violations.list())
        .extracting(Object::toString)
        .containsExactly(
            "graphs.g.switch.rules[0].when: 'time > '25:00'' compares the time with '25:00'"
                + " (expected: a time of day such as '09:30' or '09:30:15')");
  }
}
