package io.mlsys.graph;

import io.mlsys.config.Durations;
import io.mlsys.core.InvalidInputException;
import io.mlsys.graph.Graphs.ParameterChange;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The runtime parameters of one graph: their definitions (path, kind, slot) and the current {@link
 * ParameterSnapshot}, replaced as a whole on every change.
 */
final class RuntimeParameters {

  /** What a parameter holds. */
  enum Kind {
    ACTIVE,
    WEIGHT,
    THRESHOLD,
    TIMEOUT
  }

  /** One parameter: its path relative to the graph and its slot in the state arrays. */
  record Definition(String path, Kind kind, int slot) {}

  /**
   * The weights of one weighted-mean ensemble, which may not all be 0.
   *
   * @param path the ensemble's parameter path, for messages
   */
  record WeightGroup(String path, int[] slots) {}

  private final String graph;
  private final List<Definition> definitions;
  private final Map<String, Definition> byPath;
  private final List<WeightGroup> weightGroups;
  private volatile ParameterSnapshot current;

  private RuntimeParameters(
      String graph,
      List<Definition> definitions,
      List<WeightGroup> weightGroups,
      ParameterSnapshot initial) {
    this.graph = graph;
    this.definitions = List.copyOf(definitions);
    this.weightGroups = List.copyOf(weightGroups);
    Map<String, Definition> index = HashMap.newHashMap(definitions.size());
    for (Definition definition : definitions) {
      index.put(definition.path(), definition);
    }
    this.byPath = index;
    this.current = initial;
  }

  ParameterSnapshot current() {
    return current;
  }

  /** Path to value, in node order. */
  Map<String, Object> values() {
    ParameterSnapshot state = current;
    Map<String, Object> values = new LinkedHashMap<>();
    for (Definition definition : definitions) {
      values.put(definition.path(), value(state, definition));
    }
    return Collections.unmodifiableMap(values);
  }

  /** Applies every change or none; see {@link Graphs#setParameters}. */
  synchronized List<ParameterChange> set(
      Map<String, Object> changes, String who, Clock clock, System.Logger auditLog) {
    ParameterSnapshot before = current;
    boolean[] active = before.copyOfActive();
    double[] numbers = before.copyOfNumbers();
    Duration[] timeouts = before.copyOfTimeouts();
    List<Definition> changed = new ArrayList<>();
    for (Map.Entry<String, Object> change : changes.entrySet()) {
      Definition definition = byPath.get(change.getKey());
      String field = "parameters." + change.getKey();
      if (definition == null) {
        throw new InvalidInputException(
            field,
            "unknown parameter of graph '"
                + graph
                + "' (expected: one of "
                + byPath.keySet().stream().sorted().toList()
                + ")");
      }
      Object value = change.getValue();
      int slot = definition.slot();
      switch (definition.kind()) {
        case ACTIVE -> active[slot] = flag(field, value);
        case WEIGHT -> numbers[slot] = weight(field, value);
        case THRESHOLD -> numbers[slot] = threshold(field, value);
        case TIMEOUT -> timeouts[slot] = timeout(field, value);
      }
      changed.add(definition);
    }
    for (WeightGroup group : weightGroups) {
      double sum = 0;
      for (int slot : group.slots()) {
        sum += numbers[slot];
      }
      if (sum <= 0) {
        throw new InvalidInputException(
            "parameters." + group.path(),
            "every branch weight would be 0 (expected: at least one weight > 0 for weighted-mean)");
      }
    }
    ParameterSnapshot after = new ParameterSnapshot(active, numbers, timeouts);
    Instant at = clock.instant();
    List<ParameterChange> applied = new ArrayList<>();
    for (Definition definition : changed) {
      Object oldValue = value(before, definition);
      Object newValue = value(after, definition);
      if (!Objects.equals(oldValue, newValue)) {
        applied.add(new ParameterChange(graph, definition.path(), oldValue, newValue, who, at));
      }
    }
    if (!applied.isEmpty()) {
      current = after;
      for (ParameterChange change : applied) {
        auditLog.log(
            Level.INFO,
            "graph parameter changed: graph="
                + graph
                + " path="
                + change.path()
                + " old="
                + change.oldValue()
                + " new="
                + change.newValue()
                + " who="
                + who
                + " at="
                + at);
      }
    }
    return List.copyOf(applied);
  }

  private static Object value(ParameterSnapshot state, Definition definition) {
    int slot = definition.slot();
    return switch (definition.kind()) {
      case ACTIVE -> state.active(slot);
      case WEIGHT, THRESHOLD -> state.number(slot);
      case TIMEOUT -> {
        Duration timeout = state.timeout(slot);
        yield timeout == null ? null : Durations.format(timeout);
      }
    };
  }

  private static boolean flag(String field, Object value) {
    return switch (value) {
      case Boolean b -> b;
      case String s when s.equalsIgnoreCase("true") -> true;
      case String s when s.equalsIgnoreCase("false") -> false;
      case null, default -> throw invalid(field, value, "true or false");
    };
  }

  private static double weight(String field, Object value) {
    if (value instanceof Number number
        && Double.isFinite(number.doubleValue())
        && number.doubleValue() >= 0) {
      return number.doubleValue();
    }
    throw invalid(field, value, "a finite number >= 0");
  }

  private static double threshold(String field, Object value) {
    if (value instanceof Number number && Double.isFinite(number.doubleValue())) {
      return number.doubleValue();
    }
    throw invalid(field, value, "a finite number");
  }

  private static Duration timeout(String field, Object value) {
    Duration parsed =
        switch (value) {
          case null -> null;
          case Duration d -> d;
          case String s -> Durations.parse(s).orElseThrow(() -> invalid(field, value, EXPECTED));
          default -> throw invalid(field, value, EXPECTED);
        };
    if (parsed != null && (parsed.isNegative() || parsed.isZero())) {
      throw invalid(field, value, EXPECTED);
    }
    return parsed;
  }

  private static final String EXPECTED =
      "a positive duration such as 250ms, 2s or PT2S, or null for none";

  private static InvalidInputException invalid(String field, Object value, String expected) {
    String shown = value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    return new InvalidInputException(field, shown + " (expected: " + expected + ")");
  }

  /** Collects definitions while a graph is compiled. */
  static final class Builder {
    private final String graph;
    private final List<Definition> definitions = new ArrayList<>();
    private final List<WeightGroup> weightGroups = new ArrayList<>();
    private final List<Boolean> active = new ArrayList<>();
    private final List<Double> numbers = new ArrayList<>();
    private final List<Duration> timeouts = new ArrayList<>();

    Builder(String graph) {
      this.graph = graph;
    }

    int active(String path, boolean initial) {
      active.add(initial);
      return define(path, Kind.ACTIVE, active.size() - 1);
    }

    int weight(String path, double initial) {
      numbers.add(initial);
      return define(path, Kind.WEIGHT, numbers.size() - 1);
    }

    int threshold(String path, double initial) {
      numbers.add(initial);
      return define(path, Kind.THRESHOLD, numbers.size() - 1);
    }

    int timeout(String path, Duration initial) {
      timeouts.add(initial);
      return define(path, Kind.TIMEOUT, timeouts.size() - 1);
    }

    void weightGroup(String path, int[] slots) {
      weightGroups.add(new WeightGroup(path, slots.clone()));
    }

    private int define(String path, Kind kind, int slot) {
      definitions.add(new Definition(path, kind, slot));
      return slot;
    }

    RuntimeParameters build() {
      boolean[] activeValues = new boolean[active.size()];
      for (int i = 0; i < activeValues.length; i++) {
        activeValues[i] = active.get(i);
      }
      double[] numberValues = new double[numbers.size()];
      for (int i = 0; i < numberValues.length; i++) {
        numberValues[i] = numbers.get(i);
      }
      return new RuntimeParameters(
          graph,
          definitions,
          weightGroups,
          new ParameterSnapshot(activeValues, numberValues, timeouts.toArray(new Duration[0])));
    }
  }
}
