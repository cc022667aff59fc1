package io.mlsys.graph;

import io.mlsys.config.TransformConfig;
import io.mlsys.core.DataType;
import io.mlsys.core.MlsysException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.TensorSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Signature propagation over a compiled graph, without data: what each node answers given what it
 * gets ({@link #outputs}, which reports mismatches), and what a node reads from its input ({@link
 * #reads}, for the graph's input signature). Nodes whose signature is not known (remote models,
 * models not ready) make the flow "open": anything may be there, so nothing is reported about it.
 */
final class Signatures {

  /**
   * The tensors that flow between nodes.
   *
   * @param open whether tensors not in {@code specs} may exist too
   */
  record Flow(Map<String, TensorSpec> specs, boolean open) {
    static final Flow UNKNOWN = new Flow(Map.of(), true);

    static Flow closed(List<TensorSpec> specs) {
      Map<String, TensorSpec> map = new LinkedHashMap<>();
      for (TensorSpec spec : specs) {
        map.put(spec.name(), spec);
      }
      return new Flow(map, false);
    }
  }

  /** What a node reads: tensor name to spec, or to null when its datatype is not known. */
  static final class Demand {
    final Map<String, TensorSpec> tensors = new LinkedHashMap<>();
    boolean open;

    void add(String name, TensorSpec spec) {
      // A typed spec replaces an untyped one; otherwise the first one found stays.
      if (!tensors.containsKey(name) || (tensors.get(name) == null && spec != null)) {
        tensors.put(name, spec == null ? null : renamed(spec, name));
      }
    }

    void addAll(Demand other) {
      other.tensors.forEach(this::add);
      open |= other.open;
    }
  }

  private final ModelLookup models;
  private final Violations violations;
  private final Map<CompiledGraph, Flow> graphOutputs = new HashMap<>();
  private final Set<CompiledGraph> visiting = new HashSet<>();

  Signatures(ModelLookup models, Violations violations) {
    this.models = models;
    this.violations = violations;
  }

  /** What a graph answers; mismatches anywhere in it go to the violations. */
  Flow outputs(CompiledGraph graph) {
    visiting.add(graph);
    try {
      return outputs(graph.root(), Flow.UNKNOWN);
    } finally {
      visiting.remove(graph);
    }
  }

  /** What a graph reads from its request. */
  Demand reads(CompiledGraph graph) {
    visiting.add(graph);
    try {
      return reads(graph.root(), new Demand());
    } finally {
      visiting.remove(graph);
    }
  }

  /** What {@code node} answers when it gets {@code in}; mismatches go to the violations. */
  Flow outputs(Node node, Flow in) {
    return switch (node) {
      case ModelNode model -> model(model, in);
      case GraphNode call -> call(call, in);
      case RemoteNode ignored -> Flow.UNKNOWN;
      case TransformNode transform -> transform(transform, in);
      case SequenceNode sequence -> sequence(sequence, in);
      case EnsembleNode ensemble -> ensemble(ensemble, in);
      case SwitchNode route -> route(route, in);
      case CascadeNode cascade -> cascade(cascade, in);
    };
  }

  /**
   * What {@code node} reads from its input, given what the node after it reads from its outputs
   * ({@code after}: transforms pass tensors they do not touch through).
   */
  Demand reads(Node node, Demand after) {
    Demand demand = new Demand();
    switch (node) {
      case ModelNode model -> {
        ModelMetadata metadata = metadata(model);
        if (metadata == null) {
          demand.open = true;
        } else {
          metadata.inputs().forEach(spec -> demand.add(spec.name(), spec));
        }
      }
      case GraphNode call -> {
        CompiledGraph callee = call.handle().graph();
        if (callee == null || !visiting.add(callee)) {
          demand.open = true;
        } else {
          demand.addAll(reads(callee.root(), new Demand()));
          visiting.remove(callee);
        }
      }
      case RemoteNode ignored -> demand.open = true;
      case TransformNode transform -> demand.addAll(transformReads(transform.steps(), after));
      case SequenceNode sequence -> demand.addAll(sequenceReads(sequence));
      case EnsembleNode ensemble -> {
        for (EnsembleNode.Branch branch : ensemble.branches()) {
          Demand reads = reads(branch.node(), new Demand());
          if (branch.inputs() == null) {
            demand.addAll(reads);
          } else {
            branch
                .inputs()
                .forEach((input, tensor) -> demand.add(tensor, reads.tensors.get(input)));
          }
        }
      }
      case SwitchNode route -> {
        for (SwitchNode.Route rule : route.rules()) {
          demand.addAll(reads(rule.node(), new Demand()));
        }
        demand.addAll(reads(route.fallback().node(), new Demand()));
        for (SwitchNode.Route rule : route.rules()) {
          for (Rules.Read read : rule.when().reads()) {
            if (read.isInput()) {
              demand.add(read.tensor(), null);
            }
          }
        }
      }
      case CascadeNode cascade -> {
        for (CascadeNode.Stage stage : cascade.stages()) {
          demand.addAll(reads(stage.node(), new Demand()));
        }
      }
    }
    return demand;
  }

  private Flow model(ModelNode node, Flow in) {
    ModelMetadata metadata = metadata(node);
    if (metadata == null) {
      return Flow.UNKNOWN;
    }
    Place place = node.place();
    checkInputs(metadata.inputs(), in, place.config("model"), "model '" + node.model() + "'");
    if (node.outputs().isEmpty()) {
      return Flow.closed(metadata.outputs());
    }
    List<TensorSpec> outputs = new ArrayList<>();
    for (int i = 0; i < node.outputs().size(); i++) {
      String name = node.outputs().get(i).name();
      TensorSpec spec = metadata.output(name).orElse(null);
      if (spec == null) {
        violations.invalid(
            place.config("model.outputs[" + i + "]"),
            name,
            "an output of model '"
                + node.model()
                + "': "
                + metadata.outputs().stream().map(TensorSpec::name).toList());
      } else {
        outputs.add(spec);
      }
    }
    return Flow.closed(outputs);
  }

  private Flow call(GraphNode node, Flow in) {
    CompiledGraph callee = node.handle().graph();
    if (callee == null || !visiting.add(callee)) {
      return Flow.UNKNOWN;
    }
    try {
      Demand reads = reads(callee.root(), new Demand());
      List<TensorSpec> typed = new ArrayList<>();
      reads.tensors.forEach(
          (name, spec) -> {
            if (spec != null) {
              typed.add(spec);
            }
          });
      checkInputs(typed, in, node.place().config("model"), "graph '" + node.target() + "'");
      Flow out = graphOutputs.get(callee);
      if (out == null) {
        out = outputs(callee.root(), Flow.UNKNOWN);
        graphOutputs.put(callee, out);
      }
      if (node.outputs().isEmpty()) {
        return out;
      }
      List<TensorSpec> selected = new ArrayList<>();
      for (int i = 0; i < node.outputs().size(); i++) {
        String name = node.outputs().get(i).name();
        TensorSpec spec = out.specs().get(name);
        if (spec != null) {
          selected.add(spec);
        } else if (!out.open()) {
          violations.invalid(
              node.place().config("model.outputs[" + i + "]"),
              name,
              "an output of graph '" + node.target() + "': " + out.specs().keySet());
        }
      }
      return new Flow(Flow.closed(selected).specs(), out.open());
    } finally {
      visiting.remove(callee);
    }
  }

  private Flow transform(TransformNode node, Flow in) {
    if (node.pipeline() == null || in.open()) {
      return Flow.UNKNOWN;
    }
    String base = node.place().config("transform");
    List<TensorSpec> out =
        node.pipeline()
            .outputSpecs(
                List.copyOf(in.specs().values()),
                (path, problem) ->
                    violations.add(
                        path.isEmpty() || path.startsWith("[") ? base + path : base + "." + path,
                        problem));
    return Flow.closed(out);
  }

  private Flow sequence(SequenceNode node, Flow in) {
    SequenceNode.Step[] steps = node.steps();
    Flow[] outs = new Flow[steps.length];
    Flow previous = in;
    Flow hinted = steps.length == 0 ? in : hinted(in, reads(steps[0].node(), new Demand()));
    for (int i = 0; i < steps.length; i++) {
      SequenceNode.Step step = steps[i];
      String configPath = step.node().place().configPath();
      if (step.when() != null) {
        checkReferences(step.when(), hinted, outs, configPath + ".when");
      }
      Flow stepIn = previous;
      if (step.bindings() != null) {
        Map<String, TensorSpec> specs = new LinkedHashMap<>();
        boolean open = false;
        for (SequenceNode.Binding binding : step.bindings()) {
          Flow source = binding.step() < 0 ? in : outs[binding.step()];
          TensorSpec spec = source.specs().get(binding.tensor());
          if (spec != null) {
            specs.put(binding.input(), renamed(spec, binding.input()));
          } else {
            open = true;
            if (!source.open()) {
              violations.invalid(
                  configPath + ".inputs." + binding.input(),
                  binding.source() + "." + binding.tensor(),
                  "a tensor step '" + binding.source() + "' answers: " + source.specs().keySet());
            }
          }
        }
        stepIn = new Flow(specs, open);
      }
      outs[i] = outputs(step.node(), stepIn);
      previous = outs[i];
    }
    return previous;
  }

  private Flow ensemble(EnsembleNode node, Flow in) {
    EnsembleNode.Branch[] branches = node.branches();
    Flow[] outs = new Flow[branches.length];
    for (int i = 0; i < branches.length; i++) {
      EnsembleNode.Branch branch = branches[i];
      Flow branchIn = in;
      if (branch.inputs() != null) {
        Map<String, TensorSpec> specs = new LinkedHashMap<>();
        boolean open = in.open();
        for (Map.Entry<String, String> input : branch.inputs().entrySet()) {
          TensorSpec spec = in.specs().get(input.getValue());
          if (spec != null) {
            specs.put(input.getKey(), renamed(spec, input.getKey()));
          } else if (!in.open()) {
            open = true;
            violations.invalid(
                branch.node().place().configPath() + ".inputs." + input.getKey(),
                "request." + input.getValue(),
                "a tensor of the ensemble's request: " + in.specs().keySet());
          }
        }
        branchIn = new Flow(specs, open);
      }
      outs[i] = outputs(branch.node(), branchIn);
    }
    Place place = node.place();
    return switch (node.combiner()) {
      case Combiner.All ignored -> {
        Map<String, TensorSpec> specs = new LinkedHashMap<>();
        boolean open = false;
        for (int i = 0; i < branches.length; i++) {
          for (TensorSpec spec : outs[i].specs().values()) {
            String name = branches[i].name() + "." + spec.name();
            specs.put(name, renamed(spec, name));
          }
          open |= outs[i].open();
        }
        yield new Flow(specs, open);
      }
      case Combiner.First ignored -> merge(outs);
      case Combiner.Mean mean -> {
        String path =
            place.config(
                "ensemble.combine." + (mean.weighted() ? "weighted-mean" : "mean") + ".output");
        TensorSpec first = combined(mean.output(), branches, outs, path, true);
        if (first == null) {
          yield Flow.UNKNOWN;
        }
        boolean fp64 = false;
        for (Flow out : outs) {
          TensorSpec spec = out.specs().get(mean.output());
          fp64 |= spec != null && spec.datatype() == DataType.FP64;
        }
        yield Flow.closed(
            List.of(
                new TensorSpec(
                    mean.output(), fp64 ? DataType.FP64 : DataType.FP32, first.shape())));
      }
      case Combiner.Vote vote -> {
        TensorSpec first =
            combined(
                vote.output(), branches, outs, place.config("ensemble.combine.vote.output"), false);
        yield first == null ? Flow.UNKNOWN : Flow.closed(List.of(first));
      }
      case Combiner.Max max -> {
        String path = place.config("ensemble.combine.max");
        combined(max.output(), branches, outs, path + ".output", true);
        for (int i = 0; i < branches.length; i++) {
          TensorSpec spec = outs[i].specs().get(max.output());
          if (spec != null) {
            checkColumn(spec, max.column(), branches[i].name(), path + ".column");
          }
        }
        yield Flow.closed(
            List.of(
                new TensorSpec(max.scoreOutput(), DataType.FP32, List.of(-1L)),
                new TensorSpec(max.labelOutput(), DataType.BYTES, List.of(-1L))));
      }
    };
  }

  /**
   * Checks that every branch answers {@code output} (numeric when asked); returns the first
   * branch's spec of it, or null when none is known.
   */
  private TensorSpec combined(
      String output, EnsembleNode.Branch[] branches, Flow[] outs, String path, boolean numeric) {
    TensorSpec first = null;
    for (int i = 0; i < branches.length; i++) {
      TensorSpec spec = outs[i].specs().get(output);
      if (spec == null) {
        if (!outs[i].open()) {
          violations.invalid(
              path,
              output,
              "an output every branch answers; branch '"
                  + branches[i].name()
                  + "' answers "
                  + outs[i].specs().keySet());
        }
        continue;
      }
      if (numeric && !spec.datatype().isNumeric()) {
        violations.invalid(
            path,
            output,
            "a numeric output; branch '"
                + branches[i].name()
                + "' answers it as "
                + spec.datatype());
      }
      first = first == null ? spec : first;
    }
    return first;
  }

  private void checkColumn(TensorSpec spec, int column, String branch, String path) {
    List<Long> shape = spec.shape();
    if (shape.isEmpty()) {
      violations.invalid(
          path, column, "a column of a [N] or [N, C] output; branch '" + branch + "' answers []");
      return;
    }
    long columns = 1;
    for (int k = 1; k < shape.size(); k++) {
      if (shape.get(k) < 0) {
        return;
      }
      columns *= shape.get(k);
    }
    if (column >= columns) {
      violations.invalid(
          path,
          column,
          "< "
              + columns
              + ": branch '"
              + branch
              + "' answers "
              + spec.name()
              + " of shape "
              + shape);
    }
  }

  private Flow route(SwitchNode node, Flow in) {
    Demand reads = new Demand();
    for (SwitchNode.Route rule : node.rules()) {
      reads.addAll(reads(rule.node(), new Demand()));
    }
    reads.addAll(reads(node.fallback().node(), new Demand()));
    Flow hinted = hinted(in, reads);
    Flow[] outs = new Flow[node.rules().length + 1];
    for (int i = 0; i < node.rules().length; i++) {
      SwitchNode.Route rule = node.rules()[i];
      checkReferences(rule.when(), hinted, null, rule.node().place().configPath() + ".when");
      outs[i] = outputs(rule.node(), in);
    }
    outs[node.rules().length] = outputs(node.fallback().node(), in);
    return merge(outs);
  }

  private Flow cascade(CascadeNode node, Flow in) {
    CascadeNode.Stage[] stages = node.stages();
    Flow[] outs = new Flow[stages.length];
    Flow reference = null;
    String referenceName = null;
    boolean clash = false;
    for (int i = 0; i < stages.length; i++) {
      CascadeNode.Stage stage = stages[i];
      String configPath = stage.node().place().configPath();
      outs[i] = outputs(stage.node(), in);
      if (stage.accept() != null) {
        TensorSpec scores = outs[i].specs().get(stage.accept());
        if (scores == null && !outs[i].open()) {
          violations.invalid(
              configPath + ".accept.output",
              stage.accept(),
              "an output of stage '" + stage.name() + "': " + outs[i].specs().keySet());
        } else if (scores != null && !scores.datatype().isNumeric()) {
          violations.invalid(
              configPath + ".accept.output",
              stage.accept(),
              "a numeric output; stage '" + stage.name() + "' answers it as " + scores.datatype());
        }
      }
      if (outs[i].open()) {
        continue;
      }
      if (outs[i].specs().containsKey(node.stageOutput()) && !clash) {
        clash = true;
        violations.invalid(
            node.place().config("cascade.stage-output"),
            node.stageOutput(),
            "a name no stage answers; stage '" + stage.name() + "' answers it");
      }
      if (reference == null) {
        reference = outs[i];
        referenceName = stage.name();
      } else if (!sameTypes(reference, outs[i])) {
        violations.add(
            configPath,
            "stage '"
                + stage.name()
                + "' answers "
                + describe(outs[i])
                + " (expected: what stage '"
                + referenceName
                + "' answers, "
                + describe(reference)
                + ", to merge rows)");
      }
    }
    Flow first = outs.length == 0 ? Flow.UNKNOWN : outs[0];
    Map<String, TensorSpec> specs = new LinkedHashMap<>(first.specs());
    specs.put(node.stageOutput(), new TensorSpec(node.stageOutput(), DataType.BYTES, List.of(-1L)));
    return new Flow(specs, first.open());
  }

  private static boolean sameTypes(Flow a, Flow b) {
    if (!a.specs().keySet().equals(b.specs().keySet())) {
      return false;
    }
    for (TensorSpec spec : a.specs().values()) {
      if (b.specs().get(spec.name()).datatype() != spec.datatype()) {
        return false;
      }
    }
    return true;
  }

  private static String describe(Flow flow) {
    List<String> parts = new ArrayList<>();
    for (TensorSpec spec : flow.specs().values()) {
      parts.add(spec.name() + " " + spec.datatype());
    }
    return parts.toString();
  }

  /** Tensors every route answers alike; open when the routes differ or one is not known. */
  private static Flow merge(Flow[] outs) {
    if (outs.length == 0) {
      return Flow.UNKNOWN;
    }
    Map<String, TensorSpec> specs = new LinkedHashMap<>(outs[0].specs());
    boolean open = outs[0].open();
    for (int i = 1; i < outs.length; i++) {
      open |= outs[i].open() || !outs[i].specs().keySet().equals(specs.keySet());
      Flow out = outs[i];
      specs
          .entrySet()
          .removeIf(
              entry -> {
                TensorSpec other = out.specs().get(entry.getKey());
                return other == null || other.datatype() != entry.getValue().datatype();
              });
    }
    return new Flow(specs, open);
  }

  /** The flow, with specs the nodes after it expect for tensors it does not know. */
  private static Flow hinted(Flow in, Demand reads) {
    if (!in.open()) {
      return in;
    }
    Map<String, TensorSpec> specs = new LinkedHashMap<>(in.specs());
    reads.tensors.forEach(
        (name, spec) -> {
          if (spec != null) {
            specs.putIfAbsent(name, spec);
          }
        });
    return new Flow(specs, true);
  }

  /** Checks the tensors and indices a rule reads. */
  private void checkReferences(Rules.Rule rule, Flow inputs, Flow[] steps, String path) {
    for (Rules.Read read : rule.reads()) {
      if (read.isInput()) {
        checkElement(inputs, read, "the request", path);
      } else if (steps != null) {
        checkElement(steps[read.step()], read, "step '" + read.stepName() + "'", path);
      }
    }
  }

  private void checkElement(Flow flow, Rules.Read read, String who, String path) {
    String tensor = read.tensor();
    int[] indices = read.indices();
    String source = read.source();
    TensorSpec spec = flow.specs().get(tensor);
    if (spec == null) {
      if (!flow.open()) {
        violations.invalid(path, source, "a tensor " + who + " has: " + flow.specs().keySet());
      }
      return;
    }
    List<Long> shape = spec.shape();
    if (indices.length > shape.size()) {
      violations.invalid(
          path, source, "at most " + shape.size() + " indices: " + tensor + " has shape " + shape);
      return;
    }
    if (read.compared() && indices.length > 0 && indices.length < shape.size()) {
      violations.invalid(
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
        violations.invalid(
            path, source, "index " + k + " < " + dim + ": " + tensor + " has shape " + shape);
        return;
      }
    }
  }

  private void checkInputs(List<TensorSpec> needed, Flow in, String path, String who) {
    for (TensorSpec spec : needed) {
      TensorSpec got = in.specs().get(spec.name());
      if (got == null) {
        if (!in.open()) {
          violations.add(
              path,
              who
                  + " reads input '"
                  + spec.name()
                  + "', which it does not get (expected: one of "
                  + in.specs().keySet()
                  + ")");
        }
      } else if (got.datatype() != spec.datatype()) {
        violations.add(
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
        violations.add(
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

  /** The metadata of a model node's model, or null when it is not available. */
  private ModelMetadata metadata(ModelNode node) {
    try {
      return models.metadata(node.model(), node.version());
    } catch (ModelNotFoundException e) {
      if (node.version() != null && models.contains(node.model())) {
        violations.invalid(
            node.place().config("model.version"),
            node.version(),
            "a version model '" + node.model() + "' has");
      }
      return null;
    } catch (MlsysException e) {
      // Not ready: the node's signature checks wait until it is.
      return null;
    }
  }

  /** What a sequence reads from its request, walking back from its last step. */
  private Demand sequenceReads(SequenceNode node) {
    Demand request = new Demand();
    Demand next = new Demand();
    SequenceNode.Step[] steps = node.steps();
    for (int i = steps.length - 1; i >= 0; i--) {
      SequenceNode.Step step = steps[i];
      Demand own = reads(step.node(), next);
      if (step.when() != null) {
        for (Rules.Read read : step.when().reads()) {
          if (read.isInput()) {
            request.add(read.tensor(), null);
          }
        }
      }
      if (step.bindings() != null) {
        for (SequenceNode.Binding binding : step.bindings()) {
          if (binding.step() < 0) {
            request.add(binding.tensor(), own.tensors.get(binding.input()));
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

  /** What a transform list reads, given what is read after it: walks the steps backwards. */
  private static Demand transformReads(List<TransformConfig> steps, Demand after) {
    Demand demand = new Demand();
    demand.addAll(after);
    Map<String, TensorSpec> tensors = demand.tensors;
    for (int i = steps.size() - 1; i >= 0; i--) {
      switch (steps.get(i)) {
        case TransformConfig.Rename rename ->
            rename
                .names()
                .forEach(
                    (from, to) -> {
                      TensorSpec spec = tensors.remove(to);
                      demand.add(from, spec);
                    });
        case TransformConfig.Select select -> {
          Map<String, TensorSpec> kept = new LinkedHashMap<>();
          for (String name : select.tensors()) {
            kept.put(name, tensors.get(name));
          }
          tensors.clear();
          kept.forEach(demand::add);
        }
        case TransformConfig.Concat concat -> {
          tensors.remove(concat.output());
          concat.tensors().forEach(name -> demand.add(name, null));
        }
        case TransformConfig.Cast cast -> replace(demand, cast.tensor(), cast.output());
        case TransformConfig.Scale scale -> replace(demand, scale.tensor(), scale.output());
        case TransformConfig.MinMax minMax -> replace(demand, minMax.tensor(), minMax.output());
        case TransformConfig.OneHot oneHot -> replace(demand, oneHot.tensor(), oneHot.output());
        case TransformConfig.Image image -> {
          // The one reading whose type the step fixes: one encoded image per row.
          tensors.remove(image.output() == null ? image.tensor() : image.output());
          demand.add(image.tensor(), new TensorSpec(image.tensor(), DataType.BYTES, List.of(-1L)));
        }
        case TransformConfig.Softmax softmax -> replace(demand, softmax.tensor(), softmax.output());
        case TransformConfig.Argmax argmax -> replace(demand, argmax.tensor(), argmax.output());
        case TransformConfig.Threshold threshold ->
            replace(demand, threshold.tensor(), threshold.output());
        case TransformConfig.TopK topK -> {
          tensors.remove(topK.output() + "_values");
          tensors.remove(topK.output() + "_indices");
          tensors.remove(topK.output() + "_labels");
          demand.add(topK.tensor(), null);
        }
        // A plug-in may read anything.
        case TransformConfig.Custom ignored -> demand.open = true;
      }
    }
    return demand;
  }

  /** A step that reads {@code tensor} and writes {@code output} (null: in place). */
  private static void replace(Demand demand, String tensor, String output) {
    demand.tensors.remove(output == null ? tensor : output);
    demand.add(tensor, null);
  }

  static TensorSpec renamed(TensorSpec spec, String name) {
    return spec.name().equals(name)
        ? spec
        : new TensorSpec(name, spec.datatype(), spec.shape(), spec.classes(), spec.parameters());
  }
}
