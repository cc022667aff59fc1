package io.mlsys.graph;

import dev.cel.common.CelErrorCode;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelVariableResolver;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rules (CEL, compiled and type-checked by {@link Condition#parse} when the config loads) turned
 * into programs once per graph and evaluated per request.
 *
 * <p>Variables are resolved only when a rule reads them, and tensors reach CEL as views: {@code
 * inputs.x[0][2]} reads one element of {@code x}, whatever its size, and converts nothing else.
 * Elements are {@code double} for floating-point tensors, {@code int} for integer tensors (UINT64
 * as {@code double}), {@code bool} for BOOL and {@code string} (UTF-8) for BYTES.
 *
 * <p>A rule that fails while it runs does not hold, as a CEL condition does not match in Envoy:
 * reading an absent header, parameter or step (write {@code 'x-tier' in headers && ...} to say so),
 * comparing values of different kinds. Two failures are the request's fault and answered with 400:
 * reading an input (or a step's output) the request does not have, and an index out of range.
 */
final class Rules {
  private static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(Condition.OPTIONS).build();

  /** CEL's prefix to an evaluation error's message, which names its own offset, not the rule. */
  private static final Pattern EVALUATION_ERROR =
      Pattern.compile("^evaluation error at <input>:[0-9]+: ");

  private Rules() {}

  /** Makes CEL's runtime ready (this class's initialization), for {@link Condition}'s warm-up. */
  static void prepare() {
    Objects.requireNonNull(RUNTIME);
  }

  /**
   * A compiled rule.
   *
   * @param steps the names of the enclosing sequence's steps by index; empty outside a sequence
   * @param reads the tensor elements it reads by constant names, for signature checks
   */
  record Rule(String source, CelRuntime.Program program, List<String> steps, List<Read> reads) {}

  /**
   * A tensor element a rule reads.
   *
   * @param step the index of the sequence step whose output it reads, or -1 for a request input
   * @param indices its constant indices (fewer than the rank for a row; none when computed)
   * @param compared whether it is compared with a constant, so must be one element
   */
  record Read(
      int step, String stepName, String tensor, int[] indices, String source, boolean compared) {
    boolean isInput() {
      return step < 0;
    }
  }

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
   * Makes a rule's program, reporting what is wrong with it to {@code violations} at {@code
   * configPath}.
   *
   * @param earlierSteps step name to index of the steps before the rule's step; null for switch
   *     rules, which read no step outputs
   */
  static Rule compile(
      Condition condition,
      Map<String, Integer> earlierSteps,
      String configPath,
      BuildViolations violations) {
    List<String> steps = List.of();
    if (earlierSteps != null) {
      String[] names = new String[earlierSteps.size()];
      earlierSteps.forEach((name, index) -> names[index] = name);
      steps = List.of(names);
    }
    Read[] reads = new Read[condition.reads().size()];
    for (int i = 0; i < reads.length; i++) {
      TensorRead read = condition.reads().get(i);
      int[] indices = new int[read.indices().size()];
      for (int k = 0; k < indices.length; k++) {
        long index = read.indices().get(k);
        if (index < 0) {
          violations.add(
              configPath,
              "'" + condition.source() + "' has index " + index + " (expected: an index >= 0)");
        }
        indices[k] = Math.clamp(index, Integer.MIN_VALUE, Integer.MAX_VALUE);
      }
      // SequenceOptions and SwitchOptions guarantee that outputs name an earlier step of a
      // sequence.
      int step = read.step() == null ? -1 : steps.indexOf(read.step());
      if (read.step() != null && step < 0) {
        throw new IllegalArgumentException(
            "'" + condition.source() + "' reads outputs." + read.step() + " (no earlier step)");
      }
      reads[i] =
          new Read(step, read.step(), read.tensor(), indices, read.source(), read.compared());
    }
    CelRuntime.Program program;
    try {
      program = RUNTIME.createProgram(condition.ast());
    } catch (CelEvaluationException e) {
      violations.invalid(configPath, condition.source(), "a rule CEL can run: " + e.getMessage());
      program = null;
    }
    return new Rule(condition.source(), program, steps, List.of(reads));
  }

  /** Whether the rule holds. */
  static boolean test(Rule rule, Scope scope) {
    Bindings bindings = new Bindings(rule, scope);
    try {
      return (Boolean) rule.program().eval(bindings);
    } catch (CelEvaluationException e) {
      if (bindings.missing != null && e.getErrorCode() == CelErrorCode.ATTRIBUTE_NOT_FOUND) {
        throw new InvalidInputException(
            scope.path(),
            "'"
                + rule.source()
                + "': "
                + bindings.missing.who()
                + " has no '"
                + bindings.missing.tensor()
                + "' (expected: one of "
                + bindings.missing.names()
                + ")");
      }
      if (e.getErrorCode() == CelErrorCode.INDEX_OUT_OF_BOUNDS) {
        throw new InvalidInputException(
            scope.path(),
            "'"
                + rule.source()
                + "': "
                + EVALUATION_ERROR.matcher(e.getMessage()).replaceFirst("")
                + " (expected: indices within the shapes of the tensors it reads)");
      }
      return false;
    }
  }

  /** A tensor a rule asked for and did not find, with the names it could have had. */
  private record Missing(String who, String tensor, List<String> names) {}

  /** The variables of one evaluation, each made when the rule first reads it. */
  private static final class Bindings implements CelVariableResolver {
    private final Rule rule;
    private final Scope scope;
    private Missing missing;

    Bindings(Rule rule, Scope scope) {
      this.rule = rule;
      this.scope = scope;
    }

    @Override
    public Optional<Object> find(String name) {
      Object value =
          switch (name) {
            case Condition.HEADERS -> scope.context().headers();
            case Condition.PARAMETERS -> scope.request().parameters();
            case Condition.INPUTS -> new Tensors(this, "the request", scope.request().inputs());
            case Condition.OUTPUTS -> outputs();
            case Condition.NOW -> scope.context().clock().instant();
            case Condition.TIME ->
                Duration.ofNanos(
                    LocalTime.ofInstant(scope.context().clock().instant(), scope.zone())
                        .toNanoOfDay());
            case Condition.ZONE -> scope.zone().getId();
            default -> null;
          };
      return Optional.ofNullable(value);
    }

    /** The steps that ran, by name. */
    private Map<String, Object> outputs() {
      Map<String, Object> outputs = new LinkedHashMap<>();
      InferResponse[] answers = scope.steps();
      for (int i = 0; answers != null && i < rule.steps().size(); i++) {
        if (answers[i] != null) {
          outputs.put(
              rule.steps().get(i),
              new Tensors(this, "step '" + rule.steps().get(i) + "'", answers[i].outputs()));
        }
      }
      return outputs;
    }
  }

  /** Tensors by name, each a view made when it is read. */
  private static final class Tensors extends AbstractMap<String, Object> {
    private final Bindings bindings;
    private final String who;
    private final List<Tensor> tensors;

    Tensors(Bindings bindings, String who, List<Tensor> tensors) {
      this.bindings = bindings;
      this.who = who;
      this.tensors = tensors;
    }

    @Override
    public boolean containsKey(Object key) {
      if (find(key) != null) {
        return true;
      }
      // Remembered in case the rule fails for it: then the request lacks what the rule reads.
      bindings.missing =
          new Missing(who, String.valueOf(key), tensors.stream().map(Tensor::name).toList());
      return false;
    }

    @Override
    public Object get(Object key) {
      Tensor tensor = find(key);
      return tensor == null ? null : view(tensor);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      Map<String, Object> all = new LinkedHashMap<>();
      for (Tensor tensor : tensors) {
        all.put(tensor.name(), view(tensor));
      }
      return all.entrySet();
    }

    private Tensor find(Object key) {
      for (Tensor tensor : tensors) {
        if (tensor.name().equals(key)) {
          return tensor;
        }
      }
      return null;
    }
  }

  /** A tensor as nested lists (a scalar as its element). */
  static Object view(Tensor tensor) {
    long[] shape = tensor.shape();
    return shape.length == 0 ? element(tensor, 0) : new TensorView(tensor, 0, 0);
  }

  /** Dimension {@code dim} of a tensor from element {@code offset} on, read on demand. */
  private static final class TensorView extends AbstractList<Object> implements RandomAccess {
    private final Tensor tensor;
    private final int dim;
    private final int offset;
    private final int stride;

    TensorView(Tensor tensor, int dim, int offset) {
      this.tensor = tensor;
      this.dim = dim;
      this.offset = offset;
      long[] shape = tensor.shape();
      long inner = 1;
      for (int k = dim + 1; k < shape.length; k++) {
        inner *= shape[k];
      }
      this.stride = (int) inner;
    }

    @Override
    public int size() {
      return (int) tensor.shape()[dim];
    }

    @Override
    public Object get(int index) {
      Objects.checkIndex(index, size());
      int at = offset + index * stride;
      return dim == tensor.shape().length - 1
          ? element(tensor, at)
          : new TensorView(tensor, dim + 1, at);
    }
  }

  /** An element as a CEL value. */
  private static Object element(Tensor tensor, int index) {
    return switch (tensor.datatype()) {
      case BOOL -> tensor.bools()[index];
      case BYTES -> new String(tensor.byteStrings()[index], StandardCharsets.UTF_8);
      case INT64 -> tensor.longs()[index];
      case INT8, INT16, INT32, UINT8, UINT16, UINT32 -> (long) tensor.doubleAt(index);
      case UINT64, FP16, FP32, FP64, BF16 -> tensor.doubleAt(index);
    };
  }
}
