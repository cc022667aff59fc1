package io.mlsys.features;

import io.mlsys.graph.spi.GraphNode;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.NodeCompiler;
import io.mlsys.graph.spi.NodeKind;
import io.mlsys.redis.RedisConnections;

/**
 * {@code features}: the data cache pattern as a graph node. Nodes of a generation with the same
 * source, features and cache share one {@link FeatureStore} (one pool, one cache), closed with the
 * generation.
 */
public final class FeaturesKind implements NodeKind<FeaturesOptions> {

  /** What makes two nodes share a store: everything but the entity, output and child. */
  private record StoreKey(
      FeatureSourceConfig source,
      java.util.List<String> features,
      FeaturesOptions.EntityType entityType,
      java.time.Duration maxAge,
      FeatureCacheConfig cache) {}

  @Override
  public String name() {
    return "features";
  }

  @Override
  public Class<FeaturesOptions> optionsType() {
    return FeaturesOptions.class;
  }

  @Override
  public Node compile(FeaturesOptions options, NodeCompiler compiler) {
    GraphNode child =
        options.node() == null
            ? null
            : compiler.child(options.node(), compiler.place().child("features.node"));
    FeatureStore store =
        compiler.shared(
            new StoreKey(
                options.source(),
                options.features(),
                options.entityType(),
                options.maxAge(),
                options.cache()),
            FeatureStore.class,
            () ->
                FeatureStore.open(
                    options,
                    compiler.options().clock(),
                    RedisConnections.shared(compiler.options().resources())));
    return new FeaturesNode(
        compiler.place(),
        options,
        store,
        child,
        new FeatureNodeMetrics(compiler.options().meterRegistry(), compiler.place()));
  }
}
