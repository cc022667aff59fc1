package io.mlsys.core;

import java.util.List;
import java.util.Objects;

/**
 * The features a graph node fetched for one call, as {@link CallAttribute#FEATURES} carries them to
 * what runs after it (the prediction log records them with the call's event).
 *
 * @param node the path of the node that fetched them, such as {@code graphs.churn.features}
 * @param names the feature names, in the column order of the tensor the node built
 * @param entities one per entity id of the call, in request order
 */
public record FetchedFeatures(String node, List<String> names, List<Entity> entities) {

  public FetchedFeatures {
    Objects.requireNonNull(node, "node");
    names = List.copyOf(names);
    entities = List.copyOf(entities);
  }

  /**
   * The features of one entity.
   *
   * @param id the entity id as the request gave it
   * @param values one per feature name; the configured missing value where a feature is not present
   * @param statuses one per feature name, feature-store style: {@code PRESENT}, {@code NULL_VALUE},
   *     {@code NOT_FOUND}, {@code OUTSIDE_MAX_AGE}
   * @param servedFrom where the vector came from: {@code memory}, {@code redis} or {@code source}
   */
  public record Entity(String id, List<Double> values, List<String> statuses, String servedFrom) {
    public Entity {
      Objects.requireNonNull(id, "id");
      values = List.copyOf(values);
      statuses = List.copyOf(statuses);
      Objects.requireNonNull(servedFrom, "servedFrom");
    }
  }
}
