package io.mlsys.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import io.mlsys.testing.ManualClock;
import java.lang.management.ManagementFactory;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RulesTest {
  private final ManualClock clock = ManualClock.startingAt("2026-01-05T10:00:00Z");
  private final InferRequest request =
      new InferRequest(
          null,
          List.of(
              Tensor.ofFloats("x", new long[] {2, 3}, 1, 2, 3, 4, 5, 6),
              Tensor.ofLongs("ids", new long[] {2}, 7, 8),
              Tensor.ofStrings("text", new long[] {1}, "hello"),
              Tensor.ofBools("flag", new long[] {}, true)),
          List.of(),
          Map.of("fast", true, "n", 3L, "mode", "false"));

  private Rules.Rule compile(String rule) {
    BuildViolations violations = BuildViolations.collecting();
    Rules.Rule compiled = Rules.compile(Condition.parse(rule), null, "graphs.g.when", violations);
    assertThat(violations.list()).isEmpty();
    return compiled;
  }

  private boolean holds(String rule, Map<String, String> headers) {
    return holds(rule, request, headers, ZoneOffset.UTC);
  }

  private boolean holds(String rule, InferRequest call, Map<String, String> headers, ZoneId zone) {
    return Rules.test(
        compile(rule),
        new Rules.Scope(
            call, new CallContext(clock, null, headers, "t", Map.of()), null, zone, "p"));
  }

  @Test
  void headersAreAMapOfLowerCaseNames() {
    assertThat(holds("headers['x-tier'] == 'gold'", Map.of("X-Tier", "gold"))).isTrue();
    assertThat(holds("headers.tier == 'gold'", Map.of("tier", "silver"))).isFalse();
  }

  @Test
  void aMissingHeaderIsNoErrorAndTheRuleDoesNotHold() {
    assertThat(holds("headers['x-tier'] == 'gold'", Map.of())).isFalse();
    assertThat(holds("'x-tier' in headers && headers['x-tier'] == 'gold'", Map.of())).isFalse();
    assertThat(holds("!has(headers.tier) || headers.tier == 'gold'", Map.of())).isTrue();
  }

  @Test
  void aHeaderIsReadAsANumberWithAConversion() {
    assertThat(holds("int(headers['x-n']) > 3", Map.of("x-n", "5"))).isTrue();
  }

  @Test
  void stringsThatLookFalseAreStrings() {
    // The old language read "false" and "0" as false; CEL compares values.
    assertThat(holds("parameters.mode == 'false'", Map.of())).isTrue();
    assertThat(holds("parameters.fast == true && parameters.n == 3", Map.of())).isTrue();
  }

  @Test
  void inputsAreNestedListsOfTheirElements() {
    assertThat(holds("inputs.x[1][2] == 6.0 && inputs.x[0][0] == 1", Map.of())).isTrue();
    assertThat(holds("inputs.x[1].exists(v, v > 5.5)", Map.of())).isTrue();
    assertThat(holds("inputs.x.size() == 2 && inputs.x[0].size() == 3", Map.of())).isTrue();
    assertThat(holds("inputs.ids[1] == 8 && inputs['text'][0] == 'hello'", Map.of())).isTrue();
    assertThat(holds("inputs.flag == true", Map.of())).isTrue();
  }

  @Test
  void anInputTheRequestLacksIsAnInvalidInput() {
    assertThatThrownBy(() -> holds("inputs.y[0] > 1", Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "p: 'inputs.y[0] > 1': the request has no 'y' (expected: one of [x, ids, text, flag])");
  }

  @Test
  void anIndexOutOfRangeIsAnInvalidInput() {
    assertThatThrownBy(() -> holds("inputs.x[2][0] > 1", Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("p: 'inputs.x[2][0] > 1': ")
        .hasMessageContaining("Index out of bounds: 2");
  }

  @Test
  void timeIsTheTimeOfDayInTheZoneAndNowTheInstant() {
    // 10:00 UTC is 11:00 in Berlin in January.
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    assertThat(
            holds("time >= duration('11h') && zone == 'Europe/Berlin'", request, Map.of(), berlin))
        .isTrue();
    assertThat(holds("time >= duration('11h')", request, Map.of(), ZoneOffset.UTC)).isFalse();
    assertThat(holds("now == timestamp('2026-01-05T10:00:00Z')", Map.of())).isTrue();
    assertThat(holds("now.getHours('Europe/Berlin') == 11", Map.of())).isTrue();
  }

  @Test
  void aRuleThatReadsOneValueDoesNotConvertTheTensor() {
    float[] values = new float[4_000_000];
    values[2] = 3;
    InferRequest big = InferRequest.of(Tensor.ofFloats("x", new long[] {2_000, 2_000}, values));
    Rules.Rule rule = compile("inputs.x[0][2] > 2.5");
    Rules.Scope scope = new Rules.Scope(big, CallContext.of(clock), null, ZoneOffset.UTC, "p");
    assertThat(Rules.test(rule, scope)).isTrue();

    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 10; i++) {
      assertThat(Rules.test(rule, scope)).isTrue();
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    // Boxing the 4M elements once would take more than 64 MB; ten lazy reads take a few KB.
    assertThat(allocated).isLessThan(1_000_000);
  }

  @Test
  void aConditionReadsTheOutputsOfStepsThatRan() {
    BuildViolations violations = BuildViolations.collecting();
    Rules.Rule rule =
        Rules.compile(
            Condition.parse("has(outputs.a) && outputs.a.y[0] == 2.0"),
            Map.of("a", 0, "b", 1),
            "w",
            violations);
    InferResponse answer =
        new InferResponse(
            "m", "1", null, List.of(Tensor.ofFloats("y", new long[] {1}, 2)), Map.of());
    CallContext context = CallContext.of(clock);

    assertThat(
            Rules.test(
                rule,
                new Rules.Scope(
                    request, context, new InferResponse[] {answer, null}, ZoneOffset.UTC, "p")))
        .isTrue();
    assertThat(
            Rules.test(
                rule,
                new Rules.Scope(
                    request, context, new InferResponse[] {null, null}, ZoneOffset.UTC, "p")))
        .isFalse();
  }
}
