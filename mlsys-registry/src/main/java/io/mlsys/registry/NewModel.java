package io.mlsys.registry;

import java.util.Map;

/** What {@link ModelRegistry#createModel} creates. */
public record NewModel(String name, String description, String owner, Map<String, String> tags) {
  public NewModel {
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }
}
