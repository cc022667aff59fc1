package io.mlsys.transform.spi;

import java.util.Map;

/**
 * Makes a custom transform step, found by {@link #name()} through {@link java.util.ServiceLoader}:
 * list the implementation in {@code META-INF/services/io.mlsys.transform.spi.TransformProvider} and
 * put its jar on the classpath; configure it with {@code custom: {name: ..., options: {...}}}.
 */
public interface TransformProvider {

  /** The name configurations use, e.g. {@code my-transform}. */
  String name();

  /**
   * Makes the step; called once when a pipeline is compiled.
   *
   * @param options the step's options as plain Java values (String, Long, Double, Boolean, List,
   *     Map)
   * @throws IllegalArgumentException with a message naming the bad option, e.g. {@code size: -1
   *     (expected: > 0)}
   */
  Transform create(Map<String, Object> options);
}
