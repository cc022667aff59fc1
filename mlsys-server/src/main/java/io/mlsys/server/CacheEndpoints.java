package io.mlsys.server;

import io.helidon.http.Method;
import io.mlsys.cache.PredictionCaches;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelNames;
import io.mlsys.core.ResourceNotFoundException;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/**
 * The prediction cache's endpoint: {@code DELETE /v2/models/{m}/cache} (role {@code manage})
 * empties every loaded version's cache of the model, in process and in Redis (every version's
 * keys), and answers {@code {"model": "iris", "entries": n, "redis_keys": k}}. A model without a
 * cache is 404; a Redis that cannot be emptied is 502 (the in-process entries are gone by then).
 */
final class CacheEndpoints {
  static final String PATH = "/v2/models/{model}/cache";
  private static final Logger LOG = Logger.getLogger(CacheEndpoints.class.getName());

  private final PredictionCaches caches;

  /**
   * @param caches the server's caches; null when the server keeps none (every model is then 404)
   */
  CacheEndpoints(PredictionCaches caches) {
    this.caches = caches;
  }

  void addTo(RouteTable routes) {
    routes.add(Method.DELETE, PATH, Protocol.MANAGEMENT, Access.MANAGE, this::invalidate);
  }

  Reply invalidate(Exchange exchange) {
    String model = exchange.pathParameter("model");
    if (!ModelNames.isValidName(model)) {
      throw new InvalidInputException("model", "not a model name");
    }
    if (caches == null) {
      throw new ResourceNotFoundException(
          "model '"
              + model
              + "' has no prediction cache loaded (expected: a model with a cache"
              + " decorator)");
    }
    PredictionCaches.Invalidation done = caches.invalidate(model);
    LOG.info(
        "prediction cache of "
            + model
            + " emptied by "
            + GraphEndpoints.caller(exchange)
            + ": "
            + done.entries()
            + " entries in process, "
            + done.redisKeys()
            + " keys in Redis");
    return Reply.json(
        ("{\"model\":\""
                + model
                + "\",\"entries\":"
                + done.entries()
                + ",\"redis_keys\":"
                + done.redisKeys()
                + "}")
            .getBytes(StandardCharsets.UTF_8));
  }
}
