package io.mlsys.graph;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.Tensor;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of evaluating one switch rule, as a switch node pays it per request (the rule is
 * compiled once): a header comparison, one element of a small input, one element of a 1000 x 1000
 * input (a rule reads tensors lazily, so the size must not matter), and a typical rule combining a
 * header, an input element and a parameter. Figures before (the home-made evaluator) and after
 * (CEL) are in bench/README.md. In package {@code io.mlsys.graph} because {@code Rules} is
 * package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RuleBenchmark {
  private Rules.Rule header;
  private Rules.Rule input;
  private Rules.Rule typical;
  private Rules.Scope small;
  private Rules.Scope large;

  @Setup
  public void setUp() {
    BuildViolations violations = BuildViolations.collecting();
    header = Rules.compile(Condition.parse("headers['x-tier'] == 'gold'"), null, "b", violations);
    input = Rules.compile(Condition.parse("inputs.x[0][2] > 2.5"), null, "b", violations);
    typical =
        Rules.compile(
            Condition.parse(
                "headers['x-tier'] == 'gold' && inputs.x[0][2] > 2.5"
                    + " || parameters.mode == 'fast'"),
            null,
            "b",
            violations);
    CallContext context =
        new CallContext(
            Clock.fixed(Instant.parse("2026-01-01T10:00:00Z"), ZoneOffset.UTC),
            null,
            Map.of("x-tier", "gold"),
            "bench",
            Map.of());
    InferRequest one =
        new InferRequest(
            null,
            List.of(Tensor.ofFloats("x", new long[] {1, 4}, 1, 2, 3, 4)),
            List.of(),
            Map.of("mode", "slow"));
    float[] values = new float[1_000_000];
    values[2] = 3;
    InferRequest big =
        new InferRequest(
            null,
            List.of(Tensor.ofFloats("x", new long[] {1000, 1000}, values)),
            List.of(),
            Map.of("mode", "slow"));
    small = new Rules.Scope(one, context, null, ZoneOffset.UTC, "b");
    large = new Rules.Scope(big, context, null, ZoneOffset.UTC, "b");
  }

  @Benchmark
  public boolean headerEquals() {
    return Rules.test(header, small);
  }

  @Benchmark
  public boolean inputElement() {
    return Rules.test(input, small);
  }

  @Benchmark
  public boolean inputElementOfMillion() {
    return Rules.test(input, large);
  }

  @Benchmark
  public boolean typicalRule() {
    return Rules.test(typical, small);
  }
}
