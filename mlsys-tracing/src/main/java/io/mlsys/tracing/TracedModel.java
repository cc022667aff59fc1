package io.mlsys.tracing;

import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.ForwardingModel;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.Span;
import java.util.List;

/** A model whose calls are spans: {@code infer <model>}, with model, version and outcome. */
final class TracedModel extends ForwardingModel {
  /** Span attribute: the model's name. */
  static final String MODEL = "mlsys.model";

  /** Span attribute: the model version that answered. */
  static final String VERSION = "mlsys.model.version";

  /** Span attribute: {@code ok} or the error's kind ({@link Span#outcome}). */
  static final String OUTCOME = "mlsys.outcome";

  /** Span attribute: where in a graph the call is. */
  static final String GRAPH_PATH = "mlsys.graph.path";

  private static final String HEADER_PREFIX = "mlsys.header.";

  private final String modelName;
  private final String modelVersion;
  private final String spanName;
  private final List<String> headers;

  TracedModel(Model delegate, TracingOptions options, String modelName, String modelVersion) {
    super(delegate);
    this.modelName = modelName;
    this.modelVersion = modelVersion;
    this.spanName = "infer " + modelName;
    this.headers = options.headers();
  }

  @Override
  public InferResponse infer(InferRequest request, CallContext context) {
    Span parent = Span.of(context);
    if (parent == null || !parent.isRecording()) {
      return delegate().infer(request, context);
    }
    Span span = parent.child(spanName, Span.Kind.INTERNAL);
    span.setAttribute(MODEL, modelName);
    context
        .attribute(CallAttribute.GRAPH_PATH)
        .ifPresent(path -> span.setAttribute(GRAPH_PATH, path));
    for (String name : headers) {
      context.header(name).ifPresent(value -> span.setAttribute(HEADER_PREFIX + name, value));
    }
    try {
      InferResponse response = delegate().infer(request, context.with(CallAttribute.SPAN, span));
      span.setAttribute(
          VERSION, response.modelVersion() != null ? response.modelVersion() : modelVersion);
      span.setAttribute(OUTCOME, "ok");
      return response;
    } catch (RuntimeException | Error e) {
      span.setAttribute(VERSION, modelVersion);
      span.setAttribute(OUTCOME, Span.outcome(e));
      span.fail(e);
      throw e;
    } finally {
      span.end();
    }
  }
}
