package io.mlsys.graph.spi;

import io.mlsys.core.TensorSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors that flow between nodes, without data: what a node gets and answers, for the checks
 * when a graph is built and for its signature.
 *
 * @param specs by name, in order
 * @param open whether tensors not in {@code specs} may exist too (a remote model, a model that is
 *     not ready): nothing is reported about a tensor an open flow does not know
 */
public record Flow(Map<String, TensorSpec> specs, boolean open) {

  /** Nothing known: anything may be there. */
  public static final Flow UNKNOWN = new Flow(Map.of(), true);

  public Flow {
    specs = Collections.unmodifiableMap(new LinkedHashMap<>(specs));
  }

  /** Exactly these tensors. */
  public static Flow closed(List<TensorSpec> specs) {
    Map<String, TensorSpec> map = new LinkedHashMap<>();
    for (TensorSpec spec : specs) {
      map.put(spec.name(), spec);
    }
    return new Flow(map, false);
  }

  /** The spec of {@code name}, or null when the flow does not know it. */
  public TensorSpec spec(String name) {
    return specs.get(name);
  }

  /**
   * What one of several alternatives answers (the routes of a switch, the branches of a race): the
   * tensors every one answers alike; open when they differ or one is not known.
   */
  public static Flow anyOf(List<Flow> alternatives) {
    if (alternatives.isEmpty()) {
      return UNKNOWN;
    }
    Flow first = alternatives.getFirst();
    Map<String, TensorSpec> specs = new LinkedHashMap<>(first.specs());
    boolean open = first.open();
    for (Flow out : alternatives.subList(1, alternatives.size())) {
      open |= out.open() || !out.specs().keySet().equals(specs.keySet());
      specs
          .entrySet()
          .removeIf(
              entry -> {
                TensorSpec other = out.specs().get(entry.getKey());
                return other == null || other.datatype() != entry.getValue().datatype();
              });
    }
    return new Flow(specs, open);
  }

  /** The spec under another name (the same one when the name is its own). */
  public static TensorSpec renamed(TensorSpec spec, String name) {
    return spec.name().equals(name)
        ? spec
        : new TensorSpec(name, spec.datatype(), spec.shape(), spec.classes(), spec.parameters());
  }
}
