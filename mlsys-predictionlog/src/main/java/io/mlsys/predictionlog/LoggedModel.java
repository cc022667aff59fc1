package io.mlsys.predictionlog;

import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.CountedSampler;
import io.mlsys.core.ForwardingModel;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.Span;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A model whose calls are recorded into a {@link PredictionLog}. */
final class LoggedModel extends ForwardingModel {
  private final PredictionLogOptions options;
  private final PredictionLog log;
  private final String modelName;
  private final String modelVersion;
  private final CountedSampler calls;
  private final CountedSampler payloads;

  LoggedModel(
      Model delegate,
      PredictionLogOptions options,
      PredictionLog log,
      String modelName,
      String modelVersion) {
    super(delegate);
    this.options = options;
    this.log = log;
    this.modelName = modelName;
    this.modelVersion = modelVersion;
    this.calls = new CountedSampler(options.sampleRate());
    this.payloads = new CountedSampler(options.payloadSampleRate());
  }

  @Override
  public InferResponse infer(InferRequest request, CallContext context) {
    if (!log.isEnabled() || !calls.take()) {
      return delegate().infer(request, context);
    }
    Instant start = context.clock().instant();
    InferResponse response;
    try {
      response = delegate().infer(request, context);
    } catch (RuntimeException | Error e) {
      record(request, null, e, start, context);
      throw e;
    }
    record(request, response, null, start, context);
    return response;
  }

  private void record(
      InferRequest request,
      InferResponse response,
      Throwable error,
      Instant start,
      CallContext context) {
    try {
      log.record(
          new PredictionCall(
              modelName,
              modelVersion,
              request,
              response,
              error,
              start,
              context.clock().instant(),
              context.attribute(CallAttribute.REQUEST_ID).orElse(null),
              traceId(context),
              context.attribute(CallAttribute.CALLER).orElse(null),
              context.attribute(CallAttribute.GRAPH_PATH).orElse(null),
              context.attribute(CallAttribute.EXPERIMENT_ARM).orElse(null),
              headers(context, options.headers()),
              options,
              payloads.take(),
              context.attribute(CallAttribute.FEATURES).orElse(null)));
    } catch (RuntimeException e) {
      // Logging must never fail the call it logs; PredictionLog.record does not throw, this only
      // guards against a bug in building the call.
    }
  }

  private static String traceId(CallContext context) {
    Span span = Span.of(context);
    return span == null ? null : span.traceId();
  }

  private static Map<String, String> headers(CallContext context, List<String> names) {
    if (names.isEmpty()) {
      return Map.of();
    }
    Map<String, String> kept = new HashMap<>();
    for (String name : names) {
      context.header(name).ifPresent(value -> kept.put(name, value));
    }
    return kept;
  }
}
