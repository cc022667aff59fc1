package io.mlsys.registry;

import java.time.Instant;
import java.util.Map;

/**
 * A registered model: a name under which versions are registered.
 *
 * @param aliases alias to the version it points to
 */
public record RegisteredModel(
    String name,
    String description,
    String owner,
    Map<String, String> tags,
    Map<String, Long> aliases,
    Instant created,
    Instant updated) {

  public RegisteredModel {
    tags = tags == null ? Map.of() : Map.copyOf(tags);
    aliases = aliases == null ? Map.of() : Map.copyOf(aliases);
  }
}
