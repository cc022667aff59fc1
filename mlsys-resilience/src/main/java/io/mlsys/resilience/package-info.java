/**
 * Decorators around a {@link io.mlsys.core.Predictor} that protect a model or make better use of
 * it: {@link io.mlsys.resilience.DynamicBatcher} queues concurrent requests and runs compatible
 * ones as one batch ({@link io.mlsys.resilience.BatchingDecorator} makes it the {@code batching}
 * model decorator, and {@link io.mlsys.resilience.DecoratorFamily} lets config name every installed
 * decorator kind); {@link io.mlsys.resilience.AdmissionControl} bounds the work in flight and sheds
 * what cannot be admitted in time.
 */
package io.mlsys.resilience;
