package io.mlsys.cache;

import io.mlsys.core.Model;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.ModelDecorator;
import io.mlsys.core.spi.StaleAnswers;
import io.mlsys.redis.RedisConnections;

/**
 * The {@code cache} decorator: the model behind a prediction cache ({@link
 * PredictionCacheOptions}): in process (Caffeine), and with {@code redis:} over a shared Redis tier
 * (Lettuce). Each loaded version gets its own cache, keyed by its version, so a new version or a
 * reload never answers from another's entries; the old version's entries are dropped when it
 * closes. A change of the served version also empties the model's in-process entries on the other
 * servers on its Redis, and a reload of the same version deletes its Redis entries ({@link
 * PredictionCaches}).
 *
 * <p>Written in config as {@code decorators: [{cache: {ttl: 60s}}]}. Listed before {@code
 * batching}, hits are answered without queueing.
 */
public final class PredictionCacheDecorator implements ModelDecorator<PredictionCacheOptions> {
  /** The kind's name in config. */
  public static final String KIND = "cache";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<PredictionCacheOptions> optionsType() {
    return PredictionCacheOptions.class;
  }

  @Override
  public Model decorate(Model model, PredictionCacheOptions options, DecoratorContext context) {
    PredictionCaches caches =
        context
            .resources()
            .computeIfAbsent(
                PredictionCaches.class, () -> new PredictionCaches(context.meterRegistry()));
    StaleAnswers stale = context.resources().computeIfAbsent(StaleAnswers.class, StaleAnswers::new);
    RedisConnections.Connection redis =
        options.redis() == null
            ? null
            : RedisConnections.shared(context.resources()).connection(options.redis());
    return new CachedModel(
        model,
        options,
        context.modelName(),
        context.modelVersion(),
        context.clock(),
        caches,
        stale,
        redis);
  }
}
