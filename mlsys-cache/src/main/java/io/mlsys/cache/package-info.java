/**
 * The prediction cache: the {@code cache} model decorator ({@link
 * io.mlsys.cache.PredictionCacheDecorator}, options {@link io.mlsys.cache.PredictionCacheOptions})
 * keeps a model version's answers by a SHA-256 of model, version and canonical request, in process
 * (Caffeine) and in Redis (Lettuce, behind a breaker), runs identical concurrent misses once, and
 * keeps answers past their ttl for fallbacks ({@link io.mlsys.core.spi.StaleAnswers}). {@link
 * io.mlsys.cache.PredictionCaches} lists the live caches for the invalidation API and the gauges.
 */
package io.mlsys.cache;
