package io.mlsys.graph;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Steps in order. A step reads the outputs of the last step that ran (the first: the request's
 * inputs) unless it binds its inputs by name; a step whose {@code when} is false or that is
 * inactive is skipped. The answer is the last step that ran.
 *
 * @param history whether steps read earlier answers by name (bindings or {@code outputs} in rules),
 *     so the answers are kept
 */
record SequenceNode(Place place, Step[] steps, boolean history) implements Node {

  /**
   * One step.
   *
   * @param when null: always
   * @param whenPath the path errors of {@code when} name
   * @param bindings null: the previous outputs
   */
  record Step(
      String name,
      Node node,
      int activeSlot,
      Rules.Rule when,
      String whenPath,
      Binding[] bindings) {}

  /**
   * Input {@code input} of a step is tensor {@code tensor} of the request ({@code step} -1) or of
   * step {@code step}.
   */
  record Binding(String input, int step, String source, String tensor) {}

  @Override
  public InferResponse execute(InferRequest request, CallContext context, ParameterState state) {
    InferResponse[] answers = history ? new InferResponse[steps.length] : null;
    InferResponse last = null;
    for (int i = 0; i < steps.length; i++) {
      Step step = steps[i];
      if (!state.active(step.activeSlot())) {
        continue;
      }
      if (step.when() != null
          && !Rules.test(
              step.when(),
              new Rules.Scope(request, context, answers, ZoneOffset.UTC, step.whenPath()))) {
        continue;
      }
      InferRequest stepRequest;
      if (step.bindings() != null) {
        stepRequest = request.withInputs(bind(step, request, answers));
      } else if (last == null) {
        stepRequest = request;
      } else {
        stepRequest = request.withInputs(last.outputs());
      }
      InferResponse answer = Node.run(step.node(), stepRequest, context, state);
      if (answers != null) {
        answers[i] = answer;
      }
      last = answer;
    }
    return last != null
        ? last
        : new InferResponse(
            place.graph(), Graphs.VERSION, request.id(), request.inputs(), Map.of());
  }

  private String stepPath(Step step) {
    return step.node().place().path();
  }

  private List<Tensor> bind(Step step, InferRequest request, InferResponse[] answers) {
    List<Tensor> inputs = new ArrayList<>(step.bindings().length);
    for (Binding binding : step.bindings()) {
      List<Tensor> from;
      if (binding.step() < 0) {
        from = request.inputs();
      } else if (answers[binding.step()] != null) {
        from = answers[binding.step()].outputs();
      } else {
        throw new InvalidInputException(
            stepPath(step) + ".inputs." + binding.input(),
            "'"
                + binding.source()
                + "."
                + binding.tensor()
                + "' does not exist: step '"
                + binding.source()
                + "' was skipped (expected: a step that ran)");
      }
      Tensor tensor = find(from, binding.tensor());
      if (tensor == null) {
        throw new InvalidInputException(
            stepPath(step) + ".inputs." + binding.input(),
            "'"
                + binding.source()
                + "."
                + binding.tensor()
                + "' does not exist (expected: one of "
                + from.stream().map(Tensor::name).toList()
                + ")");
      }
      inputs.add(tensor.name().equals(binding.input()) ? tensor : tensor.withName(binding.input()));
    }
    return inputs;
  }

  static Tensor find(List<Tensor> tensors, String name) {
    for (Tensor tensor : tensors) {
      if (tensor.name().equals(name)) {
        return tensor;
      }
    }
    return null;
  }
}
