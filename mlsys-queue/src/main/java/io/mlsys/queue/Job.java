package io.mlsys.queue;

import java.time.Instant;

/**
 * One asynchronous inference job as the store holds it.
 *
 * @param id the job's id
 * @param model the model (or graph) it runs on
 * @param modelVersion the version asked for, or null for the model's default
 * @param request the OIP JSON infer request as the client sent it; null in listings
 * @param state where the job is
 * @param attempts how many times a worker started it
 * @param error why it failed (or why the last attempt failed), or null
 * @param result the OIP JSON infer response once succeeded; null otherwise and in listings
 * @param created when it was submitted
 * @param started when a worker first started it, or null
 * @param finished when it reached its final state, or null
 * @param expires when it expires if it has not started by then
 * @param caller who submitted it (the authenticated user), or null
 * @param callbackUrl where its final JSON is posted, or null
 */
public record Job(
    String id,
    String model,
    String modelVersion,
    byte[] request,
    JobState state,
    int attempts,
    String error,
    byte[] result,
    Instant created,
    Instant started,
    Instant finished,
    Instant expires,
    String caller,
    String callbackUrl) {

  /** How long the job waited between submission and its first start; null before it started. */
  public java.time.Duration queueLatency() {
    return started == null ? null : java.time.Duration.between(created, started);
  }
}
