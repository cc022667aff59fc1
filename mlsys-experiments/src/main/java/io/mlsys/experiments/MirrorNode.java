package io.mlsys.experiments;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.micrometer.core.instrument.Counter;
import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import io.mlsys.graph.spi.Demand;
import io.mlsys.graph.spi.Flow;
import io.mlsys.graph.spi.GraphNode;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.ParameterState;
import io.mlsys.graph.spi.Place;
import io.mlsys.graph.spi.SignatureContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers with the primary; for a share of calls, queues one call per candidate on the mirror's
 * bounded pool (or counts it shed) after the primary answered, and records each pair when the
 * candidate is done. The primary's answer or error is returned as it is, whatever the candidates
 * do: they run on other threads, with their own deadline, and their failures are only recorded.
 */
final class MirrorNode implements Node {
  private static final int MAX_ERROR_CHARS = 500;

  /**
   * @param mirrored null when the graph has no experiments (it then fails to build)
   */
  record Candidate(String name, GraphNode node, Counter mirrored, Counter shed) {}

  private final Place place;
  private final ExperimentSpec.Mirror spec;
  private final MirrorOptions options;
  private final String salt;
  private final GraphNode primary;
  private final List<Candidate> candidates;
  private final MirrorPool pool;
  private final Experiments experiments;

  MirrorNode(
      Place place,
      ExperimentSpec.Mirror spec,
      MirrorOptions options,
      GraphNode primary,
      List<Candidate> candidates,
      MirrorPool pool,
      Experiments experiments) {
    this.place = place;
    this.spec = spec;
    this.options = options;
    this.salt = options.salt() == null ? spec.name() : options.salt();
    this.primary = primary;
    this.candidates = List.copyOf(candidates);
    this.pool = pool;
    this.experiments = experiments;
  }

  @Override
  public InferResponse execute(InferRequest request, CallContext context, ParameterState state) {
    boolean mirror = selected(request, context);
    long start = experiments.nanoTime();
    InferResponse answer;
    try {
      answer = primary.call(request, context, state);
    } catch (RuntimeException e) {
      if (mirror) {
        mirror(request, context, state, null, e, micros(start));
      }
      throw e;
    }
    if (mirror) {
      mirror(request, context, state, answer, null, micros(start));
    }
    return answer;
  }

  private long micros(long startNanos) {
    return (experiments.nanoTime() - startNanos) / 1000;
  }

  /** Whether this call is mirrored: by its unit's bucket when it has one, else at random. */
  private boolean selected(InferRequest request, CallContext context) {
    double share = options.share();
    if (share <= 0 || !experiments.state(spec.name()).running()) {
      return false;
    }
    if (share >= 1) {
      return true;
    }
    String unit = options.key() == null ? null : options.key().read(request, context).orElse(null);
    return unit != null
        ? BucketTable.bucket(salt, unit) < share * BucketTable.BUCKETS
        : experiments.random().nextDouble() < share;
  }

  private void mirror(
      InferRequest request,
      CallContext context,
      ParameterState state,
      InferResponse answer,
      RuntimeException failure,
      long primaryMicros) {
    String requestId = context.attribute(CallAttribute.REQUEST_ID).orElse(request.id());
    Instant now = context.clock().instant();
    for (Candidate candidate : candidates) {
      Runnable call =
          () ->
              runCandidate(
                  candidate,
                  request,
                  context,
                  state,
                  answer,
                  failure,
                  primaryMicros,
                  requestId,
                  now);
      if (pool.offer(call)) {
        candidate.mirrored().increment();
      } else {
        candidate.shed().increment();
      }
    }
  }

  private void runCandidate(
      Candidate candidate,
      InferRequest request,
      CallContext context,
      ParameterState state,
      InferResponse answer,
      RuntimeException failure,
      long primaryMicros,
      String requestId,
      Instant time) {
    // The candidate's own budget from now; the caller's deadline belongs to the primary.
    Duration timeout = options.candidateTimeout();
    CallContext candidateContext =
        new CallContext(
                context.clock(), null, context.headers(), context.traceId(), context.attributes())
            .withTimeout(timeout)
            .with(CallAttribute.EXPERIMENT_ARM, candidate.name());
    long start = experiments.nanoTime();
    InferResponse shadow = null;
    String candidateError = null;
    try {
      shadow = candidate.node().call(request, candidateContext, state);
    } catch (RuntimeException e) {
      candidateError = describe(e);
    }
    long candidateMicros = micros(start);
    if (candidateError == null && candidateMicros > timeout.toNanos() / 1000) {
      candidateError =
          "timeout: answered after " + candidateMicros + "us (candidate-timeout " + timeout + ")";
    }
    String output = options.compare().output();
    if (output == null && answer != null && !answer.outputs().isEmpty()) {
      output = answer.outputs().getFirst().name();
    }
    String primaryValue = null;
    String primaryError = failure == null ? null : describe(failure);
    if (answer != null) {
      Tensor tensor = output == null ? null : answer.output(output).orElse(null);
      if (tensor == null) {
        primaryError = "output '" + output + "' missing from the primary's answer";
      } else {
        primaryValue = json(tensor);
      }
    }
    String candidateValue = null;
    if (shadow != null && candidateError == null && output != null) {
      Tensor tensor = shadow.output(output).orElse(null);
      if (tensor == null) {
        candidateError = "output '" + output + "' missing from the candidate's answer";
      } else {
        candidateValue = json(tensor);
      }
    }
    experiments.record(
        new ExperimentRecord.Pair(
            spec.name(),
            candidate.name(),
            requestId,
            ExperimentStore.micros(time),
            primaryValue,
            candidateValue,
            primaryMicros,
            candidateMicros,
            primaryError,
            candidateError));
  }

  static String describe(RuntimeException e) {
    String text = e.getClass().getSimpleName() + ": " + e.getMessage();
    return text.length() > MAX_ERROR_CHARS ? text.substring(0, MAX_ERROR_CHARS) : text;
  }

  /** A tensor's values as a JSON array: numbers for floating point, labels (text) otherwise. */
  static String json(Tensor tensor) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    switch (tensor.datatype()) {
      case FP16, BF16, FP32, FP64 -> {
        for (double value : tensor.toDoubleArray()) {
          array.add(value);
        }
      }
      case BYTES -> {
        for (String value : tensor.strings()) {
          array.add(value);
        }
      }
      case BOOL -> {
        for (boolean value : tensor.bools()) {
          array.add(Boolean.toString(value));
        }
      }
      default -> {
        for (long value : tensor.toLongArray()) {
          array.add(Long.toString(value));
        }
      }
    }
    return array.toString();
  }

  @Override
  public Flow outputs(Flow in, SignatureContext signatures) {
    for (Candidate candidate : candidates) {
      candidate.node().outputs(in, signatures);
    }
    return primary.outputs(in, signatures);
  }

  @Override
  public Demand reads(Demand after, SignatureContext signatures) {
    Demand reads = primary.reads(after, signatures);
    for (Candidate candidate : candidates) {
      reads.addAll(candidate.node().reads(new Demand(), signatures));
    }
    if (options.key() != null && options.key().input() != null) {
      reads.add(options.key().input(), null);
    }
    return reads;
  }

  @Override
  public String describe() {
    List<String> parts = new ArrayList<>();
    for (Candidate candidate : candidates) {
      parts.add(candidate.name() + ": " + candidate.node().describe());
    }
    return "mirror(primary: "
        + primary.describe()
        + "; candidates: "
        + String.join(", ", parts)
        + "; share: "
        + options.share()
        + ")";
  }

  Place place() {
    return place;
  }
}
