package io.mlsys.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.config.NodeConfig.Accept;
import io.mlsys.config.NodeConfig.Branch;
import io.mlsys.config.NodeConfig.BranchPolicy;
import io.mlsys.config.NodeConfig.Rule;
import io.mlsys.config.NodeConfig.Stage;
import io.mlsys.config.NodeConfig.Step;
import io.mlsys.config.NodeConfig.TensorRef;
import io.mlsys.core.ModelNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code graphs:} of mlsys.yaml into {@link GraphConfig}s. The shape is strict: a node has
 * exactly one kind key, plus {@code timeout}, plus the keys of the place it sits in; any other key
 * is unknown there.
 *
 * <p>To report every violation at once, a part that is invalid (already recorded) is replaced by a
 * valid stand-in so that the checks of the records around it still run; the stand-ins never escape,
 * because a recorded violation fails the whole load.
 */
public final class GraphReader {
  static final List<String> KINDS =
      List.of("model", "remote", "transform", "sequence", "ensemble", "switch", "cascade");
  static final String TIMEOUT = "timeout";

  static final List<String> MODEL_KEYS = List.of("name", "version", "outputs");
  static final List<String> REMOTE_KEYS =
      List.of("url", "model", "version", "connect-timeout", "max-attempts", "retry-backoff");
  static final List<String> ENSEMBLE_KEYS = List.of("branches", "combine");
  static final List<String> SWITCH_KEYS = List.of("rules", "default", "zone");
  static final List<String> CASCADE_KEYS = List.of("stages", "stage-output");
  static final List<String> ACCEPT_KEYS = List.of("output", "threshold");
  static final List<String> COMBINERS =
      List.of("all", "first", "mean", "weighted-mean", "vote", "max");
  static final List<String> OUTPUT_KEYS = List.of("output");
  static final List<String> MAX_KEYS = List.of("output", "column", "score-output", "label-output");

  /** Where a node sits decides which keys it has besides its kind and {@code timeout}. */
  enum Place {
    GRAPH(List.of()),
    STEP(List.of("when", "inputs", "active")),
    BRANCH(List.of("policy", "active", "weight", "inputs")),
    RULE(List.of("name", "when")),
    STAGE(List.of("name", "accept")),
    DEFAULT(List.of());

    final List<String> keys;
    final List<String> allowed;

    Place(List<String> keys) {
      this.keys = keys;
      List<String> all = new ArrayList<>(KINDS);
      all.add(TIMEOUT);
      all.addAll(keys);
      this.allowed = List.copyOf(all);
    }
  }

  static final String EXPECTED_NODE =
      "a node: a mapping with exactly one of: " + String.join(", ", KINDS);
  static final String EXPECTED_RULE = "a rule such as inputs.x[0] > 2.5";
  static final String EXPECTED_TENSOR_REF = "NODE.TENSOR, such as request.x or prep.y";
  static final String EXPECTED_COMBINER =
      "all, first, or a mapping with one of: all: {}, first: {}, mean: {output},"
          + " weighted-mean: {output}, vote: {output}, max: {output, column, score-output,"
          + " label-output}";

  // Stand-ins for parts that are invalid and already recorded.
  private static final String INVALID = TreeReader.STAND_IN;
  private static final NodeConfig INVALID_NODE = NodeConfig.Model.of(INVALID);
  private static final Accept INVALID_ACCEPT = new Accept(INVALID, 0);

  private final TreeReader values;
  private final Violations violations;
  private final TransformReader transforms;

  GraphReader(TreeReader values) {
    this.values = values;
    this.violations = values.violations();
    this.transforms = new TransformReader(values);
  }

  /** {@code graphs:}; invalid graphs are kept as stand-ins so that their names are checked too. */
  Map<String, GraphConfig> graphs(JsonNode node) {
    if (TreeReader.isAbsent(node)) {
      return Map.of();
    }
    if (!node.isObject()) {
      values.bad("graphs", node, "a mapping of graph name to its root node");
      return Map.of();
    }
    Map<String, GraphConfig> graphs = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String path = "graphs." + entry.getKey();
      NodeConfig root = node(nodeFields(entry.getValue(), path, Place.GRAPH), path);
      graphs.put(entry.getKey(), new GraphConfig(orInvalid(root)));
    }
    return graphs;
  }

  /**
   * Reads {@code key} of a document as written (before substitution, which the reader does itself),
   * recording its violations in the document's; stand-ins replace invalid graphs so that their
   * names are checked too, and never escape because the load then fails.
   */
  public static Map<String, GraphConfig> read(ConfigDocument document, String key) {
    TreeReader values = new TreeReader(document.environment(), document.baseDir());
    Map<String, GraphConfig> graphs = new GraphReader(values).graphs(document.written().get(key));
    values.violations().list().forEach(document.violations()::add);
    return graphs;
  }

  /** Every key path of a graph, with placeholders such as {@code <node>} and {@code <step>}. */
  public static List<String> keyPaths() {
    List<String> paths = new ArrayList<>(List.of("graphs", "graphs.<name>"));
    KINDS.forEach(kind -> paths.add("<node>." + kind));
    paths.add("<node>." + TIMEOUT);
    MODEL_KEYS.forEach(key -> paths.add("<node>.model." + key));
    REMOTE_KEYS.forEach(key -> paths.add("<node>.remote." + key));
    paths.add("<node>.sequence.<step>");
    Place.STEP.keys.forEach(key -> paths.add("<node>.sequence.<step>." + key));
    ENSEMBLE_KEYS.forEach(key -> paths.add("<node>.ensemble." + key));
    paths.add("<node>.ensemble.branches.<branch>");
    Place.BRANCH.keys.forEach(key -> paths.add("<node>.ensemble.branches.<branch>." + key));
    for (String combiner : COMBINERS) {
      String path = "<node>.ensemble.combine." + combiner;
      paths.add(path);
      switch (combiner) {
        case "mean", "weighted-mean", "vote" -> OUTPUT_KEYS.forEach(k -> paths.add(path + "." + k));
        case "max" -> MAX_KEYS.forEach(key -> paths.add(path + "." + key));
        default -> {}
      }
    }
    SWITCH_KEYS.forEach(key -> paths.add("<node>.switch." + key));
    paths.add("<node>.switch.rules[i]");
    Place.RULE.keys.forEach(key -> paths.add("<node>.switch.rules[i]." + key));
    CASCADE_KEYS.forEach(key -> paths.add("<node>.cascade." + key));
    paths.add("<node>.cascade.stages[i]");
    Place.STAGE.keys.forEach(key -> paths.add("<node>.cascade.stages[i]." + key));
    ACCEPT_KEYS.forEach(key -> paths.add("<node>.cascade.stages[i].accept." + key));
    paths.add("<node>.transform[i]");
    paths.addAll(TransformReader.keyPaths());
    return List.copyOf(paths);
  }

  // ---- nodes

  /** A node's known keys; null (recorded) when it is not a mapping. */
  private Map<String, JsonNode> nodeFields(JsonNode yaml, String path, Place place) {
    if (TreeReader.isAbsent(yaml) || !yaml.isObject()) {
      values.bad(path, yaml, EXPECTED_NODE);
      return null;
    }
    return values.object(yaml, path, place.allowed);
  }

  /** The node of these keys; null (recorded) when it is invalid. */
  private NodeConfig node(Map<String, JsonNode> fields, String path) {
    if (fields == null) {
      return null;
    }
    List<String> kinds = fields.keySet().stream().filter(KINDS::contains).toList();
    if (kinds.size() != 1) {
      violations.add(
          path,
          (kinds.isEmpty() ? "no node kind" : "the kinds " + String.join(", ", kinds))
              + " (expected: exactly one of: "
              + String.join(", ", KINDS)
              + ")");
      return null;
    }
    Duration timeout = timeout(fields.get(TIMEOUT), path + "." + TIMEOUT);
    String kind = kinds.getFirst();
    String kindPath = path + "." + kind;
    JsonNode value = fields.get(kind);
    return switch (kind) {
      case "model" -> model(value, kindPath, timeout);
      case "remote" -> remote(value, kindPath, timeout);
      case "transform" -> transform(value, kindPath, timeout);
      case "sequence" -> sequence(value, kindPath, timeout);
      case "ensemble" -> ensemble(value, kindPath, timeout);
      case "switch" -> switchNode(value, kindPath, timeout);
      default -> cascade(value, kindPath, timeout);
    };
  }

  private Duration timeout(JsonNode node, String path) {
    Duration timeout = values.duration(node, path, Checks.EXPECTED_TIMEOUT, false);
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      violations.invalid(path, timeout, Checks.EXPECTED_TIMEOUT);
      return null;
    }
    return timeout;
  }

  private NodeConfig model(JsonNode value, String path, Duration timeout) {
    if (value != null && value.isTextual()) {
      String name = values.string(value, path, NodeConfig.Model.EXPECTED_NAME, false);
      if (name == null) {
        return null;
      }
      if (!ModelNames.isValidName(name)) {
        violations.invalid(path, name, NodeConfig.Model.EXPECTED_NAME);
        return null;
      }
      return values.build(path, () -> new NodeConfig.Model(name, null, List.of(), timeout));
    }
    Map<String, JsonNode> fields =
        values.fields(
            value,
            path,
            MODEL_KEYS,
            "a model name, or a mapping with keys: name, version, outputs");
    if (fields == null) {
      return null;
    }
    String name = values.requiredField(fields, "name", path, NodeConfig.Model.EXPECTED_NAME);
    String version = values.version(fields.get("version"), path + ".version");
    List<String> outputs =
        values.strings(fields.get("outputs"), path + ".outputs", "a list of output names");
    return values.build(path, () -> new NodeConfig.Model(name, version, outputs, timeout));
  }

  private NodeConfig remote(JsonNode value, String path, Duration timeout) {
    Map<String, JsonNode> fields =
        values.fields(
            value, path, REMOTE_KEYS, "a mapping with keys: " + String.join(", ", REMOTE_KEYS));
    if (fields == null) {
      return null;
    }
    String url =
        values.requiredString(fields.get("url"), path + ".url", NodeConfig.Remote.EXPECTED_URL);
    String model = values.requiredField(fields, "model", path, "the model's name on that server");
    String version = values.version(fields.get("version"), path + ".version");
    Duration connectTimeout =
        values.duration(
            fields.get("connect-timeout"),
            path + ".connect-timeout",
            Durations.EXPECTED + ", > 0",
            false);
    Integer attempts =
        values.intOr(
            fields.get("max-attempts"),
            path + ".max-attempts",
            NodeConfig.Remote.EXPECTED_MAX_ATTEMPTS,
            NodeConfig.Remote.DEFAULT_MAX_ATTEMPTS);
    Duration backoff =
        values.duration(
            fields.get("retry-backoff"),
            path + ".retry-backoff",
            Durations.EXPECTED + ", >= 0",
            false);
    return values.build(
        path,
        () ->
            new NodeConfig.Remote(
                url == null ? "http://" + INVALID : url,
                model,
                version,
                connectTimeout,
                attempts,
                backoff,
                timeout));
  }

  private NodeConfig transform(JsonNode value, String path, Duration timeout) {
    if (value == null || !value.isArray() || value.isEmpty()) {
      values.bad(
          path, value, "a non-empty list of transform steps, such as [softmax: {tensor: x}]");
      return null;
    }
    List<TransformConfig> steps = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      steps.add(transforms.step(value.get(i), path + "[" + i + "]"));
    }
    if (steps.contains(null)) {
      return null;
    }
    return values.build(path, () -> new NodeConfig.Transform(steps, timeout));
  }

  private NodeConfig sequence(JsonNode value, String path, Duration timeout) {
    if (value == null || !value.isObject() || value.isEmpty()) {
      values.bad(path, value, "a mapping of at least one step name to step, in order");
      return null;
    }
    List<Step> steps = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : value.properties()) {
      String stepPath = path + "." + entry.getKey();
      Map<String, JsonNode> fields = nodeFields(entry.getValue(), stepPath, Place.STEP);
      NodeConfig node = node(fields, stepPath);
      Condition when = null;
      Map<String, TensorRef> inputs = null;
      boolean active = true;
      if (fields != null) {
        when = condition(fields.get("when"), stepPath + ".when");
        inputs = inputs(fields.get("inputs"), stepPath + ".inputs");
        active = values.boolOr(fields.get("active"), stepPath + ".active", true);
      }
      steps.add(new Step(entry.getKey(), orInvalid(node), when, inputs, active));
    }
    return values.build(path, () -> new NodeConfig.Sequence(steps, timeout));
  }

  private NodeConfig ensemble(JsonNode value, String path, Duration timeout) {
    Map<String, JsonNode> fields =
        values.fields(value, path, ENSEMBLE_KEYS, "a mapping with keys: branches, combine");
    if (fields == null) {
      return null;
    }
    JsonNode branchesNode = fields.get("branches");
    String branchesPath = path + ".branches";
    List<Branch> branches = new ArrayList<>();
    if (branchesNode == null) {
      values.missing(branchesPath, "a mapping of branch name to branch");
    } else if (!branchesNode.isObject() || branchesNode.isEmpty()) {
      values.bad(branchesPath, branchesNode, "a mapping of at least one branch name to branch");
    } else {
      for (Map.Entry<String, JsonNode> entry : branchesNode.properties()) {
        branches.add(branch(entry.getKey(), entry.getValue(), branchesPath + "." + entry.getKey()));
      }
    }
    CombinerConfig combine = null;
    if (fields.get("combine") == null) {
      values.missing(path + ".combine", EXPECTED_COMBINER);
    } else {
      combine = combiner(fields.get("combine"), path + ".combine");
    }
    if (branches.isEmpty()) {
      return null;
    }
    CombinerConfig combiner = combine == null ? new CombinerConfig.All() : combine;
    return values.build(path, () -> new NodeConfig.Ensemble(branches, combiner, timeout));
  }

  private Branch branch(String name, JsonNode value, String path) {
    Map<String, JsonNode> fields = nodeFields(value, path, Place.BRANCH);
    NodeConfig node = node(fields, path);
    if (fields == null) {
      return new Branch(name, INVALID_NODE, null, true, 1, null);
    }
    BranchPolicy policy = policy(fields.get("policy"), path + ".policy");
    boolean active = values.boolOr(fields.get("active"), path + ".active", true);
    Double weight = values.number(fields.get("weight"), path + ".weight", "a number >= 0");
    Map<String, TensorRef> inputs = inputs(fields.get("inputs"), path + ".inputs");
    Branch branch =
        values.build(
            path,
            () ->
                new Branch(
                    name, orInvalid(node), policy, active, weight == null ? 1 : weight, inputs));
    return branch == null ? new Branch(name, INVALID_NODE, policy, active, 1, inputs) : branch;
  }

  private BranchPolicy policy(JsonNode node, String path) {
    String expected = "required or optional";
    String text = values.string(node, path, expected, false);
    if (text == null) {
      return null;
    }
    return switch (text) {
      case "required" -> BranchPolicy.REQUIRED;
      case "optional" -> BranchPolicy.OPTIONAL;
      default -> {
        violations.invalid(path, text, expected);
        yield null;
      }
    };
  }

  private CombinerConfig combiner(JsonNode node, String path) {
    if (node.isTextual()) {
      String text = values.substitute(node.textValue(), path);
      if (text == null) {
        return null;
      }
      return switch (text) {
        case "all" -> new CombinerConfig.All();
        case "first" -> new CombinerConfig.First();
        default -> {
          violations.invalid(path, text, EXPECTED_COMBINER);
          yield null;
        }
      };
    }
    if (!node.isObject() || node.size() != 1) {
      values.bad(path, node, EXPECTED_COMBINER);
      return null;
    }
    Map.Entry<String, JsonNode> choice = node.properties().iterator().next();
    String kind = choice.getKey();
    String kindPath = path + "." + kind;
    JsonNode value = choice.getValue();
    if (!COMBINERS.contains(kind)) {
      violations.add(
          kindPath, "unknown combiner (expected one of: " + String.join(", ", COMBINERS) + ")");
      return null;
    }
    if (kind.equals("all") || kind.equals("first")) {
      if (!TreeReader.isAbsent(value) && !(value.isObject() && value.isEmpty())) {
        values.bad(kindPath, value, "{}");
        return null;
      }
      return kind.equals("all") ? new CombinerConfig.All() : new CombinerConfig.First();
    }
    List<String> keys = kind.equals("max") ? MAX_KEYS : OUTPUT_KEYS;
    Map<String, JsonNode> fields =
        values.fields(value, kindPath, keys, "a mapping with keys: " + String.join(", ", keys));
    if (fields == null) {
      return null;
    }
    String output =
        values.requiredField(fields, "output", kindPath, "the name of an output of the branches");
    return values.build(
        kindPath,
        () ->
            switch (kind) {
              case "mean" -> new CombinerConfig.Mean(output);
              case "weighted-mean" -> new CombinerConfig.WeightedMean(output);
              case "vote" -> new CombinerConfig.Vote(output);
              default ->
                  new CombinerConfig.Max(
                      output,
                      values.intOr(
                          fields.get("column"), kindPath + ".column", "an integer >= 0", 0),
                      values.optionalField(fields, "score-output", kindPath, "an output name"),
                      values.optionalField(fields, "label-output", kindPath, "an output name"));
            });
  }

  private NodeConfig switchNode(JsonNode value, String path, Duration timeout) {
    Map<String, JsonNode> fields =
        values.fields(value, path, SWITCH_KEYS, "a mapping with keys: rules, default, zone");
    if (fields == null) {
      return null;
    }
    List<Rule> rules = new ArrayList<>();
    JsonNode rulesNode = fields.get("rules");
    if (rulesNode != null && !rulesNode.isArray()) {
      values.bad(path + ".rules", rulesNode, "a list of rules, each a node with when");
    } else if (rulesNode != null) {
      for (int i = 0; i < rulesNode.size(); i++) {
        rules.add(rule(rulesNode.get(i), path + ".rules[" + i + "]", "rules[" + i + "]"));
      }
    }
    NodeConfig defaultRoute = null;
    String defaultPath = path + ".default";
    if (fields.get("default") == null) {
      values.missing(defaultPath, EXPECTED_NODE);
    } else {
      defaultRoute =
          node(nodeFields(fields.get("default"), defaultPath, Place.DEFAULT), defaultPath);
    }
    String zone = values.optionalField(fields, "zone", path, NodeConfig.Switch.EXPECTED_ZONE);
    NodeConfig route = orInvalid(defaultRoute);
    return values.build(path, () -> new NodeConfig.Switch(rules, route, zone, timeout));
  }

  private Rule rule(JsonNode value, String path, String defaultName) {
    Map<String, JsonNode> fields = nodeFields(value, path, Place.RULE);
    NodeConfig node = node(fields, path);
    if (fields == null) {
      return new Rule(defaultName, InvalidRule.VALUE, INVALID_NODE);
    }
    Condition when = null;
    if (fields.get("when") == null) {
      values.missing(path + ".when", EXPECTED_RULE);
    } else {
      when = condition(fields.get("when"), path + ".when");
    }
    String name = values.string(fields.get("name"), path + ".name", Checks.EXPECTED_NAME, false);
    return new Rule(
        name == null ? defaultName : name,
        when == null ? InvalidRule.VALUE : when,
        orInvalid(node));
  }

  private NodeConfig cascade(JsonNode value, String path, Duration timeout) {
    Map<String, JsonNode> fields =
        values.fields(value, path, CASCADE_KEYS, "a mapping with keys: stages, stage-output");
    if (fields == null) {
      return null;
    }
    JsonNode stagesNode = fields.get("stages");
    String stagesPath = path + ".stages";
    if (stagesNode == null) {
      values.missing(stagesPath, "a list of at least 2 stages");
      return null;
    }
    if (!stagesNode.isArray()) {
      values.bad(stagesPath, stagesNode, "a list of at least 2 stages");
      return null;
    }
    List<Stage> stages = new ArrayList<>();
    for (int i = 0; i < stagesNode.size(); i++) {
      boolean last = i == stagesNode.size() - 1;
      stages.add(stage(stagesNode.get(i), stagesPath + "[" + i + "]", i, last));
    }
    String stageOutput = values.optionalField(fields, "stage-output", path, "an output name");
    return values.build(path, () -> new NodeConfig.Cascade(stages, stageOutput, timeout));
  }

  private Stage stage(JsonNode value, String path, int index, boolean last) {
    Map<String, JsonNode> fields = nodeFields(value, path, Place.STAGE);
    NodeConfig node = node(fields, path);
    String standIn = INVALID + "-" + index;
    if (fields == null) {
      return new Stage(standIn, INVALID_NODE, last ? null : INVALID_ACCEPT);
    }
    String name =
        values.requiredString(
            fields.get("name"), path + ".name", NodeConfig.Cascade.EXPECTED_STAGE_NAME);
    Accept accept = null;
    JsonNode acceptNode = fields.get("accept");
    if (acceptNode != null) {
      String acceptPath = path + ".accept";
      Map<String, JsonNode> acceptFields =
          values.fields(
              acceptNode, acceptPath, ACCEPT_KEYS, "a mapping with keys: output, threshold");
      accept = INVALID_ACCEPT;
      if (acceptFields != null) {
        String output =
            values.requiredField(acceptFields, "output", acceptPath, "the name of a stage output");
        Double threshold =
            values.number(acceptFields.get("threshold"), acceptPath + ".threshold", "a number");
        if (acceptFields.get("threshold") == null) {
          values.missing(acceptPath + ".threshold", "a number, such as 0.9");
        }
        Accept built =
            values.build(acceptPath, () -> new Accept(output, threshold == null ? 0 : threshold));
        accept = built == null ? INVALID_ACCEPT : built;
      }
    }
    return new Stage(name == null ? standIn : name, orInvalid(node), accept);
  }

  // ---- place keys and fields

  private Condition condition(JsonNode node, String path) {
    if (node == null) {
      return null;
    }
    // `when: true` is a YAML boolean; as a rule it is the literal.
    String text =
        node.isBoolean() ? node.asText() : values.string(node, path, EXPECTED_RULE, false);
    if (text == null) {
      return null;
    }
    try {
      return Condition.parse(text);
    } catch (ConfigException e) {
      violations.addAll(path, e);
      return null;
    }
  }

  /** {@code inputs: {name: NODE.TENSOR}}; invalid entries are recorded and left out. */
  private Map<String, TensorRef> inputs(JsonNode node, String path) {
    if (node == null) {
      return null;
    }
    if (!node.isObject()) {
      values.bad(path, node, "a mapping of input name to " + EXPECTED_TENSOR_REF);
      return null;
    }
    Map<String, TensorRef> inputs = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String inputPath = path + "." + entry.getKey();
      String text = values.string(entry.getValue(), inputPath, EXPECTED_TENSOR_REF, false);
      if (text != null) {
        try {
          inputs.put(entry.getKey(), TensorRef.parse(text));
        } catch (ConfigException e) {
          violations.addAll(inputPath, e);
        }
      }
    }
    return inputs;
  }

  private static NodeConfig orInvalid(NodeConfig node) {
    return node == null ? INVALID_NODE : node;
  }

  /** A stand-in for a rule that is missing or invalid, compiled only then (CEL loads slowly). */
  private static final class InvalidRule {
    static final Condition VALUE = Condition.parse("true");
  }
}
