package io.mlsys.features;

import io.mlsys.graph.NodeConfig;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Finds the {@code features} nodes of a graph's config, wherever they stand (a sequence step, an
 * ensemble branch, a switch route, inside another features node), for the warm-up command. Walks
 * the option records by their components, so it knows no other kind.
 */
public final class FeatureNodes {
  private FeatureNodes() {}

  /**
   * A features node and its config path.
   *
   * @param path such as {@code graphs.churn.sequence.lookup.features}
   */
  public record Found(String path, FeaturesOptions options) {}

  /** Every features node under {@code root}, in config order. */
  public static List<Found> find(NodeConfig root, String path) {
    List<Found> found = new ArrayList<>();
    walk(root, path, found);
    return found;
  }

  private static void walk(Object value, String path, List<Found> found) {
    switch (value) {
      case null -> {}
      case FeaturesOptions features -> {
        found.add(new Found(path + ".features", features));
        walk(features.node(), path + ".features.node", found);
      }
      case NodeConfig node -> walk(node.options(), path, found);
      case Map<?, ?> map -> map.forEach((key, item) -> walk(item, path + "." + key, found));
      case Collection<?> items -> {
        int i = 0;
        for (Object item : items) {
          walk(item, path + "[" + i++ + "]", found);
        }
      }
      case Record record -> {
        for (RecordComponent component : record.getClass().getRecordComponents()) {
          try {
            Object child = component.getAccessor().invoke(record);
            String key =
                component
                    .getName()
                    .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                    .toLowerCase(java.util.Locale.ROOT);
            walk(
                child,
                value instanceof io.mlsys.graph.spi.NodeOptions ? path + "." + key : path,
                found);
          } catch (ReflectiveOperationException | RuntimeException e) {
            // A component that cannot be read holds no node config.
          }
        }
      }
      default -> {}
    }
  }
}
