package io.mlsys.features;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mlsys.graph.spi.Place;
import java.util.Locale;

/**
 * The meters of one {@code features} node, tagged with its graph and its path in the graph: the
 * rows it was served by tier ({@code memory} and {@code redis} are cache hits, {@code source} a
 * miss), the time each call's fetch took, the features by status, and the calls that failed. Meters
 * with the same tags are shared across generations, so the counts go on over a reload.
 */
final class FeatureNodeMetrics {
  private final Counter[] rows = new Counter[FeatureStore.Tier.values().length];
  private final Counter[] statuses = new Counter[FeatureStatus.values().length];
  private final Timer fetch;
  private final Counter failures;

  FeatureNodeMetrics(MeterRegistry registry, Place place) {
    String graph = place.graph();
    String node = place.path();
    for (FeatureStore.Tier tier : FeatureStore.Tier.values()) {
      rows[tier.ordinal()] =
          Counter.builder("mlsys.features.rows")
              .description(
                  "Entity rows a features node was served, by tier: memory and redis are cache"
                      + " hits, source a miss")
              .tags("graph", graph, "node", node, "tier", tier.label())
              .register(registry);
    }
    for (FeatureStatus status : FeatureStatus.values()) {
      statuses[status.ordinal()] =
          Counter.builder("mlsys.features.values")
              .description("Feature values a features node served, by status")
              .tags("graph", graph, "node", node, "status", status.name().toLowerCase(Locale.ROOT))
              .register(registry);
    }
    fetch =
        Timer.builder("mlsys.features.fetch")
            .description("Time a features node took to get the rows of one call, every tier")
            .tags("graph", graph, "node", node)
            .register(registry);
    failures =
        Counter.builder("mlsys.features.failures")
            .description("Calls of a features node whose rows could not be fetched (source down)")
            .tags("graph", graph, "node", node)
            .register(registry);
  }

  void fetched(long nanos) {
    fetch.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  void failed() {
    failures.increment();
  }

  void rows(FeatureStore.Tier tier, long count) {
    rows[tier.ordinal()].increment(count);
  }

  void values(FeatureStatus status, long count) {
    statuses[status.ordinal()].increment(count);
  }
}
