package io.mlsys.graph.spi;

import io.mlsys.core.TensorSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * What a node reads from what it gets, without data: tensor names, each with the spec its reader
 * needs or none when any datatype will do. Built up by a node's {@link Node#reads}; not
 * thread-safe.
 */
public final class Demand {
  private final Map<String, TensorSpec> tensors = new LinkedHashMap<>();
  private boolean open;

  /** Reads nothing (yet). */
  public Demand() {}

  /** May read anything: the reader is not known. */
  public static Demand unknown() {
    Demand demand = new Demand();
    demand.open = true;
    return demand;
  }

  /**
   * Adds a tensor read, with the spec it is read as (null: any datatype); the spec takes the
   * tensor's name. A typed read replaces an untyped one; otherwise the first one added stays.
   */
  public void add(String name, TensorSpec spec) {
    if (!tensors.containsKey(name) || (tensors.get(name) == null && spec != null)) {
      tensors.put(name, spec == null ? null : Flow.renamed(spec, name));
    }
  }

  /** Adds every read of {@code other}, and its openness. */
  public void addAll(Demand other) {
    other.tensors.forEach(this::add);
    open |= other.open;
  }

  /** Takes a read out, returning its spec (null when untyped or not read). */
  public TensorSpec remove(String name) {
    return tensors.remove(name);
  }

  /** Takes out every read; openness stays. */
  public void clear() {
    tensors.clear();
  }

  /** Marks that anything else may be read too. */
  public void markOpen() {
    open = true;
  }

  /** Whether tensors not listed may be read too. */
  public boolean isOpen() {
    return open;
  }

  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  /** The spec {@code name} is read as; null when it is read as any datatype or not read. */
  public TensorSpec spec(String name) {
    return tensors.get(name);
  }

  /** The names read, in the order they were added. */
  public Set<String> names() {
    return Collections.unmodifiableSet(tensors.keySet());
  }

  /** Every read in order, with its spec or null. */
  public void forEach(BiConsumer<String, TensorSpec> action) {
    tensors.forEach(action);
  }
}
