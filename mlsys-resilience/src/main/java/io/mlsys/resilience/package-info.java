/**
 * Decorators around a {@link io.mlsys.core.Predictor} that protect a model or make better use of
 * it: {@link io.mlsys.resilience.DynamicBatcher} queues concurrent requests and runs compatible
 * ones as one batch.
 */
package io.mlsys.resilience;
