package io.mlsys.graph;

import io.mlsys.config.TransformConfig;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.MlsysException;
import io.mlsys.core.Tensor;
import io.mlsys.transform.TransformPipeline;
import java.util.List;
import java.util.Map;

/** Declarative pre/post-processing; its answer keeps the request id. */
record TransformNode(Place place, List<TransformConfig> steps, TransformPipeline pipeline)
    implements Node {

  @Override
  public InferResponse execute(InferRequest request, CallContext context, ParameterState state) {
    List<Tensor> outputs;
    try {
      outputs = pipeline.apply(request.inputs());
    } catch (MlsysException e) {
      throw NodeErrors.at(place.path(), e);
    } catch (RuntimeException e) {
      throw NodeErrors.unexpected(place.path(), place.graph(), e);
    }
    return new InferResponse(place.graph(), Graphs.VERSION, request.id(), outputs, Map.of());
  }
}
