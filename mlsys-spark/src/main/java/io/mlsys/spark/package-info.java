/**
 * Batch prediction on Apache Spark: {@link io.mlsys.spark.SparkBatchJob} runs the job file of
 * {@code mlsys batch run} (or a flag form): Spark reads the rows (CSV, JSONL, Parquet, a JDBC table
 * or query), each partition is checked, parsed and predicted in batches through a model of a model
 * repository (loaded once per executor JVM by {@link io.mlsys.spark.ExecutorModels}), and Spark
 * writes the predictions and the rejected rows (CSV, JSONL, Parquet, a table). This module runs in
 * a JVM of its own (spark-submit or {@code scripts/batch-spark.sh}); no other mlsys module depends
 * on it, which keeps Spark's dependency tree out of the server and the CLI.
 */
package io.mlsys.spark;
