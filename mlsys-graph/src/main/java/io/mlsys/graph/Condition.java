package io.mlsys.graph;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigShorthand;
import io.mlsys.config.Violations;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A rule (a switch rule's or a sequence step's {@code when}) as written ({@code source}) and as
 * compiled and type-checked by CEL ({@code ast}), with the tensor elements it reads. Config writes
 * it as its text ({@code when: "inputs.x[0][2] > 2.5"}; a YAML {@code true} or {@code false} is
 * that literal).
 *
 * <p>Rules are <a href="https://cel.dev">CEL</a> expressions of type {@code bool} over the
 * variables named by the constants below; the syntax is in docs/configuration.md. They are compiled
 * when the config loads, so an invalid rule is a config error, never a request error.
 *
 * @param source the text from the config, shown in errors and in the parameters API
 * @param ast the checked syntax tree, from which the graph builds its program
 * @param reads every tensor element the rule reads by a constant name, in the order written
 */
public record Condition(String source, CelAbstractSyntaxTree ast, List<TensorRead> reads) {
  /** The longest rule, in code points (CEL's {@code maxExpressionCodePointSize}). */
  public static final int MAX_LENGTH = 1000;

  /** How deep a rule may nest (CEL's {@code maxParseRecursionDepth}). */
  public static final int MAX_DEPTH = 32;

  /** How many iterations a rule's comprehensions may run (CEL's comprehension limit). */
  public static final int MAX_ITERATIONS = 10_000;

  /** {@code map<string, string>}: transport headers, names lower-case. */
  public static final String HEADERS = "headers";

  /** {@code map<string, dyn>}: request parameters. */
  public static final String PARAMETERS = "parameters";

  /** {@code map<string, dyn>}: request input tensors as (nested) lists, read lazily. */
  public static final String INPUTS = "inputs";

  /** {@code map<string, map<string, dyn>>}: the outputs of earlier sequence steps by step name. */
  public static final String OUTPUTS = "outputs";

  /** {@code timestamp}: the instant of the injected clock. */
  public static final String NOW = "now";

  /** {@code duration}: the time of day in the graph's zone, since midnight. */
  public static final String TIME = "time";

  /** {@code string}: the graph's zone id (a switch's {@code zone}, else UTC). */
  public static final String ZONE = "zone";

  /**
   * The options that compile and run rules: heterogeneous numeric comparisons ({@code 1 == 1.0}, as
   * tensors hold floats and integers) and the limits above.
   */
  public static final CelOptions OPTIONS =
      CelOptions.current()
          .enableHeterogeneousNumericComparisons(true)
          .maxExpressionCodePointSize(MAX_LENGTH)
          .maxParseRecursionDepth(MAX_DEPTH)
          .comprehensionMaxIterations(MAX_ITERATIONS)
          .build();

  /**
   * CEL's compiler for rules, made on first use (its holder's initialization): about a thousand
   * classes of CEL, protobuf, Guava and ANTLR load then, which {@link #prepareInBackground} can do
   * ahead on another thread.
   */
  private static final class Compiler {
    static final CelCompiler INSTANCE =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar(HEADERS, MapType.create(SimpleType.STRING, SimpleType.STRING))
            .addVar(PARAMETERS, MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar(INPUTS, MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar(
                OUTPUTS,
                MapType.create(
                    SimpleType.STRING, MapType.create(SimpleType.STRING, SimpleType.DYN)))
            .addVar(NOW, SimpleType.TIMESTAMP)
            .addVar(TIME, SimpleType.DURATION)
            .addVar(ZONE, SimpleType.STRING)
            .setResultType(SimpleType.BOOL)
            .build();

    private Compiler() {}
  }

  /**
   * Rules compiled before, by their text: a reload of a file whose rules did not change compiles
   * none of them again (CEL's parse and type-check is most of a warm reload's time). A condition is
   * immutable and its variables are fixed above, so one text always compiles to the same one; a
   * rule that fails to compile is not kept. Bounded by starting over when full: a process that has
   * met that many distinct rules compiles the next ones again.
   */
  private static final Map<String, Condition> COMPILED = new ConcurrentHashMap<>();

  private static final int MAX_COMPILED = 4096;

  private static final AtomicBoolean PREPARING = new AtomicBoolean();

  public Condition {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(ast, "ast");
    reads = List.copyOf(reads);
  }

  /**
   * Compiles and type-checks a rule.
   *
   * @throws ConfigException with one violation (empty path) quoting the rule and CEL's message,
   *     e.g. {@code 'x >' (expected: a CEL expression of type bool: Syntax error: mismatched input
   *     '<EOF>' ... at column 4)}; when the rule is written in the rule syntax mlsys used before
   *     CEL, the message says so and gives the rule in CEL
   */
  @ConfigShorthand(only = true)
  public static Condition parse(String source) {
    Objects.requireNonNull(source, "source");
    Condition known = COMPILED.get(source);
    if (known != null) {
      return known;
    }
    Condition compiled = compile(source);
    if (COMPILED.size() >= MAX_COMPILED) {
      COMPILED.clear();
    }
    COMPILED.put(source, compiled);
    return compiled;
  }

  /**
   * Makes CEL's compiler ready on a background thread, so that a process that will read rules pays
   * the compiler's start-up (about 200 ms of class loading and set-up in a fresh JVM) while it does
   * other work, such as binding the rest of its config, instead of after it. Harmless when rules
   * come before it is done: the first {@link #parse} then waits for the compiler as it would have.
   */
  public static void prepareInBackground() {
    if (PREPARING.getAndSet(true)) {
      return;
    }
    Thread.ofPlatform()
        .daemon()
        .name("mlsys-cel-prepare")
        .start(
            () -> {
              parse("true");
              Rules.prepare();
            });
  }

  private static Condition compile(String source) {
    if (source.isBlank()) {
      throw new ConfigException(
          "", Violations.describe(source) + " (expected: a rule such as inputs.x[0][2] > 2.5)");
    }
    CelAbstractSyntaxTree ast;
    try {
      ast = Compiler.INSTANCE.compile(source).getAst();
    } catch (CelValidationException e) {
      throw new ConfigException("", problem(source, e));
    }
    if (!ast.getResultType().equals(SimpleType.BOOL)) {
      // dyn passes CEL's check against bool: a bare parameters.x or inputs.x[0] would be truthy.
      throw new ConfigException(
          "",
          "'"
              + source
              + "' is of type "
              + ast.getResultType().name()
              + " (expected: a rule of type bool; compare the value, e.g. parameters.fast =="
              + " true)"
              + migration(source));
    }
    return new Condition(source, ast, TensorRead.of(ast.getExpr()));
  }

  private static String problem(String source, CelValidationException e) {
    StringBuilder text = new StringBuilder();
    text.append('\'').append(source).append("' (expected: a CEL expression of type bool: ");
    List<CelIssue> issues = e.getErrors();
    if (issues.isEmpty()) {
      text.append(e.getMessage());
    } else {
      CelIssue first = issues.getFirst();
      text.append(first.getMessage());
      if (first.getSourceLocation().getColumn() >= 0) {
        text.append(" at column ").append(first.getSourceLocation().getColumn() + 1);
      }
    }
    return text.append(')').append(migration(source)).toString();
  }

  /** The CEL rewrite of a rule in the syntax before CEL, as the end of a message; else "". */
  private static String migration(String source) {
    String rewrite = LegacyRules.rewrite(source);
    return rewrite == null
        ? ""
        : "; this is the rule syntax of mlsys before CEL, in CEL: " + rewrite;
  }

  /** Whether the rule reads {@code variable} (one of the constants above). */
  public boolean uses(String variable) {
    return ast.getReferenceMap().values().stream()
        .anyMatch(reference -> reference.name().equals(variable));
  }

  /** Whether a rule compiles as CEL, for the migration's own check. */
  static boolean compiles(String source) {
    try {
      Compiler.INSTANCE.compile(source).getAst();
      return true;
    } catch (CelValidationException e) {
      return false;
    }
  }
}
