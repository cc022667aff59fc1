package io.mlsys.graph;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.MlsysException;
import io.mlsys.core.Predictor;
import io.mlsys.core.RequestedOutput;
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
      return predictor.infer(call, context);
    } catch (MlsysException e) {
      throw NodeErrors.at(place.path(), e);
    } catch (RuntimeException e) {
      throw NodeErrors.unexpected(place.path(), model, e);
    }
  }
}
