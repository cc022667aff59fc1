package io.mlsys.config;

import io.mlsys.core.ModelNames;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One node of an inference graph ({@code graphs.<name>:} and every nested node). In YAML a node is
 * a mapping with exactly one kind key ({@code model}, {@code remote}, {@code transform}, {@code
 * sequence}, {@code ensemble}, {@code switch}, {@code cascade}) plus the optional {@code timeout}
 * every node accepts, plus the keys of the place it sits in (a sequence step's {@code when}, an
 * ensemble branch's {@code policy}, ...).
 *
 * <p>{@code timeout} (null: none) bounds the node's own run; the request deadline bounds it too.
 *
 * <p>Each record checks itself when built and throws a {@link ConfigException} listing every
 * violation, with paths relative to the node's kind key as written in YAML (a sequence reports
 * {@code b.inputs.x}, which the loader reports as {@code graphs.g.sequence.b.inputs.x}). Whether
 * models, tensors and signatures exist is checked when the server builds the graph.
 */
public sealed interface NodeConfig {

  /** This node's own time budget; null for none (the request deadline still applies). */
  Duration timeout();

  /**
   * A loaded model of this server: {@code model: iris} or {@code model: {name: iris, version: "2",
   * outputs: [output_label]}}.
   *
   * @param name the model name (a model of this server, or another graph)
   * @param version null: the highest ready version
   * @param outputs the outputs to ask for; empty means the model's defaults
   */
  record Model(String name, String version, List<String> outputs, Duration timeout)
      implements NodeConfig {
    static final String EXPECTED_NAME = "a model or graph name of " + ModelNames.EXPECTED_NAME;

    /**
     * @throws ConfigException listing every invalid field
     */
    public Model {
      Objects.requireNonNull(name, "name");
      outputs = outputs == null ? List.of() : List.copyOf(outputs);
      Violations violations = new Violations();
      violations.check(ModelNames.isValidName(name), "name", name, EXPECTED_NAME);
      violations.check(
          version == null || ModelNames.isValidVersion(version),
          "version",
          version,
          ModelNames.EXPECTED_VERSION);
      Checks.names(violations, "outputs", outputs, true);
      Checks.timeout(violations, timeout);
      violations.throwIfAny(null);
    }

    /** The model's highest ready version, its default outputs, no own timeout. */
    public static Model of(String name) {
      return new Model(name, null, List.of(), null);
    }
  }

  /**
   * A model on another OIP server, called over HTTP/JSON ({@code remote: {url, model, ...}}).
   * Inference is idempotent, so failed attempts (connection errors, 502/503/504) are retried while
   * the deadline allows; the remaining deadline travels with the call.
   *
   * @param url the server's base URL, e.g. {@code http://10.0.0.5:8080}
   * @param model the model name there
   * @param version null: its default version
   * @param connectTimeout time to open a connection; default {@value #DEFAULT_CONNECT_TIMEOUT_MS}
   *     ms
   * @param maxAttempts attempts per call including the first, 1 to 10; default {@value
   *     #DEFAULT_MAX_ATTEMPTS}
   * @param retryBackoff pause before a retry; default {@value #DEFAULT_RETRY_BACKOFF_MS} ms
   */
  record Remote(
      String url,
      String model,
      String version,
      Duration connectTimeout,
      int maxAttempts,
      Duration retryBackoff,
      Duration timeout)
      implements NodeConfig {
    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 1000;
    public static final int DEFAULT_MAX_ATTEMPTS = 2;
    public static final long DEFAULT_RETRY_BACKOFF_MS = 10;
    public static final int MAX_ATTEMPTS_LIMIT = 10;

    static final String EXPECTED_URL =
        "an http or https URL of the server, such as http://10.0.0.5:8080";
    static final String EXPECTED_MAX_ATTEMPTS = "an integer from 1 to " + MAX_ATTEMPTS_LIMIT;

    /**
     * @throws ConfigException listing every invalid field
     */
    public Remote {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(model, "model");
      connectTimeout =
          Objects.requireNonNullElse(connectTimeout, Duration.ofMillis(DEFAULT_CONNECT_TIMEOUT_MS));
      retryBackoff =
          Objects.requireNonNullElse(retryBackoff, Duration.ofMillis(DEFAULT_RETRY_BACKOFF_MS));
      Violations violations = new Violations();
      violations.check(isHttpUrl(url), "url", url, EXPECTED_URL);
      Checks.name(violations, "model", model);
      Checks.optionalName(violations, "version", version);
      violations.check(
          !connectTimeout.isNegative() && !connectTimeout.isZero(),
          "connect-timeout",
          connectTimeout,
          Durations.EXPECTED + ", > 0");
      violations.check(
          maxAttempts >= 1 && maxAttempts <= MAX_ATTEMPTS_LIMIT,
          "max-attempts",
          maxAttempts,
          EXPECTED_MAX_ATTEMPTS);
      violations.check(
          !retryBackoff.isNegative(), "retry-backoff", retryBackoff, Durations.EXPECTED + ", >= 0");
      Checks.timeout(violations, timeout);
      violations.throwIfAny(null);
    }

    /** The model's default version there, with every default. */
    public static Remote of(String url, String model) {
      return new Remote(url, model, null, null, DEFAULT_MAX_ATTEMPTS, null, null);
    }

    private static boolean isHttpUrl(String url) {
      try {
        URI uri = new URI(url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return (scheme.equals("http") || scheme.equals("https"))
            && uri.getHost() != null
            && uri.getRawQuery() == null
            && uri.getRawFragment() == null;
      } catch (URISyntaxException e) {
        return false;
      }
    }
  }

  /**
   * Declarative pre/post-processing: the steps run in order on the tensors ({@code transform: [
   * {scale: {...}}, {softmax: {...}} ]}); tensors no step touches pass through.
   */
  record Transform(List<TransformConfig> steps, Duration timeout) implements NodeConfig {
    /**
     * @throws ConfigException when there is no step or the timeout is not positive
     */
    public Transform {
      steps = List.copyOf(steps);
      Violations violations = new Violations();
      violations.check(!steps.isEmpty(), "", steps, "a non-empty list of transform steps");
      Checks.timeout(violations, timeout);
      violations.throwIfAny(null);
    }
  }

  /**
   * Steps in order (microservice vertical), an ordered mapping of step name to step. Each step's
   * input is the previous step's outputs (the first step's: the request's inputs) unless the step
   * names its {@code inputs}. The answer is the last step that ran.
   */
  record Sequence(List<Step> steps, Duration timeout) implements NodeConfig {
    static final String EXPECTED_STEP_NAME =
        "a step name of " + Checks.EXPECTED_NODE_NAME + ", other than 'request'";

    /**
     * @throws ConfigException listing every invalid or repeated step name, every input and every
     *     {@code outputs.STEP} of a rule that does not name the request or an earlier step
     */
    public Sequence {
      steps = List.copyOf(steps);
      Violations violations = new Violations();
      violations.check(!steps.isEmpty(), "", steps, "a mapping of at least one step name to step");
      List<String> earlier = new ArrayList<>();
      for (Step step : steps) {
        String name = step.name();
        if (!Checks.NODE_NAME.matcher(name).matches() || name.equals(TensorRef.REQUEST)) {
          violations.invalid(name, name, EXPECTED_STEP_NAME);
        } else if (earlier.contains(name)) {
          violations.invalid(name, name, "each step name once");
        }
        for (Map.Entry<String, TensorRef> input : step.inputs().entrySet()) {
          TensorRef source = input.getValue();
          if (!source.node().equals(TensorRef.REQUEST) && !earlier.contains(source.node())) {
            violations.invalid(
                name + ".inputs." + input.getKey(),
                source.toString(),
                "request.TENSOR or STEP.TENSOR of an earlier step, one of: "
                    + String.join(", ", sources(earlier)));
          }
        }
        if (step.when() != null) {
          for (TensorRead read : step.when().reads()) {
            if (read.step() != null && !earlier.contains(read.step())) {
              violations.invalid(
                  name + ".when",
                  step.when().source(),
                  "outputs of earlier steps only; '" + read.step() + "' is not an earlier step");
              break;
            }
          }
        }
        earlier.add(name);
      }
      Checks.timeout(violations, timeout);
      violations.throwIfAny(null);
    }

    private static List<String> sources(List<String> earlier) {
      List<String> sources = new ArrayList<>();
      sources.add(TensorRef.REQUEST);
      sources.addAll(earlier);
      return sources;
    }
  }

  /**
   * Branches in parallel (microservice horizontal), combined by {@code combine}.
   *
   * @param branches an ordered mapping of branch name to branch
   */
  record Ensemble(List<Branch> branches, CombinerConfig combine, Duration timeout)
      implements NodeConfig {
    static final String EXPECTED_BRANCH_NAME = "a branch name of " + Checks.EXPECTED_NODE_NAME;

    /**
     * @throws ConfigException listing every invalid or repeated branch name and every input that is
     *     not {@code request.TENSOR}
     */
    public Ensemble {
      branches = List.copyOf(branches);
      Objects.requireNonNull(combine, "combine");
      Violations violations = new Violations();
      violations.check(
          !branches.isEmpty(),
          "branches",
          branches,
          "a mapping of at least one branch name to branch");
      Set<String> seen = new HashSet<>();
      for (Branch branch : branches) {
        String path = "branches." + branch.name();
        if (!Checks.NODE_NAME.matcher(branch.name()).matches()) {
          violations.invalid(path, branch.name(), EXPECTED_BRANCH_NAME);
        } else if (!seen.add(branch.name())) {
          violations.invalid(path, branch.name(), "each branch name once");
        }
        for (Map.Entry<String, TensorRef> input : branch.inputs().entrySet()) {
          violations.check(
              input.getValue().node().equals(TensorRef.REQUEST),
              path + ".inputs." + input.getKey(),
              input.getValue().toString(),
              "request.TENSOR: branches read the request only");
        }
      }
      Checks.timeout(violations, timeout);
      violations.throwIfAny(null);
    }
  }

  /**
   * Condition-based routing: the first rule whose {@code when} holds answers, else {@code default}.
   *
   * @param zone the time zone {@code time} reads, e.g. {@code Europe/Berlin}; default UTC
   */
  record Switch(List<Rule> rules, NodeConfig defaultRoute, String zone, Duration timeout)
      implements NodeConfig {
    public static final String DEFAULT_ZONE = "UTC";

    /** The route name of {@code default} (the response parameter {@code route}). */
    public static final String DEFAULT_ROUTE = "default";

    static final String EXPECTED_ZONE = "a time zone such as UTC, Europe/Berlin or +02:00";

    /**
     * @throws ConfigException listing every blank or repeated rule name, every rule that reads
     *     {@code outputs} (a switch has no earlier steps) and an unknown zone
     */
    public Switch {
      rules = List.copyOf(rules);
      Objects.requireNonNull(defaultRoute, "defaultRoute");
      zone = Objects.requireNonNullElse(zone, DEFAULT_ZONE);
      Violations violations = new Violations();
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < rules.size(); i++) {
        Rule rule = rules.get(i);
        String path = "rules[" + i + "]";
        if (rule.name().isBlank()) {
          violations.invalid(path + ".name", rule.name(), Checks.EXPECTED_NAME);
        } else if (!seen.add(rule.name()) || rule.name().equals(DEFAULT_ROUTE)) {
          violations.invalid(path + ".name", rule.name(), "each rule name once, not 'default'");
        }
        violations.check(
            !rule.when().uses(Condition.OUTPUTS),
            path + ".when",
            rule.when().source(),
            "a rule on headers, parameters, inputs or time; outputs.STEP is read only by"
                + " sequence steps");
      }
      violations.check(isZone(zone), "zone", zone, EXPECTED_ZONE);
      Checks.timeout(violations, timeout);
      violations.throwIfAny(null);
    }

    private static boolean isZone(String zone) {
      try {
        ZoneId.of(zone);
        return true;
      } catch (DateTimeException e) {
        return false;
      }
    }
  }

  /**
   * Multiple-stage prediction: each stage but the last has an {@code accept} test; rows it is
   * confident about are answered there, the others go to the next stage.
   *
   * @param stageOutput the name of the BYTES [N] output saying which stage answered each row;
   *     default {@value #DEFAULT_STAGE_OUTPUT}
   */
  record Cascade(List<Stage> stages, String stageOutput, Duration timeout) implements NodeConfig {
    public static final String DEFAULT_STAGE_OUTPUT = "stage";

    static final String EXPECTED_STAGE_NAME = "a stage name of " + Checks.EXPECTED_NODE_NAME;

    /**
     * @throws ConfigException when there are fewer than two stages, a stage name is invalid or
     *     repeated, a stage but the last has no {@code accept}, or the last has one
     */
    public Cascade {
      stages = List.copyOf(stages);
      stageOutput = Objects.requireNonNullElse(stageOutput, DEFAULT_STAGE_OUTPUT);
      Violations violations = new Violations();
      if (stages.size() < 2) {
        violations.add(
            "stages",
            (stages.size() == 1 ? "1 stage" : stages.size() + " stages")
                + " (expected: at least 2)");
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < stages.size(); i++) {
        Stage stage = stages.get(i);
        String path = "stages[" + i + "]";
        if (!Checks.NODE_NAME.matcher(stage.name()).matches()) {
          violations.invalid(path + ".name", stage.name(), EXPECTED_STAGE_NAME);
        } else if (!seen.add(stage.name())) {
          violations.invalid(path + ".name", stage.name(), "each stage name once");
        }
        boolean last = i == stages.size() - 1;
        if (!last && stage.accept() == null) {
          violations.add(
              path + ".accept",
              "missing (expected: {output, threshold} on every stage but the last)");
        } else if (last && stage.accept() != null && i > 0) {
          violations.add(
              path + ".accept",
              "not allowed on the last stage (expected: none; the last stage answers every row"
                  + " left)");
        }
      }
      Checks.name(violations, "stage-output", stageOutput);
      Checks.timeout(violations, timeout);
      violations.throwIfAny(null);
    }
  }

  /**
   * A sequence step.
   *
   * @param name unique within the sequence; letters, digits, '_' and '-' (no '.')
   * @param when run the step only when this holds (null: always); it may read {@code outputs.STEP}
   *     of earlier steps
   * @param inputs input name of this step -> source {@code request.TENSOR} or {@code STEP.TENSOR};
   *     empty: the previous step's outputs
   * @param active a runtime parameter: an inactive step is skipped
   */
  record Step(
      String name, NodeConfig node, Condition when, Map<String, TensorRef> inputs, boolean active) {
    public Step {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(node, "node");
      inputs = Checks.orderedCopy(inputs);
    }
  }

  /**
   * An ensemble branch.
   *
   * @param policy whether a failed or late branch fails the call (required) or is left out
   *     (optional)
   * @param active a runtime parameter: an inactive branch is not called at all
   * @param weight for {@code weighted-mean}, >= 0; default 1
   * @param inputs input name of this branch -> {@code request.TENSOR}; empty: the request's inputs
   */
  record Branch(
      String name,
      NodeConfig node,
      BranchPolicy policy,
      boolean active,
      double weight,
      Map<String, TensorRef> inputs) {
    public Branch {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(node, "node");
      policy = Objects.requireNonNullElse(policy, BranchPolicy.REQUIRED);
      inputs = Checks.orderedCopy(inputs);
      if (!(weight >= 0) || Double.isInfinite(weight)) {
        throw new ConfigException("weight", weight + " (expected: a finite number >= 0)");
      }
    }
  }

  /** {@code required} (default) or {@code optional}. */
  enum BranchPolicy {
    REQUIRED,
    OPTIONAL
  }

  /**
   * A switch rule.
   *
   * @param name shown in the response parameter {@code route}; default {@code rules[i]}
   */
  record Rule(String name, Condition when, NodeConfig node) {
    public Rule {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(when, "when");
      Objects.requireNonNull(node, "node");
    }
  }

  /**
   * A cascade stage.
   *
   * @param accept null for the last stage
   */
  record Stage(String name, NodeConfig node, Accept accept) {
    public Stage {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(node, "node");
    }
  }

  /**
   * A row is accepted when the highest value of its row of {@code output} is at least {@code
   * threshold} (a runtime parameter).
   */
  record Accept(String output, double threshold) {
    /**
     * @throws ConfigException when the output is blank or the threshold is not a finite number
     */
    public Accept {
      Objects.requireNonNull(output, "output");
      Violations violations = new Violations();
      Checks.name(violations, "output", output);
      violations.check(Double.isFinite(threshold), "threshold", threshold, "a finite number");
      violations.throwIfAny(null);
    }
  }

  /**
   * A tensor reference {@code NODE.TENSOR}: NODE is {@code request} or a step name (no '.'), so the
   * first '.' splits it.
   */
  record TensorRef(String node, String tensor) {
    public static final String REQUEST = "request";

    static final String EXPECTED = "NODE.TENSOR, NODE being request or a step name";

    /**
     * @throws ConfigException (empty path) when the node is blank or holds a '.', or the tensor is
     *     blank
     */
    public TensorRef {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(tensor, "tensor");
      if (node.isBlank() || node.contains(".") || tensor.isBlank()) {
        throw new ConfigException(
            "", Violations.describe(node + "." + tensor) + " (expected: " + EXPECTED + ")");
      }
    }

    /**
     * Parses {@code NODE.TENSOR}, split at the first '.'.
     *
     * @throws ConfigException (empty path) when the text is not of that form
     */
    public static TensorRef parse(String text) {
      int dot = text.indexOf('.');
      if (dot < 0) {
        throw new ConfigException("", Violations.describe(text) + " (expected: " + EXPECTED + ")");
      }
      return new TensorRef(text.substring(0, dot), text.substring(dot + 1));
    }

    @Override
    public String toString() {
      return node + "." + tensor;
    }
  }
}
