package io.mlsys.graph;

import io.mlsys.core.TensorSpec;
import io.mlsys.graph.spi.Demand;
import io.mlsys.graph.spi.Flow;
import io.mlsys.graph.spi.GraphRef;
import io.mlsys.graph.spi.SignatureContext;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Signature propagation over compiled graphs, without data: each node says what it answers given
 * what it gets ({@link io.mlsys.graph.spi.Node#outputs}, which reports mismatches) and what it
 * reads ({@link io.mlsys.graph.spi.Node#reads}, for the graph's input signature); this is the
 * context they do it in, guarding graphs that call graphs against cycles. Nodes whose signature is
 * not known (remote models, models not ready) make the flow "open": anything may be there, so
 * nothing is reported about it. Also the checks several built-in kinds share.
 */
final class Signatures implements SignatureContext {
  private final ModelLookup models;
  private final BuildViolations violations;
  private final Map<CompiledGraph, Flow> graphOutputs = new HashMap<>();
  private final Set<CompiledGraph> visiting = new HashSet<>();

  Signatures(ModelLookup models, BuildViolations violations) {
    this.models = models;
    this.violations = violations;
  }

  /** What a graph answers; mismatches anywhere in it go to the violations. */
  Flow outputs(CompiledGraph graph) {
    visiting.add(graph);
    try {
      return graph.root().outputs(Flow.UNKNOWN, this);
    } finally {
      visiting.remove(graph);
    }
  }

  /** What a graph reads from its request. */
  Demand reads(CompiledGraph graph) {
    visiting.add(graph);
    try {
      return graph.root().reads(new Demand(), this);
    } finally {
      visiting.remove(graph);
    }
  }

  @Override
  public ModelLookup models() {
    return models;
  }

  @Override
  public Flow outputs(GraphRef ref) {
    CompiledGraph callee = ((GraphHandle) ref).graph();
    if (callee == null || visiting.contains(callee)) {
      return Flow.UNKNOWN;
    }
    Flow out = graphOutputs.get(callee);
    if (out == null) {
      out = outputs(callee);
      graphOutputs.put(callee, out);
    }
    return out;
  }

  @Override
  public Demand reads(GraphRef ref) {
    CompiledGraph callee = ((GraphHandle) ref).graph();
    if (callee == null || visiting.contains(callee)) {
      return Demand.unknown();
    }
    return reads(callee);
  }

  @Override
  public void violation(String path, String problem) {
    violations.add(path, problem);
  }

  @Override
  public void invalid(String path, Object value, String expected) {
    violations.invalid(path, value, expected);
  }

  /**
   * Checks that {@code in} has every tensor {@code needed}, with its datatype and a fitting shape;
   * {@code who} reads them, e.g. {@code model 'iris'}.
   */
  static void checkInputs(
      List<TensorSpec> needed, Flow in, String path, String who, SignatureContext signatures) {
    for (TensorSpec spec : needed) {
      TensorSpec got = in.spec(spec.name());
      if (got == null) {
        if (!in.open()) {
          signatures.violation(
              path,
              who
                  + " reads input '"
                  + spec.name()
                  + "', which it does not get (expected: one of "
                  + in.specs().keySet()
                  + ")");
        }
      } else if (got.datatype() != spec.datatype()) {
        signatures.violation(
            path,
            who
                + " reads input '"
                + spec.name()
                + "' as "
                + got.datatype()
                + " (expected: "
                + spec.datatype()
                + ")");
      } else if (!fits(got.shape(), spec.shape())) {
        signatures.violation(
            path,
            who
                + " reads input '"
                + spec.name()
                + "' of shape "
                + got.shape()
                + " (expected: "
                + spec.shape()
                + ")");
      }
    }
  }

  private static boolean fits(List<Long> got, List<Long> expected) {
    if (got.size() != expected.size()) {
      return false;
    }
    for (int i = 0; i < got.size(); i++) {
      long a = got.get(i);
      long b = expected.get(i);
      if (a >= 0 && b >= 0 && a != b) {
        return false;
      }
    }
    return true;
  }

  /** The flow, with specs the nodes after it expect for tensors it does not know. */
  static Flow hinted(Flow in, Demand reads) {
    if (!in.open()) {
      return in;
    }
    Map<String, TensorSpec> specs = new LinkedHashMap<>(in.specs());
    reads.forEach(
        (name, spec) -> {
          if (spec != null) {
            specs.putIfAbsent(name, spec);
          }
        });
    return new Flow(specs, true);
  }

  /**
   * Checks the tensors and indices a rule reads: request inputs in {@code inputs}, outputs of
   * sequence step i in {@code steps[i]} (null outside a sequence).
   */
  static void checkReferences(
      Rules.Rule rule, Flow inputs, Flow[] steps, String path, SignatureContext signatures) {
    for (Rules.Read read : rule.reads()) {
      if (read.isInput()) {
        checkElement(inputs, read, "the request", path, signatures);
      } else if (steps != null) {
        checkElement(steps[read.step()], read, "step '" + read.stepName() + "'", path, signatures);
      }
    }
  }

  private static void checkElement(
      Flow flow, Rules.Read read, String who, String path, SignatureContext signatures) {
    String tensor = read.tensor();
    int[] indices = read.indices();
    String source = read.source();
    TensorSpec spec = flow.spec(tensor);
    if (spec == null) {
      if (!flow.open()) {
        signatures.invalid(path, source, "a tensor " + who + " has: " + flow.specs().keySet());
      }
      return;
    }
    List<Long> shape = spec.shape();
    if (indices.length > shape.size()) {
      signatures.invalid(
          path, source, "at most " + shape.size() + " indices: " + tensor + " has shape " + shape);
      return;
    }
    if (read.compared() && indices.length > 0 && indices.length < shape.size()) {
      signatures.invalid(
          path,
          source,
          shape.size()
              + " indices to compare one element: "
              + tensor
              + " has shape "
              + shape
              + ", and in CEL fewer indices read a row");
      return;
    }
    for (int k = 0; k < indices.length; k++) {
      long dim = shape.get(k);
      if (dim >= 0 && indices[k] >= dim) {
        signatures.invalid(
            path, source, "index " + k + " < " + dim + ": " + tensor + " has shape " + shape);
        return;
      }
    }
  }

  /** The request inputs a rule reads, untyped, added to {@code demand}. */
  static void addRuleReads(Rules.Rule rule, Demand demand) {
    for (Rules.Read read : rule.reads()) {
      if (read.isInput()) {
        demand.add(read.tensor(), null);
      }
    }
  }
}
