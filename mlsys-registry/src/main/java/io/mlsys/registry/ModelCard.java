package io.mlsys.registry;

import java.util.List;

/**
 * What a person needs to know before using a model version.
 *
 * @param purpose what it predicts and for what use
 * @param inputs each input feature, what it means and its unit
 * @param owner who answers for it
 * @param limitations where it must not be trusted
 */
public record ModelCard(String purpose, List<Input> inputs, String owner, String limitations) {

  public ModelCard {
    inputs = inputs == null ? List.of() : List.copyOf(inputs);
  }

  /**
   * @param name feature or tensor name
   * @param description what it is
   * @param unit its unit (e.g. {@code cm}); null when it has none
   */
  public record Input(String name, String description, String unit) {}
}
