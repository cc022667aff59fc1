package io.mlsys.graph;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.graph.spi.Demand;
import io.mlsys.graph.spi.Flow;
import io.mlsys.graph.spi.GraphNode;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.ParameterState;
import io.mlsys.graph.spi.Place;
import io.mlsys.graph.spi.SignatureContext;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
      GraphNode node,
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
      InferResponse answer = step.node().call(stepRequest, context, state);
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

  @Override
  public Flow outputs(Flow in, SignatureContext signatures) {
    Flow[] outs = new Flow[steps.length];
    Flow previous = in;
    Flow hinted =
        steps.length == 0
            ? in
            : Signatures.hinted(in, steps[0].node().reads(new Demand(), signatures));
    for (int i = 0; i < steps.length; i++) {
      Step step = steps[i];
      String configPath = step.node().place().configPath();
      if (step.when() != null) {
        Signatures.checkReferences(step.when(), hinted, outs, configPath + ".when", signatures);
      }
      Flow stepIn = previous;
      if (step.bindings() != null) {
        Map<String, TensorSpec> specs = new LinkedHashMap<>();
        boolean open = false;
        for (Binding binding : step.bindings()) {
          Flow source = binding.step() < 0 ? in : outs[binding.step()];
          TensorSpec spec = source.spec(binding.tensor());
          if (spec != null) {
            specs.put(binding.input(), Flow.renamed(spec, binding.input()));
          } else {
            open = true;
            if (!source.open()) {
              signatures.invalid(
                  configPath + ".inputs." + binding.input(),
                  binding.source() + "." + binding.tensor(),
                  "a tensor step '" + binding.source() + "' answers: " + source.specs().keySet());
            }
          }
        }
        stepIn = new Flow(specs, open);
      }
      outs[i] = step.node().outputs(stepIn, signatures);
      previous = outs[i];
    }
    return previous;
  }

  /** What the sequence reads from its request, walking back from its last step. */
  @Override
  public Demand reads(Demand after, SignatureContext signatures) {
    Demand request = new Demand();
    Demand next = new Demand();
    for (int i = steps.length - 1; i >= 0; i--) {
      Step step = steps[i];
      Demand own = step.node().reads(next, signatures);
      if (step.when() != null) {
        Signatures.addRuleReads(step.when(), request);
      }
      if (step.bindings() != null) {
        for (Binding binding : step.bindings()) {
          if (binding.step() < 0) {
            request.add(binding.tensor(), own.spec(binding.input()));
          }
        }
        next = new Demand();
      } else {
        next = own;
      }
    }
    request.addAll(next);
    return request;
  }

  @Override
  public String describe() {
    List<String> parts = new ArrayList<>();
    for (Step step : steps) {
      parts.add(step.name() + ": " + step.node().describe());
    }
    return "sequence(" + String.join(", ", parts) + ")";
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
      Tensor tensor = Tensors.find(from, binding.tensor());
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
}
