package io.mlsys.core.spi;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;

/**
 * Runs an inference later, on a worker: the server's asynchronous jobs, for graph nodes that answer
 * part of a request now and the rest through a job (an asynchronous cascade stage). A {@link
 * SharedResources} entry when jobs are enabled, registered before any graph compiles.
 */
@FunctionalInterface
public interface JobSubmitter {

  /**
   * Stores and queues a job that runs {@code request} on {@code target}.
   *
   * @param target a model or graph this server serves
   * @param context the caller's context (its identity owns the job)
   * @return the job, as a client finds it
   * @throws io.mlsys.core.DependencyUnavailableException when the queue cannot take it now
   */
  SubmittedJob submit(String target, InferRequest request, CallContext context);

  /**
   * A job accepted for later.
   *
   * @param id the job's id
   * @param location where a client polls it ({@code /v2/jobs/<id>})
   */
  record SubmittedJob(String id, String location) {}
}
