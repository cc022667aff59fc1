package io.mlsys.graph;

import io.mlsys.config.ConfigBinder;
import io.mlsys.config.ConfigInline;
import io.mlsys.config.ConfigKind;
import io.mlsys.graph.spi.NodeKind;
import io.mlsys.graph.spi.NodeOptions;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/** The node kinds graphs are built with, by name and by options record. */
final class NodeKinds {
  private final Map<String, NodeKind<?>> byName;
  private final Map<Class<?>, NodeKind<?>> byOptions;

  /**
   * The keys a node's mapping holds besides its kind key: its own {@code timeout} and those of the
   * places it may sit in. A kind of one of these names could not be told from them.
   */
  static final Set<String> PLACE_KEYS =
      placeKeys(
          NodeConfig.class,
          SequenceOptions.Step.class,
          EnsembleOptions.Branch.class,
          SwitchOptions.Rule.class,
          CascadeOptions.Stage.class);

  private NodeKinds(List<NodeKind<?>> kinds) {
    Map<String, NodeKind<?>> names = new LinkedHashMap<>();
    Map<Class<?>, NodeKind<?>> options = new LinkedHashMap<>();
    for (NodeKind<?> kind : kinds) {
      if (PLACE_KEYS.contains(kind.name())) {
        throw new IllegalStateException(
            "the node kind "
                + kind.getClass().getName()
                + " is named '"
                + kind.name()
                + "', a key of the places nodes sit in (expected: a name other than "
                + String.join(", ", PLACE_KEYS)
                + ")");
      }
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

  private static Set<String> placeKeys(Class<?>... records) {
    Set<String> keys = new LinkedHashSet<>();
    for (Class<?> record : records) {
      for (RecordComponent component : record.getRecordComponents()) {
        if (!component.isAnnotationPresent(ConfigInline.class)
            && !component.isAnnotationPresent(ConfigKind.class)) {
          keys.add(ConfigBinder.keyOf(component));
        }
      }
    }
    return Collections.unmodifiableSet(keys);
  }

  /** The installed kinds' names, in the order they were found. */
  List<String> names() {
    return List.copyOf(byName.keySet());
  }
}
