package io.mlsys.server;

import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.spi.JobSubmitter;
import io.mlsys.protocol.OipJson;
import io.mlsys.queue.Job;
import io.mlsys.queue.Jobs;
import io.mlsys.queue.NewJob;
import java.util.Objects;

/**
 * The server's jobs as graph nodes see them ({@link JobSubmitter}): an asynchronous cascade stage
 * stores its rows as an OIP JSON request, owned by the caller of the request that made it, exactly
 * as a client's {@code Prefer: respond-async} call would.
 */
final class GraphJobSubmitter implements JobSubmitter {
  private final Jobs jobs;
  private final OipJson oipJson = OipJson.create();

  GraphJobSubmitter(Jobs jobs) {
    this.jobs = Objects.requireNonNull(jobs, "jobs");
  }

  @Override
  public SubmittedJob submit(String target, InferRequest request, CallContext context) {
    String caller = context.attribute(CallAttribute.CALLER).orElse(null);
    Job job =
        jobs.submit(
                new NewJob(target, null, oipJson.writeInferRequest(request), caller, null, null))
            .job();
    return new SubmittedJob(job.id(), JobEndpoints.PATH + "/" + job.id());
  }
}
