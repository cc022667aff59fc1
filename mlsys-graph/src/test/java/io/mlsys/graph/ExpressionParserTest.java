package io.mlsys.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigViolation;
import io.mlsys.graph.Expression.And;
import io.mlsys.graph.Expression.Compare;
import io.mlsys.graph.Expression.HeaderRef;
import io.mlsys.graph.Expression.In;
import io.mlsys.graph.Expression.InputRef;
import io.mlsys.graph.Expression.Literal;
import io.mlsys.graph.Expression.Not;
import io.mlsys.graph.Expression.Operator;
import io.mlsys.graph.Expression.Or;
import io.mlsys.graph.Expression.OutputRef;
import io.mlsys.graph.Expression.ParameterRef;
import io.mlsys.graph.Expression.TimeOfDay;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rule syntax mlsys had before CEL, still read to show old rules rewritten to CEL. */
class ExpressionParserTest {

  private static Expression parse(String rule) {
    return ExpressionParser.parse(rule);
  }

  /** The problem of the one violation a bad rule gives. */
  private static String error(String rule) {
    try {
      ExpressionParser.parse(rule);
    } catch (ConfigException e) {
      assertThat(e.violations()).singleElement().extracting(ConfigViolation::path).isEqualTo("");
      return e.violations().getFirst().problem();
    }
    throw new AssertionError("expected a ConfigException for: " + rule);
  }

  private static Literal number(double value) {
    return new Literal(value);
  }

  private static InputRef input(String tensor, Integer... indices) {
    return new InputRef(tensor, List.of(indices));
  }

  // ---- constructs

  @Test
  void readsAComparison() {
    assertThat(parse("inputs.float_input[0][2] > 2.5"))
        .isEqualTo(new Compare(Operator.GT, input("float_input", 0, 2), number(2.5)));
  }

  @ParameterizedTest
  @CsvSource({"==, EQ", "!=, NE", "<, LT", "<=, LE", ">, GT", ">=, GE"})
  void readsEveryComparisonOperator(String symbol, Operator operator) {
    assertThat(parse("parameters.x " + symbol + " 1"))
        .isEqualTo(new Compare(operator, new ParameterRef("x"), number(1)));
    assertThat(parse("parameters.x" + symbol + "1"))
        .isEqualTo(new Compare(operator, new ParameterRef("x"), number(1)));
  }

  @ParameterizedTest
  @CsvSource({"2, 2.0", "-1.5, -1.5", "1e-3, 0.001", "2.5E+2, 250.0", ".5, 0.5", "-.5, -0.5"})
  void numbersAreDoubles(String written, double value) {
    assertThat(parse("parameters.x == " + written))
        .isEqualTo(new Compare(Operator.EQ, new ParameterRef("x"), number(value)));
  }

  @Test
  void textMayUseEitherQuoteAndEscapes() {
    assertThat(((Compare) parse("headers.a == 'it\\'s'")).right()).isEqualTo(new Literal("it's"));
    assertThat(((Compare) parse("headers.a == \"say \\\"hi\\\"\"")).right())
        .isEqualTo(new Literal("say \"hi\""));
    assertThat(((Compare) parse("headers.a == 'back\\\\slash'")).right())
        .isEqualTo(new Literal("back\\slash"));
    assertThat(((Compare) parse("headers.a == \"it's\"")).right()).isEqualTo(new Literal("it's"));
    assertThat(((Compare) parse("headers.a == ''")).right()).isEqualTo(new Literal(""));
  }

  @Test
  void readsTrueFalseAndNull() {
    assertThat(parse("true")).isEqualTo(new Literal(true));
    assertThat(parse("false")).isEqualTo(new Literal(false));
    assertThat(parse("parameters.x == null"))
        .isEqualTo(new Compare(Operator.EQ, new ParameterRef("x"), new Literal(null)));
  }

  @Test
  void headerNamesAreStoredLowerCase() {
    assertThat(parse("headers.X-Tier_2 == 'gold'"))
        .isEqualTo(new Compare(Operator.EQ, new HeaderRef("x-tier_2"), new Literal("gold")));
  }

  @Test
  void parameterNamesMayHoldDotsAndDashes() {
    assertThat(parse("parameters.model.fast-path")).isEqualTo(new ParameterRef("model.fast-path"));
  }

  @Test
  void aBareReferenceIsACondition() {
    assertThat(parse("parameters.fast")).isEqualTo(new ParameterRef("fast"));
    assertThat(parse("inputs.flag[0]")).isEqualTo(input("flag", 0));
  }

  @Test
  void inputNamesMayHoldDotsColonsSlashesAndDashes() {
    assertThat(parse("inputs.a.b:0/c-d[1] < 3"))
        .isEqualTo(new Compare(Operator.LT, input("a.b:0/c-d", 1), number(3)));
  }

  @Test
  void anInputNameInBracketsMayHoldAnything() {
    assertThat(parse("inputs['my tensor'][0][1]")).isEqualTo(input("my tensor", 0, 1));
    assertThat(parse("inputs[ \"x>y\" ]")).isEqualTo(input("x>y"));
  }

  @Test
  void indicesMayHaveSpaces() {
    assertThat(parse("inputs.x [ 0 ] [2]")).isEqualTo(input("x", 0, 2));
  }

  @Test
  void readsStepOutputs() {
    assertThat(parse("outputs.classify.label[0] == 'virginica'"))
        .isEqualTo(
            new Compare(
                Operator.EQ,
                new OutputRef("classify", "label", List.of(0)),
                new Literal("virginica")));
    assertThat(parse("outputs.step-1['out.put']"))
        .isEqualTo(new OutputRef("step-1", "out.put", List.of()));
    assertThat(parse("outputs.s.a.b")).isEqualTo(new OutputRef("s", "a.b", List.of()));
  }

  @Test
  void readsTheTimeOfDay() {
    assertThat(parse("time >= '09:00' && time < '17:00'"))
        .isEqualTo(
            new And(
                List.of(
                    new Compare(Operator.GE, new TimeOfDay(), new Literal("09:00")),
                    new Compare(Operator.LT, new TimeOfDay(), new Literal("17:00")))));
  }

  @Test
  void readsInLists() {
    assertThat(parse("headers.x-tier in ['gold', 'platinum']"))
        .isEqualTo(
            new In(new HeaderRef("x-tier"), List.of(new Literal("gold"), new Literal("platinum"))));
    assertThat(parse("parameters.n in [1,-2.5, true, null, \"x\"]"))
        .isEqualTo(
            new In(
                new ParameterRef("n"),
                List.of(
                    number(1),
                    number(-2.5),
                    new Literal(true),
                    new Literal(null),
                    new Literal("x"))));
  }

  @Test
  void wordAndSymbolOperatorsAreTheSame() {
    assertThat(parse("not parameters.a and parameters.b or parameters.c"))
        .isEqualTo(parse("!parameters.a && parameters.b || parameters.c"));
  }

  @Test
  void andBindsTighterThanOr() {
    assertThat(parse("parameters.a || parameters.b && parameters.c"))
        .isEqualTo(
            new Or(
                List.of(
                    new ParameterRef("a"),
                    new And(List.of(new ParameterRef("b"), new ParameterRef("c"))))));
  }

  @Test
  void chainsAreFlattened() {
    assertThat(parse("true && false && true"))
        .isEqualTo(new And(List.of(new Literal(true), new Literal(false), new Literal(true))));
    assertThat(parse("true || false or true"))
        .isEqualTo(new Or(List.of(new Literal(true), new Literal(false), new Literal(true))));
  }

  @Test
  void notAppliesToTheComparison() {
    assertThat(parse("!parameters.a == 1"))
        .isEqualTo(new Not(new Compare(Operator.EQ, new ParameterRef("a"), number(1))));
    assertThat(parse("not not true")).isEqualTo(new Not(new Not(new Literal(true))));
  }

  @Test
  void parenthesesGroup() {
    assertThat(parse("(parameters.a || parameters.b) && parameters.c"))
        .isEqualTo(
            new And(
                List.of(
                    new Or(List.of(new ParameterRef("a"), new ParameterRef("b"))),
                    new ParameterRef("c"))));
    assertThat(parse("((true))")).isEqualTo(new Literal(true));
  }

  @Test
  void keywordsNeedAWordBoundary() {
    assertThat(parse("parameters.notes")).isEqualTo(new ParameterRef("notes"));
    assertThat(error("parameters.a andb")).contains("instead of 'andb'");
  }

  @Test
  void whitespaceIncludesNewlines() {
    assertThat(parse("\n parameters.a\n\t&& parameters.b \n"))
        .isEqualTo(new And(List.of(new ParameterRef("a"), new ParameterRef("b"))));
  }

  @Test
  void nestingUpToTheLimitIsAllowed() {
    String rule = "(".repeat(32) + "true" + ")".repeat(32);

    assertThat(parse(rule)).isEqualTo(new Literal(true));
    assertThat(parse("!".repeat(32) + "true")).isInstanceOf(Not.class);
  }

  // ---- errors

  @Test
  void aMissingValueNamesTheOperatorAndItsColumn() {
    assertThat(error("inputs.x[0] >"))
        .isEqualTo("'inputs.x[0] >' (expected: a value after '>' at column 13)");
  }

  @Test
  void aSingleEqualsSignSaysWhatWasMeant() {
    assertThat(error("headers.a = 'x'"))
        .isEqualTo("'headers.a = 'x'' (expected: '==' instead of '=' at column 11)");
    assertThat(error("parameters.n => 1")).contains("'>=' instead of '=>' at column 14");
    assertThat(error("parameters.n =< 1")).contains("'<=' instead of '=<' at column 14");
  }

  @Test
  void aSingleAmpersandOrBarSaysWhatWasMeant() {
    assertThat(error("true & false")).endsWith("(expected: '&&' instead of '&' at column 6)");
    assertThat(error("true | false")).endsWith("(expected: '||' instead of '|' at column 6)");
  }

  @Test
  void anUnknownWordIsNotAValue() {
    assertThat(error("tier == 'gold'"))
        .isEqualTo(
            "'tier == 'gold'' (expected: a value (a number, 'text', true, false, null, time,"
                + " headers.NAME, parameters.NAME, inputs.TENSOR or outputs.STEP.TENSOR) instead"
                + " of 'tier' at column 1)");
  }

  @Test
  void keywordsAreLowerCase() {
    assertThat(error("TRUE")).contains("instead of 'TRUE' at column 1");
    assertThat(error("true AND false"))
        .endsWith("(expected: '&&', '||' or the end instead of 'AND' at column 6)");
    assertThat(error("Inputs.x[0] > 1")).contains("instead of 'Inputs' at column 1");
  }

  @Test
  void trailingTextIsAnError() {
    assertThat(error("parameters.a == 1 2"))
        .endsWith("(expected: '&&', '||' or the end instead of '2' at column 19)");
  }

  @Test
  void comparisonsDoNotChain() {
    assertThat(error("parameters.a < parameters.b < 3"))
        .endsWith("(expected: '&&', '||' or the end instead of '<' at column 29)");
  }

  @Test
  void anUnclosedParenthesisNamesWhereItOpened() {
    assertThat(error("true && (false || true"))
        .endsWith("(expected: ')' to close the '(' at column 9)");
    assertThat(error("(true false)"))
        .endsWith("(expected: '&&', '||' or ')' instead of 'false' at column 7)");
  }

  @Test
  void anUnclosedTextNamesWhereItStarts() {
    assertThat(error("headers.a == 'gold"))
        .endsWith("(expected: a closing ' for the text that starts at column 14)");
  }

  @Test
  void anUnknownEscapeIsAnError() {
    assertThat(error("headers.a == 'a\\nb'"))
        .endsWith(
            "(expected: \\\\, \\' or \\\" (an escaped character) after the '\\' at column 16)");
  }

  @Test
  void badNumbersAreErrors() {
    assertThat(error("parameters.a > 1.2.3")).endsWith("a number instead of '1.2.3' at column 16)");
    assertThat(error("parameters.a > 2abc")).endsWith("a number instead of '2abc' at column 16)");
    assertThat(error("parameters.a > 1e999"))
        .endsWith("a finite number instead of '1e999' at column 16)");
    assertThat(error("parameters.a > - 1")).contains("instead of '-' at column 16");
  }

  @Test
  void aReferenceNeedsAName() {
    assertThat(error("headers"))
        .endsWith("(expected: '.' and a header name after 'headers' at column 1)");
    assertThat(error("headers. == 'x'"))
        .endsWith("(expected: a header name after '.' at column 8)");
    assertThat(error("parameters.$x")).endsWith("a parameter name instead of '$' at column 12)");
    assertThat(error("outputs.step"))
        .endsWith("(expected: '.TENSOR' or ['TENSOR'] after 'step' at column 9)");
    assertThat(error("outputs['x']")).endsWith("'.' and a step name instead of '[' at column 8)");
    assertThat(error("time.x")).endsWith("'&&', '||' or the end instead of '.' at column 5)");
  }

  @Test
  void aBracketedInputNameMustBeQuoted() {
    assertThat(error("inputs[0] > 1"))
        .endsWith("a tensor name in quotes instead of '0' at column 8)");
    assertThat(error("inputs['x' > 1")).endsWith("']' instead of '>' at column 12)");
  }

  @Test
  void anIndexIsAnIntegerAtLeastZero() {
    assertThat(error("inputs.x[-1] > 1"))
        .endsWith("(expected: an index (an integer >= 0) instead of '-' at column 10)");
    assertThat(error("inputs.x[a] > 1"))
        .endsWith("an index (an integer >= 0) instead of 'a' at column 10)");
    assertThat(error("inputs.x[99999999999] > 1")).contains("an index (an integer >= 0)");
    assertThat(error("inputs.x[0 > 1")).endsWith("']' instead of '>' at column 12)");
    assertThat(error("inputs.x[0")).endsWith("']' after '0' at column 10)");
  }

  @Test
  void inNeedsAListOfLiterals() {
    assertThat(error("headers.a in 'x'"))
        .endsWith("a list such as ['a', 'b'] instead of ''' at column 14)");
    assertThat(error("headers.a in []"))
        .endsWith("(expected: a number, 'text', true, false or null instead of ']' at column 15)");
    assertThat(error("headers.a in [headers.b]")).contains("instead of 'headers' at column 15");
    assertThat(error("headers.a in ['x' 'y']")).endsWith("',' or ']' instead of ''' at column 19)");
    assertThat(error("headers.a in ['x',")).endsWith("after ',' at column 18)");
    assertThat(error("headers.a in"))
        .endsWith("a list such as ['a', 'b'] after 'in' at column 11)");
  }

  @Test
  void negationNeedsAValue() {
    assertThat(error("!")).isEqualTo("'!' (expected: a value after '!' at column 1)");
    assertThat(error("not")).isEqualTo("'not' (expected: a value after 'not' at column 1)");
    assertThat(error("!= 1")).contains("instead of '!=' at column 1");
  }

  @Test
  void anEmptyRuleIsAnError() {
    assertThat(error("")).isEqualTo("'' (expected: a rule such as inputs.x[0] > 2.5)");
    assertThat(error("   ")).isEqualTo("'   ' (expected: a rule such as inputs.x[0] > 2.5)");
  }

  @Test
  void aTooLongRuleIsRefused() {
    String rule = "true || ".repeat(125) + "true";

    assertThat(error(rule))
        .isEqualTo(rule.length() + " characters (expected: a rule of at most 1000 characters)");
  }

  @Test
  void deepNestingIsAnErrorNotAStackOverflow() {
    int depth = 32 + 1;

    assertThat(error("(".repeat(depth) + "true" + ")".repeat(depth)))
        .endsWith("(expected: at most 32 nested parentheses and negations at column 33)");
    assertThat(error("!".repeat(depth) + "true"))
        .endsWith("(expected: at most 32 nested parentheses and negations at column 33)");
    assertThat(error("(".repeat(500))).contains("at most 32 nested");
  }

  @Test
  void theExceptionMessageIsTheProblem() {
    assertThatThrownBy(() -> ExpressionParser.parse("time >"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("'time >' (expected: a value after '>' at column 6)");
  }
}
