package io.mlsys.monitoring;

import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import java.time.Instant;
import java.util.Objects;

/**
 * One call as the monitor sees it: references to the (immutable) request and response, and when it
 * ran. Built on the request thread (an allocation), read on the monitor thread.
 *
 * @param start when the call started
 * @param end when it ended; the call belongs to the window holding this instant
 * @param request the request
 * @param response the response; null when the call failed
 */
public record Observation(
    Instant start, Instant end, InferRequest request, InferResponse response) {
  public Observation {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(request, "request");
  }

  public boolean failed() {
    return response == null;
  }
}
