package io.mlsys.queue;

/**
 * Runs a job's request through the model it names, the same predictor the server serves
 * synchronously. The server and {@code mlsys worker} provide it; this module knows no protocol.
 */
@FunctionalInterface
public interface JobRunner {
  /**
   * @return the OIP JSON inference response
   * @throws io.mlsys.core.MlsysException as a synchronous call would: {@link
   *     io.mlsys.core.InvalidInputException} and {@link io.mlsys.core.ModelNotFoundException} fail
   *     the job at once; others (a model not ready, capacity, a remote's failure) are retried
   */
  byte[] run(Job job);
}
