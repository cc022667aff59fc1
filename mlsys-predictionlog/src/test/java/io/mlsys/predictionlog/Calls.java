package io.mlsys.predictionlog;

import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Prediction calls for tests. */
final class Calls {
  private Calls() {}

  static PredictionCall call(String requestId, Instant start) {
    return call(requestId, start, Tensor.ofFloats("x", new long[] {1, 2}, 1.5f, 2.5f));
  }

  /** A call with an input of {@code floats} values: an OCR page is about 265,000. */
  static PredictionCall large(String requestId, Instant start, int floats) {
    float[] values = new float[floats];
    java.util.Arrays.fill(values, 0.123456f);
    return call(requestId, start, Tensor.ofFloats("x", new long[] {1, floats}, values));
  }

  private static PredictionCall call(String requestId, Instant start, Tensor input) {
    InferRequest request = new InferRequest(requestId, List.of(input), List.of(), Map.of());
    InferResponse response =
        new InferResponse(
            "iris", "1", requestId, List.of(Tensor.ofLongs("label", new long[] {1}, 2L)), Map.of());
    return new PredictionCall(
        "iris",
        "1",
        request,
        response,
        null,
        start,
        start.plus(Duration.ofNanos(250_000)),
        null,
        "4bf92f3577b34da6a3ce929d0e0e4736",
        null,
        null,
        null,
        Map.of(),
        PredictionLogOptions.defaults(),
        false,
        null);
  }
}
