package io.mlsys.graph;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.MlsysException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.Predictor;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.TensorSpec;
import io.mlsys.graph.spi.Demand;
import io.mlsys.graph.spi.Flow;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.ParameterState;
import io.mlsys.graph.spi.Place;
import io.mlsys.graph.spi.SignatureContext;
import java.util.ArrayList;
import java.util.List;

/**
 * A model of this server, looked up on every call so a reload never breaks the graph.
 *
 * @param outputs what the node asks the model for; empty for its defaults
 */
record ModelNode(
    Place place, String model, String version, List<RequestedOutput> outputs, ModelLookup models)
    implements Node {

  @Override
  public InferResponse execute(InferRequest request, CallContext context, ParameterState state) {
    InferRequest call =
        request.outputs().equals(outputs)
            ? request
            : new InferRequest(request.id(), request.inputs(), outputs, request.parameters());
    try {
      Predictor predictor = models.predictor(model, version);
      // The model's decorators (and what they log) read where in the graph the call is.
      return predictor.infer(call, context, place.path());
    } catch (MlsysException e) {
      throw NodeErrors.at(place.path(), e);
    } catch (RuntimeException e) {
      throw NodeErrors.unexpected(place.path(), model, e);
    }
  }

  @Override
  public Flow outputs(Flow in, SignatureContext signatures) {
    ModelMetadata metadata = metadata(signatures);
    if (metadata == null) {
      return Flow.UNKNOWN;
    }
    Signatures.checkInputs(
        metadata.inputs(), in, place.config("model"), "model '" + model + "'", signatures);
    if (outputs.isEmpty()) {
      return Flow.closed(metadata.outputs());
    }
    List<TensorSpec> selected = new ArrayList<>();
    for (int i = 0; i < outputs.size(); i++) {
      String name = outputs.get(i).name();
      TensorSpec spec = metadata.output(name).orElse(null);
      if (spec == null) {
        signatures.invalid(
            place.config("model.outputs[" + i + "]"),
            name,
            "an output of model '"
                + model
                + "': "
                + metadata.outputs().stream().map(TensorSpec::name).toList());
      } else {
        selected.add(spec);
      }
    }
    return Flow.closed(selected);
  }

  @Override
  public Demand reads(Demand after, SignatureContext signatures) {
    ModelMetadata metadata = metadata(signatures);
    if (metadata == null) {
      return Demand.unknown();
    }
    Demand demand = new Demand();
    metadata.inputs().forEach(spec -> demand.add(spec.name(), spec));
    return demand;
  }

  @Override
  public String describe() {
    return model + (version == null ? "" : "@" + version);
  }

  /** The model's metadata, or null when it is not available. */
  private ModelMetadata metadata(SignatureContext signatures) {
    try {
      return models.metadata(model, version);
    } catch (ModelNotFoundException e) {
      if (version != null && models.contains(model)) {
        signatures.invalid(
            place.config("model.version"), version, "a version model '" + model + "' has");
      }
      return null;
    } catch (MlsysException e) {
      // Not ready: the node's signature checks wait until it is.
      return null;
    }
  }
}
