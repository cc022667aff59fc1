package io.mlsys.graph;

import io.mlsys.graph.spi.NodeKind;
import io.mlsys.graph.spi.NodeOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The node kinds graphs are built with, by name and by options record. */
final class NodeKinds {
  private final Map<String, NodeKind<?>> byName;
  private final Map<Class<?>, NodeKind<?>> byOptions;

  private NodeKinds(List<NodeKind<?>> kinds) {
    Map<String, NodeKind<?>> names = new LinkedHashMap<>();
    Map<Class<?>, NodeKind<?>> options = new LinkedHashMap<>();
    for (NodeKind<?> kind : kinds) {
      NodeKind<?> sameName = names.putIfAbsent(kind.name(), kind);
      if (sameName != null) {
        throw new IllegalStateException(
            "two node kinds are named '"
                + kind.name()
                + "': "
                + sameName.getClass().getName()
                + " and "
                + kind.getClass().getName());
      }
      NodeKind<?> sameOptions = options.putIfAbsent(kind.optionsType(), kind);
      if (sameOptions != null) {
        throw new IllegalStateException(
            "two node kinds take "
                + kind.optionsType().getName()
                + ": "
                + sameOptions.getClass().getName()
                + " and "
                + kind.getClass().getName());
      }
    }
    this.byName = names;
    this.byOptions = options;
  }

  /**
   * The kinds on the thread's context class loader ({@code META-INF/services/
   * io.mlsys.graph.spi.NodeKind}).
   *
   * @throws IllegalStateException when two kinds share a name or an options record
   */
  static NodeKinds installed() {
    List<NodeKind<?>> found = new ArrayList<>();
    for (NodeKind<?> kind : ServiceLoader.load(NodeKind.class)) {
      found.add(kind);
    }
    return of(found);
  }

  /**
   * These kinds.
   *
   * @throws IllegalStateException when two kinds share a name or an options record
   */
  static NodeKinds of(List<NodeKind<?>> kinds) {
    return new NodeKinds(kinds);
  }

  /** The kind whose options {@code options} are, or null when none is installed. */
  @SuppressWarnings("unchecked")
  <O extends NodeOptions> NodeKind<O> of(O options) {
    return (NodeKind<O>) byOptions.get(options.getClass());
  }

  /** Each kind's name and options record, in the order the kinds were found. */
  Map<String, Class<? extends NodeOptions>> options() {
    Map<String, Class<? extends NodeOptions>> options = new LinkedHashMap<>();
    byName.forEach((name, kind) -> options.put(name, kind.optionsType()));
    return Collections.unmodifiableMap(options);
  }

  /** The installed kinds' names, in the order they were found. */
  List<String> names() {
    return List.copyOf(byName.keySet());
  }
}
