package io.mlsys.onnx;

import io.mlsys.core.DataType;
import io.mlsys.core.ErrorMessages;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.core.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a request against a model's signature before anything runs. Pure: it returns every
 * violation, each naming its field, and never touches ONNX Runtime.
 */
final class RequestValidator {

  /** One problem with a request: the field's path and what is wrong with it. */
  record Violation(String field, String problem) {}

  /**
   * The outputs one call computes, in response order.
   *
   * @param names output names in the order the response lists them
   * @param fetches the graph outputs to ask {@code OrtSession.run} for (a ZipMap output may be
   *     fetched as its scores tensor)
   */
  record OutputPlan(List<String> names, Set<String> fetches) {
    static OutputPlan of(List<String> names, OnnxSignature signature) {
      Set<String> fetches = new LinkedHashSet<>();
      for (String name : names) {
        fetches.add(signature.outputs().get(name).fetch());
      }
      return new OutputPlan(List.copyOf(names), Collections.unmodifiableSet(fetches));
    }
  }

  private final String modelName;
  private final OnnxSignature signature;
  private final boolean allowNonFinite;
  private final OutputPlan defaultPlan;
  private final String expectedInputs;
  private final String expectedOutputs;

  RequestValidator(
      String modelName, OnnxSignature signature, boolean allowNonFinite, List<String> defaults) {
    this.modelName = modelName;
    this.signature = signature;
    this.allowNonFinite = allowNonFinite;
    this.defaultPlan =
        OutputPlan.of(
            defaults.isEmpty() ? List.copyOf(signature.outputs().keySet()) : defaults, signature);
    this.expectedInputs =
        signature.inputs().values().stream()
            .map(slot -> describe(slot.spec()))
            .collect(Collectors.joining(", "));
    this.expectedOutputs = String.join(", ", signature.outputs().keySet());
  }

  /** The outputs computed when a request names none. */
  OutputPlan defaultPlan() {
    return defaultPlan;
  }

  /**
   * Validates a request and returns the outputs to compute.
   *
   * @throws InvalidInputException naming the first offending field; its message lists the next few
   *     and counts the rest, so it stays short however many there are
   */
  OutputPlan check(InferRequest request) {
    List<Violation> violations = violations(request);
    if (!violations.isEmpty()) {
      Violation first = violations.get(0);
      String problem =
          ErrorMessages.list(
              violations,
              next -> next == first ? next.problem() : next.field() + ": " + next.problem(),
              "; ");
      throw new InvalidInputException(first.field(), problem);
    }
    if (request.outputs().isEmpty()) {
      return defaultPlan;
    }
    List<String> names = new ArrayList<>(request.outputs().size());
    for (RequestedOutput output : request.outputs()) {
      names.add(output.name());
    }
    return OutputPlan.of(names, signature);
  }

  /** Every violation in the request, in field order; empty when the request fits the model. */
  List<Violation> violations(InferRequest request) {
    List<Violation> violations = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<Tensor> inputs = request.inputs();
    for (int i = 0; i < inputs.size(); i++) {
      Tensor input = inputs.get(i);
      OnnxSignature.InputSlot slot = signature.inputs().get(input.name());
      if (!seen.add(input.name())) {
        violations.add(
            new Violation(
                "inputs[" + i + "].name",
                ErrorMessages.quote(input.name())
                    + " appears more than once (expected: unique input names)"));
      } else if (slot == null) {
        violations.add(
            new Violation(
                "inputs[" + i + "].name",
                ErrorMessages.quote(input.name())
                    + " is not an input of model '"
                    + modelName
                    + "' (expected: "
                    + expectedInputs
                    + ")"));
      } else {
        checkInput(input, slot, violations);
      }
    }
    for (String name : signature.inputs().keySet()) {
      if (!seen.contains(name)) {
        violations.add(
            new Violation("inputs", "missing '" + name + "' (expected: " + expectedInputs + ")"));
      }
    }
    checkOutputs(request.outputs(), violations);
    return violations;
  }

  private void checkInput(Tensor input, OnnxSignature.InputSlot slot, List<Violation> violations) {
    TensorSpec spec = slot.spec();
    String field = "inputs[" + ErrorMessages.excerpt(input.name()) + "]";
    if (input.datatype() != spec.datatype()) {
      violations.add(
          new Violation(
              field + ".datatype", input.datatype() + " (expected: " + spec.datatype() + ")"));
      return;
    }
    long[] shape = input.shape();
    if (slot.shapeKnown() && shape.length != spec.shape().size()) {
      violations.add(
          new Violation(
              field + ".shape",
              Arrays.toString(shape)
                  + " has rank "
                  + shape.length
                  + " (expected: rank "
                  + spec.shape().size()
                  + ", "
                  + spec.shape()
                  + " where -1 is any size)"));
      return;
    }
    if (slot.shapeKnown() && !spec.accepts(shape)) {
      violations.add(
          new Violation(
              field + ".shape",
              Arrays.toString(shape) + " (expected: " + spec.shape() + " where -1 is any size)"));
      return;
    }
    if (input.data().size() == 0) {
      violations.add(
          new Violation(
              field + ".shape",
              Arrays.toString(shape) + " has no elements (expected: at least one row)"));
      return;
    }
    checkValues(field, input, violations);
  }

  private void checkValues(String field, Tensor input, List<Violation> violations) {
    switch (input.data()) {
      case TensorData.Floats floats when !allowNonFinite -> {
        float[] values = floats.values();
        for (int i = 0; i < values.length; i++) {
          if (!Float.isFinite(values[i])) {
            violations.add(nonFinite(field, i, Float.toString(values[i])));
            return;
          }
        }
      }
      case TensorData.Doubles doubles when !allowNonFinite -> {
        double[] values = doubles.values();
        for (int i = 0; i < values.length; i++) {
          if (!Double.isFinite(values[i])) {
            violations.add(nonFinite(field, i, Double.toString(values[i])));
            return;
          }
        }
      }
      case TensorData.Shorts shorts
          when !allowNonFinite
              && (input.datatype() == DataType.FP16 || input.datatype() == DataType.BF16) -> {
        // All exponent bits set means infinity or NaN in both 16-bit formats.
        int exponent = input.datatype() == DataType.FP16 ? 0x7C00 : 0x7F80;
        short[] values = shorts.values();
        for (int i = 0; i < values.length; i++) {
          if ((values[i] & exponent) == exponent) {
            violations.add(nonFinite(field, i, "NaN or Infinity"));
            return;
          }
        }
      }
      case TensorData.ByteStrings strings -> {
        byte[][] values = strings.values();
        for (int i = 0; i < values.length; i++) {
          if (!isUtf8(values[i])) {
            violations.add(
                new Violation(
                    field + ".data[" + i + "]",
                    "is not valid UTF-8 (expected: text; ONNX Runtime's Java API passes BYTES"
                        + " elements as strings)"));
            return;
          }
        }
      }
      default -> {
        // Integers and booleans have no invalid values.
      }
    }
  }

  private Violation nonFinite(String field, int index, String value) {
    return new Violation(
        field + ".data[" + index + "]",
        value
            + " (expected: a finite number; model '"
            + modelName
            + "' does not allow NaN or Infinity)");
  }

  private void checkOutputs(List<RequestedOutput> outputs, List<Violation> violations) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < outputs.size(); i++) {
      String name = outputs.get(i).name();
      String field = "outputs[" + i + "].name";
      if (!seen.add(name)) {
        violations.add(
            new Violation(
                field,
                ErrorMessages.quote(name) + " is requested twice (expected: unique output names)"));
      } else if (!signature.outputs().containsKey(name)) {
        String unsupported =
            signature.unsupportedOutputs().stream()
                .filter(entry -> entry.startsWith(name + ": "))
                .findFirst()
                .map(entry -> " has a type that cannot be returned (" + entry + ")")
                .orElse(" is not an output of model '" + modelName + "'");
        violations.add(
            new Violation(
                field,
                ErrorMessages.quote(name)
                    + unsupported
                    + " (expected: one of "
                    + expectedOutputs
                    + ")"));
      }
    }
  }

  private static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static String describe(TensorSpec spec) {
    return spec.name() + " " + spec.datatype() + " " + spec.shape();
  }
}
