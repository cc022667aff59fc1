/**
 * Batch prediction: rows of a file predicted in chunks through an in-process {@link
 * io.mlsys.core.Predictor}, written in place with a checkpoint per chunk ({@link BatchRun}).
 */
package io.mlsys.batch;
