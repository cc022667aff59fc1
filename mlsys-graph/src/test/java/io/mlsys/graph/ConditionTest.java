package io.mlsys.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigViolation;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionTest {

  /** The problem of the one violation a bad rule gives. */
  private static String error(String rule) {
    try {
      Condition.parse(rule);
    } catch (ConfigException e) {
      assertThat(e.violations()).singleElement().extracting(ConfigViolation::path).isEqualTo("");
      return e.violations().getFirst().problem();
    }
    throw new AssertionError("expected a ConfigException for: " + rule);
  }

  @Test
  void aRuleReadAgainIsNotCompiledAgainAndABrokenOneFailsEveryTime() {
    Condition first = Condition.parse("headers['x-cache-test'] == 'a'");

    assertThat(Condition.parse("headers['x-cache-test'] == 'a'")).isSameAs(first);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> Condition.parse("headers['x-cache-test'] =="))
          .isInstanceOf(ConfigException.class);
    }
  }

  @Test
  void preparingInTheBackgroundLeavesParsingAsItWas() {
    Condition.prepareInBackground();
    Condition.prepareInBackground();

    assertThat(Condition.parse("inputs.x[0][1] > 2.5").reads()).hasSize(1);
  }

  @Test
  void aRuleIsCompiledAndKeepsItsSource() {
    Condition condition = Condition.parse("inputs.float_input[0][2] > 2.5");

    assertThat(condition.source()).isEqualTo("inputs.float_input[0][2] > 2.5");
    assertThat(condition.ast().isChecked()).isTrue();
  }

  @Test
  void theTensorsARuleReadsAreFound() {
    assertThat(
            Condition.parse(
                    "inputs['a/b:0'][1] == 2 && outputs.s.y[0][3] > 1 && inputs.x.size() > 0"
                        + " && inputs.z[parameters.i][0] == 1")
                .reads())
        .containsExactly(
            new TensorRead(null, "a/b:0", List.of(1L), true),
            new TensorRead("s", "y", List.of(0L, 3L), true),
            new TensorRead(null, "x", List.of()),
            new TensorRead(null, "z", List.of(), true));
    assertThat(new TensorRead("s", "y", List.of(0L, 3L)).source()).isEqualTo("outputs.s.y[0][3]");
  }

  @Test
  void aSyntaxErrorQuotesCelsMessageAndColumn() {
    assertThat(error("inputs.x[0] >"))
        .startsWith(
            "'inputs.x[0] >' (expected: a CEL expression of type bool: mismatched input '<EOF>'")
        .endsWith("at column 14)");
  }

  @Test
  void anUndeclaredVariableIsAnError() {
    assertThat(error("input.x[0] > 1"))
        .isEqualTo(
            "'input.x[0] > 1' (expected: a CEL expression of type bool: undeclared reference to"
                + " 'input' (in container '') at column 1)");
  }

  @Test
  void aRuleMustBeBooleanNotTruthy() {
    assertThat(error("headers.tier"))
        .isEqualTo(
            "'headers.tier' (expected: a CEL expression of type bool: expected type 'bool' but"
                + " found 'string' at column 8); this is the rule syntax of mlsys before CEL, in"
                + " CEL: ('tier' in headers && !(headers.tier in ['', '0', 'false', 'False',"
                + " 'FALSE']))");
    assertThat(error("parameters.fast"))
        .isEqualTo(
            "'parameters.fast' is of type dyn (expected: a rule of type bool; compare the value,"
                + " e.g. parameters.fast == true); this is the rule syntax of mlsys before CEL, in"
                + " CEL: ('fast' in parameters && !(parameters.fast in [false, 0, 0.0, '', '0',"
                + " 'false']))");
  }

  @Test
  void celsLimitsApply() {
    assertThat(error("true || ".repeat(125) + "true")).contains("expression code point size");
    assertThat(error("(".repeat(40) + "true" + ")".repeat(40))).contains("recursion");
  }

  @Test
  void anOldRuleIsShownInCel() {
    assertThat(error("headers.x-tier == 'gold' and inputs.x[0][2] > 2.5"))
        .endsWith(
            "; this is the rule syntax of mlsys before CEL, in CEL: headers['x-tier'] == 'gold'"
                + " && inputs.x[0][2] > 2.5");
    assertThat(error("time >= '09:30' && not parameters.fast"))
        .endsWith(
            "in CEL: time >= duration('9h30m') && !(('fast' in parameters &&"
                + " !(parameters.fast in [false, 0, 0.0, '', '0', 'false'])))");
    assertThat(error("headers.x-n > 5")).endsWith("in CEL: double(headers['x-n']) > 5");
  }

  @Test
  void everyRewriteCompiles() {
    for (String old :
        List.of(
            "headers.x-debug",
            "parameters.mode in ['a', 'b'] or outputs.s.y[0] == 1",
            "!(inputs.x[0] > 1) && time < '17:00:30'",
            "headers.tier == null")) {
      String rewrite = LegacyRules.rewrite(old);
      assertThat(rewrite).as(old).isNotNull();
      assertThat(Condition.parse(rewrite).source()).isEqualTo(rewrite);
    }
  }

  @Test
  void theExceptionMessageIsTheProblem() {
    assertThatThrownBy(() -> Condition.parse("1 +"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("'1 +' (expected: a CEL expression of type bool:");
  }
}
