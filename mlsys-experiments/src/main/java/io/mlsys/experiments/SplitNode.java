package io.mlsys.experiments;

import io.micrometer.core.instrument.Counter;
import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.FailedPreconditionException;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Parameters;
import io.mlsys.core.Tensor;
import io.mlsys.core.UpstreamFailureException;
import io.mlsys.graph.spi.Demand;
import io.mlsys.graph.spi.Flow;
import io.mlsys.graph.spi.GraphNode;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.ParameterState;
import io.mlsys.graph.spi.Place;
import io.mlsys.graph.spi.SignatureContext;
import io.mlsys.store.StoreException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Assigns each call to an arm: its unit's bucket in the table of the current weights (inactive arms
 * weigh 0), or a random bucket when the call carries no unit. The answer carries the response
 * parameter {@value #ARM}, the arm's call the {@link CallAttribute#EXPERIMENT_ARM} attribute (so
 * the prediction log's events name it), and an exposure is recorded. A stopped or concluded split
 * sends every call to its winner or its first arm and records nothing.
 */
final class SplitNode implements Node {
  /** Response parameter naming the arm that answered. */
  static final String ARM = "arm";

  /**
   * @param exposures null when the graph has no experiments (it then fails to build)
   */
  record Arm(String name, GraphNode node, int activeSlot, int weightSlot, Counter exposures) {}

  private final Place place;
  private final ExperimentSpec.Split spec;
  private final Arm[] arms;
  private final UnitKey key;
  private final String salt;
  private final String comparedOutput;
  private final boolean recordsValue;
  private final Experiments experiments;
  private volatile BucketTable table;

  SplitNode(
      Place place,
      ExperimentSpec.Split spec,
      Arm[] arms,
      UnitKey key,
      String salt,
      String comparedOutput,
      boolean recordsValue,
      Experiments experiments) {
    this.place = place;
    this.spec = spec;
    this.arms = arms;
    this.key = key;
    this.salt = salt;
    this.comparedOutput = comparedOutput;
    this.recordsValue = recordsValue;
    this.experiments = experiments;
  }

  @Override
  public InferResponse execute(InferRequest request, CallContext context, ParameterState state) {
    String unit = key == null ? null : key.read(request, context).orElse(null);
    Experiments.CachedState experiment = experiments.state(spec.name());
    Arm chosen;
    boolean exposed = experiment.running();
    if (exposed) {
      BucketTable current = table(state);
      int bucket =
          unit != null
              ? BucketTable.bucket(salt, unit)
              : experiments.random().nextInt(BucketTable.BUCKETS);
      chosen = arms[current.armIndex(bucket)];
      chosen.exposures().increment();
    } else {
      chosen = arms[0];
      for (Arm arm : arms) {
        if (arm.name().equals(experiment.winner())) {
          chosen = arm;
        }
      }
    }
    CallContext armContext = context.with(CallAttribute.EXPERIMENT_ARM, chosen.name());
    if (unit != null) {
      armContext = armContext.with(CallAttribute.UNIT_KEY, unit);
    }
    if (!exposed) {
      return withArm(chosen.node().call(request, armContext, state), chosen);
    }
    long time = ExperimentStore.micros(context.clock().instant());
    long start = experiments.nanoTime();
    InferResponse answer;
    try {
      answer = chosen.node().call(request, armContext, state);
    } catch (RuntimeException e) {
      expose(request, context, chosen, unit, time, start, MirrorNode.describe(e), null);
      throw e;
    }
    String value = null;
    if (recordsValue) {
      String output = comparedOutput;
      if (output == null && !answer.outputs().isEmpty()) {
        output = answer.outputs().getFirst().name();
      }
      Tensor tensor = output == null ? null : answer.output(output).orElse(null);
      value = tensor == null ? null : MirrorNode.json(tensor);
    }
    expose(request, context, chosen, unit, time, start, null, value);
    return withArm(answer, chosen);
  }

  /** Records the exposure (off the request path) once the arm answered or failed. */
  private void expose(
      InferRequest request,
      CallContext context,
      Arm chosen,
      String unit,
      long time,
      long startNanos,
      String error,
      String value) {
    experiments.record(
        new ExperimentRecord.Exposure(
            spec.name(),
            chosen.name(),
            unit,
            context.attribute(CallAttribute.REQUEST_ID).orElse(request.id()),
            time,
            (experiments.nanoTime() - startNanos) / 1000,
            error,
            value));
  }

  private static InferResponse withArm(InferResponse answer, Arm chosen) {
    Map<String, Object> parameters = Parameters.withAdded(answer.parameters(), ARM, chosen.name());
    return new InferResponse(
        answer.modelName(), answer.modelVersion(), answer.id(), answer.outputs(), parameters);
  }

  /** The table of the weights in {@code state}; asks the store only when they changed. */
  private BucketTable table(ParameterState state) {
    double[] weights = new double[arms.length];
    for (int i = 0; i < arms.length; i++) {
      weights[i] = state.active(arms[i].activeSlot()) ? state.number(arms[i].weightSlot()) : 0;
    }
    BucketTable cached = table;
    if (cached != null && Arrays.equals(cached.weights(), weights)) {
      return cached;
    }
    synchronized (this) {
      cached = table;
      if (cached != null && Arrays.equals(cached.weights(), weights)) {
        return cached;
      }
      if (Arrays.stream(weights).sum() <= 0) {
        throw new FailedPreconditionException(
            place.path() + ": every arm is inactive or of weight 0 (expected: one arm to assign)");
      }
      try {
        cached = experiments.table(spec, weights);
      } catch (StoreException e) {
        throw new UpstreamFailureException("experiment store", e.getMessage(), e);
      }
      table = cached;
      return cached;
    }
  }

  @Override
  public Flow outputs(Flow in, SignatureContext signatures) {
    List<Flow> outs = new ArrayList<>(arms.length);
    for (Arm arm : arms) {
      outs.add(arm.node().outputs(in, signatures));
    }
    return Flow.anyOf(outs);
  }

  @Override
  public Demand reads(Demand after, SignatureContext signatures) {
    Demand reads = new Demand();
    for (Arm arm : arms) {
      reads.addAll(arm.node().reads(new Demand(), signatures));
    }
    if (key != null && key.input() != null) {
      reads.add(key.input(), null);
    }
    return reads;
  }

  @Override
  public String describe() {
    List<String> parts = new ArrayList<>();
    for (Arm arm : arms) {
      parts.add(arm.name() + ": " + arm.node().describe());
    }
    return "split("
        + String.join(", ", parts)
        + (key == null ? "" : "; key: " + key.describeSource())
        + ")";
  }
}
