package io.mlsys.graph;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.MlsysException;
import io.mlsys.core.Predictor;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.ParameterState;
import io.mlsys.graph.spi.Place;

/**
 * A model on another OIP server, called through the generation's shared client for its URL. Its
 * signature is not known here: what it reads and answers stays open.
 */
record RemoteNode(Place place, String url, String model, String version, Predictor remote)
    implements Node {

  @Override
  public InferResponse execute(InferRequest request, CallContext context, ParameterState state) {
    try {
      return remote.infer(request, context, place.path());
    } catch (MlsysException e) {
      throw NodeErrors.at(place.path(), e);
    } catch (RuntimeException e) {
      throw NodeErrors.unexpected(place.path(), model, e);
    }
  }

  @Override
  public String describe() {
    return "remote " + url + " " + model + (version == null ? "" : "@" + version);
  }
}
