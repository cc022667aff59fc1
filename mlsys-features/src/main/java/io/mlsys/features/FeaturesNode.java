package io.mlsys.features;

import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.DataType;
import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.core.FetchedFeatures;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.Parameters;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.features.FeaturesOptions.OnMissing;
import io.mlsys.graph.Graphs;
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
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiled {@code features} node: ids from the request, rows through the {@link FeatureStore},
 * one tensor {@code [N, F]} in feature order, handed to the child (or answered). The answer's
 * parameters say how many features were present, missing and stale and where the rows came from;
 * the whole vector with every status goes to the nodes after it as {@link CallAttribute#FEATURES}.
 */
final class FeaturesNode implements Node {
  /** Statuses listed one by one in the answer's parameters at most; the counts cover the rest. */
  static final int MAX_LISTED_STATUSES = 32;

  private final Place place;
  private final FeaturesOptions options;
  private final EntityRef entity;
  private final FeatureStore store;
  private final GraphNode child;
  private final DataType datatype;
  private final int width;
  private final FeatureNodeMetrics metrics;

  FeaturesNode(
      Place place,
      FeaturesOptions options,
      FeatureStore store,
      GraphNode child,
      FeatureNodeMetrics metrics) {
    this.place = place;
    this.metrics = metrics;
    this.options = options;
    this.entity = options.entityRef();
    this.store = store;
    this.child = child;
    this.datatype = options.outputType();
    this.width = options.features().size();
  }

  @Override
  public InferResponse execute(InferRequest request, CallContext context, ParameterState state) {
    List<String> ids = entity.ids(request, context, options.entityType(), options.maxEntities());
    Duration budget = options.source().timeout();
    if (context.remaining().isPresent() && context.remaining().get().compareTo(budget) < 0) {
      budget = context.remaining().get();
    }
    context.checkDeadline(place.path());
    Map<String, FeatureStore.Served> rows;
    // The call's clock, so a test's clock decides what is recorded.
    Instant started = context.clock().instant();
    try {
      rows = store.get(ids, budget);
      metrics.fetched(Duration.between(started, context.clock().instant()).toNanos());
    } catch (DependencyUnavailableException e) {
      metrics.failed();
      throw new DependencyUnavailableException(
          place.path() + ": " + e.dependency(), e.problem(), e.retryAfter(), e);
    } catch (ModelExecutionException e) {
      metrics.failed();
      throw new ModelExecutionException(place.graph(), place.path() + ": " + e.getMessage(), e);
    }
    Instant now = context.clock().instant();
    int n = ids.size();
    float[] floats = datatype == DataType.FP32 ? new float[n * width] : null;
    double[] doubles = datatype == DataType.FP64 ? new double[n * width] : null;
    Map<FeatureStatus, Long> counts = new EnumMap<>(FeatureStatus.class);
    Map<FeatureStore.Tier, Long> tiers = new EnumMap<>(FeatureStore.Tier.class);
    Map<String, Object> listed = new LinkedHashMap<>();
    List<FetchedFeatures.Entity> fetched = new ArrayList<>(n);
    double missing = options.missingValue();
    for (int row = 0; row < n; row++) {
      String id = ids.get(row);
      FeatureStore.Served served = rows.get(id);
      FeatureRow featureRow = served.row();
      if (!featureRow.found() && options.onMissing() == OnMissing.ERROR) {
        throw new ResourceNotFoundException(
            place.path()
                + ": entity '"
                + id
                + "' ("
                + entity.field()
                + ") not found in "
                + store.describeSource());
      }
      tiers.merge(served.tier(), 1L, Long::sum);
      Double[] values = new Double[width];
      String[] statuses = new String[width];
      for (int i = 0; i < width; i++) {
        FeatureStatus status = featureRow.status(i, now, options.maxAge());
        double value =
            status == FeatureStatus.NOT_FOUND || status == FeatureStatus.NULL_VALUE
                ? missing
                : featureRow.values()[i];
        if (floats != null) {
          floats[row * width + i] = (float) value;
        } else {
          doubles[row * width + i] = value;
        }
        values[i] = value;
        statuses[i] = status.name();
        counts.merge(status, 1L, Long::sum);
        if (status != FeatureStatus.PRESENT && listed.size() < MAX_LISTED_STATUSES) {
          listed.put("features." + id + "." + options.features().get(i), status.name());
        }
      }
      fetched.add(
          new FetchedFeatures.Entity(
              id, Arrays.asList(values), Arrays.asList(statuses), served.tier().label()));
    }
    tiers.forEach(metrics::rows);
    counts.forEach(metrics::values);
    long[] shape = {n, width};
    Tensor tensor =
        floats != null
            ? Tensor.ofFloats(options.output(), shape, floats)
            : Tensor.ofDoubles(options.output(), shape, doubles);
    Map<String, Object> parameters = new LinkedHashMap<>();
    for (FeatureStatus status : FeatureStatus.values()) {
      parameters.put(
          "features." + status.name().toLowerCase(java.util.Locale.ROOT),
          counts.getOrDefault(status, 0L));
    }
    parameters.put("features.served-from", servedFrom(tiers));
    parameters.putAll(listed);
    FetchedFeatures record = new FetchedFeatures(place.path(), options.features(), fetched);
    if (child == null) {
      return new InferResponse(
          place.graph(), Graphs.VERSION, request.id(), List.of(tensor), parameters);
    }
    List<Tensor> inputs = new ArrayList<>(options.passInputs().size() + 1);
    for (String name : options.passInputs()) {
      request.input(name).ifPresent(inputs::add);
    }
    inputs.add(tensor);
    InferResponse answer =
        child.call(request.withInputs(inputs), context.with(CallAttribute.FEATURES, record), state);
    Map<String, Object> merged = answer.parameters();
    for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
      merged = Parameters.withAdded(merged, parameter.getKey(), parameter.getValue());
    }
    return new InferResponse(
        answer.modelName(), answer.modelVersion(), answer.id(), answer.outputs(), merged);
  }

  /** {@code memory}, {@code redis} or {@code source} when every row came from one; else a mix. */
  private static String servedFrom(Map<FeatureStore.Tier, Long> tiers) {
    if (tiers.size() == 1) {
      return tiers.keySet().iterator().next().label();
    }
    List<String> parts = new ArrayList<>();
    tiers.forEach((tier, count) -> parts.add(tier.label() + ":" + count));
    return String.join(",", parts);
  }

  private TensorSpec spec() {
    return new TensorSpec(options.output(), datatype, List.of(-1L, (long) width));
  }

  @Override
  public Flow outputs(Flow in, SignatureContext signatures) {
    if (child == null) {
      return Flow.closed(List.of(spec()));
    }
    Map<String, TensorSpec> specs = new LinkedHashMap<>();
    boolean open = false;
    for (String name : options.passInputs()) {
      TensorSpec spec = in.spec(name);
      if (spec != null) {
        specs.put(name, spec);
      } else {
        open = true;
      }
    }
    specs.put(options.output(), spec());
    return child.outputs(new Flow(specs, open), signatures);
  }

  @Override
  public Demand reads(Demand after, SignatureContext signatures) {
    Demand demand = new Demand();
    if (child != null) {
      Demand childReads = child.reads(after, signatures);
      TensorSpec expected = childReads.remove(options.output());
      childReads.forEach(
          (name, spec) -> {
            if (options.passInputs().contains(name)) {
              demand.add(name, spec);
            }
          });
      if (expected != null && expected.datatype() != datatype) {
        signatures.invalid(
            place.config("features.datatype"),
            datatype.wireName(),
            expected.datatype().wireName()
                + ", the datatype the node after it reads '"
                + options.output()
                + "' as");
      }
    }
    if (entity.where() == EntityRef.Where.INPUT) {
      demand.add(entity.name(), null);
    }
    return demand;
  }

  @Override
  public String describe() {
    return "features["
        + entity.field()
        + " -> "
        + options.output()
        + ": "
        + String.join(", ", options.features())
        + "]"
        + (child == null ? "" : "(" + child.describe() + ")");
  }
}
