/**
 * Batch prediction on Apache Spark: {@link io.mlsys.spark.SparkBatchJob} reads a CSV or Parquet
 * input with Spark, predicts each partition in batches through a model of a model repository
 * (loaded once per executor JVM by {@link io.mlsys.spark.ExecutorModels}) and lets Spark write the
 * predictions as CSV or Parquet. This module runs in a JVM of its own (spark-submit or {@code
 * scripts/batch-spark.sh}); no other mlsys module depends on it, which keeps Spark's dependency
 * tree out of the server and the CLI.
 */
package io.mlsys.spark;
