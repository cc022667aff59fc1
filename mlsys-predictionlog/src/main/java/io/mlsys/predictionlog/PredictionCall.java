package io.mlsys.predictionlog;

import io.mlsys.core.FetchedFeatures;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What the request thread hands to the {@link PredictionLog}: references to the (immutable) request
 * and response and a few facts of the call. Turning them into a {@link PredictionEvent} (tensor
 * JSON, hashing, redaction, the event id) happens on the log's writer thread, so recording costs
 * the request thread an allocation and a queue offer.
 *
 * @param modelName the model that answered
 * @param modelVersion its version, or null
 * @param request the request
 * @param response the response; null when the call failed
 * @param error the failure; null when the call succeeded
 * @param start when the call started
 * @param end when it ended
 * @param requestId the request's id (the OIP {@code id}, else the server's), or null
 * @param traceId the id of the call's trace (W3C, 32 hex digits), or null outside a request
 * @param caller the authenticated user, or null
 * @param graphPath where in a graph the model was called, or null
 * @param arm the experiment arm chosen for the call, or null
 * @param headers the headers to keep, keys lower-case
 * @param options how the model's events are recorded
 * @param payloadSampled whether a {@link FieldPolicy#SAMPLED} field is kept for this call
 * @param features what a {@code features} graph node fetched for the call; null for none
 */
public record PredictionCall(
    String modelName,
    String modelVersion,
    InferRequest request,
    InferResponse response,
    Throwable error,
    Instant start,
    Instant end,
    String requestId,
    String traceId,
    String caller,
    String graphPath,
    String arm,
    Map<String, String> headers,
    PredictionLogOptions options,
    boolean payloadSampled,
    FetchedFeatures features) {

  public PredictionCall {
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(options, "options");
    headers = headers == null ? Map.of() : headers;
  }
}
