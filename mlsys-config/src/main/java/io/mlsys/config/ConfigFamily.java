package io.mlsys.config;

import java.util.Map;

/**
 * A family of kinds that config selects by key: graph node kinds, transforms, decorators. A record
 * component whose type is {@link #type()} is bound from a mapping with exactly one of {@link
 * #kinds()}'s names as a key (or from the plain name, for a kind whose options all have defaults),
 * and the value under that key is bound to the kind's options record.
 *
 * <p>Found through {@link java.util.ServiceLoader}: a module that owns an SPI of kinds (such as
 * {@code NodeKind}) registers one family that lists the SPI's installed providers, so a kind added
 * in any module is known to config without config knowing that module.
 *
 * @param <T> the type every options record of the family implements
 */
public interface ConfigFamily<T> {
  /** The type config components declare to hold one of the family's kinds. */
  Class<T> type();

  /** The installed kinds: name (the config key) to options record, in the order to document. */
  Map<String, Class<? extends T>> kinds();

  /** What one item of the family is called in messages, such as "a graph node". */
  String description();

  /**
   * How documentation names any item of the family, such as {@code <node>}: its kinds' keys are
   * listed once under it ({@code <node>.model.name}), wherever the family nests.
   */
  String placeholder();
}
