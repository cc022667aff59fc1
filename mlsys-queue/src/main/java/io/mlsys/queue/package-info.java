/**
 * Asynchronous inference jobs. Job state and results live in the store ({@code jobs} owner) for
 * every backend; a {@link io.mlsys.queue.JobQueue} only delivers job ids to workers, at least once.
 * Completion is idempotent (a job leaves a non-final state once), so redelivery after a worker died
 * never gives a job two results.
 */
package io.mlsys.queue;
