package io.mlsys.server;

import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Predictor;
import io.mlsys.protocol.OipJson;
import io.mlsys.queue.Job;
import io.mlsys.queue.JobRunner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a job through the predictor the server serves under the job's model name (a model version or
 * a graph), with the request's {@code timeout} parameter (else {@code server.default-timeout}) as
 * the attempt's deadline.
 */
final class ServedJobRunner implements JobRunner {
  private final ServedModels served;
  private final OipJson oipJson;
  private final Deadlines deadlines;
  private final Clock clock;

  ServedJobRunner(ServedModels served, OipJson oipJson, Deadlines deadlines, Clock clock) {
    this.served = served;
    this.oipJson = oipJson;
    this.deadlines = deadlines;
    this.clock = clock;
  }

  @Override
  public byte[] run(Job job) {
    Predictor predictor = served.predictor(job.model(), job.modelVersion());
    InferRequest request = oipJson.readInferRequest(job.request());
    Duration timeout = deadlines.timeout(request.parameters(), Optional.empty());
    Instant deadline = timeout == null ? null : clock.instant().plus(timeout);
    String requestId = "job-" + job.id();
    Map<CallAttribute<?>, Object> attributes =
        job.caller() == null
            ? Map.of(CallAttribute.REQUEST_ID, requestId)
            : Map.of(CallAttribute.REQUEST_ID, requestId, CallAttribute.CALLER, job.caller());
    CallContext context = new CallContext(clock, deadline, Map.of(), requestId, attributes);
    InferResponse response =
        InferenceEndpoints.conform(
            request, InferenceEndpoints.invoke(job.model(), predictor, request, context));
    return oipJson.writeInferResponse(response);
  }
}
