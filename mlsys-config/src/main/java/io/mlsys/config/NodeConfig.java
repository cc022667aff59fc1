package io.mlsys.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One node of an inference graph ({@code graphs.<name>:} and every nested node). In YAML a node is
 * a mapping with exactly one kind key ({@code model}, {@code remote}, {@code transform}, {@code
 * sequence}, {@code ensemble}, {@code switch}, {@code cascade}) plus the optional {@code timeout}
 * every node accepts, plus the keys of the place it sits in (a sequence step's {@code when}, an
 * ensemble branch's {@code policy}, ...).
 *
 * <p>{@code timeout} (null: none) bounds the node's own run; the request deadline bounds it too.
 */
public sealed interface NodeConfig {

  /** This node's own time budget; null for none (the request deadline still applies). */
  Duration timeout();

  /**
   * A loaded model of this server: {@code model: iris} or {@code model: {name: iris, version: "2",
   * outputs: [output_label]}}.
   *
   * @param name the model name
   * @param version null: the highest ready version
   * @param outputs the outputs to ask for; empty means the model's defaults
   */
  record Model(String name, String version, List<String> outputs, Duration timeout)
      implements NodeConfig {
    public Model {
      Objects.requireNonNull(name, "name");
      outputs = outputs == null ? List.of() : List.copyOf(outputs);
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

    public Remote {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(model, "model");
      connectTimeout =
          Objects.requireNonNullElse(connectTimeout, Duration.ofMillis(DEFAULT_CONNECT_TIMEOUT_MS));
      retryBackoff =
          Objects.requireNonNullElse(retryBackoff, Duration.ofMillis(DEFAULT_RETRY_BACKOFF_MS));
    }
  }

  /**
   * Declarative pre/post-processing: the steps run in order on the tensors ({@code transform: [
   * {scale: {...}}, {softmax: {...}} ]}); tensors no step touches pass through.
   */
  record Transform(List<TransformConfig> steps, Duration timeout) implements NodeConfig {
    public Transform {
      steps = List.copyOf(steps);
    }
  }

  /**
   * Steps in order (microservice vertical), an ordered mapping of step name to step. Each step's
   * input is the previous step's outputs (the first step's: the request's inputs) unless the step
   * names its {@code inputs}. The answer is the last step that ran.
   */
  record Sequence(List<Step> steps, Duration timeout) implements NodeConfig {
    public Sequence {
      steps = List.copyOf(steps);
    }
  }

  /**
   * Branches in parallel (microservice horizontal), combined by {@code combine}.
   *
   * @param branches an ordered mapping of branch name to branch
   */
  record Ensemble(List<Branch> branches, CombinerConfig combine, Duration timeout)
      implements NodeConfig {
    public Ensemble {
      branches = List.copyOf(branches);
      Objects.requireNonNull(combine, "combine");
    }
  }

  /**
   * Condition-based routing: the first rule whose {@code when} holds answers, else {@code default}.
   *
   * @param zone the time zone {@code time} reads, e.g. {@code Europe/Berlin}; default UTC
   */
  record Switch(List<Rule> rules, NodeConfig defaultRoute, String zone, Duration timeout)
      implements NodeConfig {
    public Switch {
      rules = List.copyOf(rules);
      Objects.requireNonNull(defaultRoute, "defaultRoute");
      zone = Objects.requireNonNullElse(zone, "UTC");
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

    public Cascade {
      stages = List.copyOf(stages);
      stageOutput = Objects.requireNonNullElse(stageOutput, DEFAULT_STAGE_OUTPUT);
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
      inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
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
      inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
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
    public Accept {
      Objects.requireNonNull(output, "output");
    }
  }

  /**
   * A tensor reference {@code NODE.TENSOR}: NODE is {@code request} or a step name (no '.'), so the
   * first '.' splits it.
   */
  record TensorRef(String node, String tensor) {
    public static final String REQUEST = "request";

    public TensorRef {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(tensor, "tensor");
    }

    @Override
    public String toString() {
      return node + "." + tensor;
    }
  }
}
