package io.mlsys.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Helpers for OIP parameter maps, whose values are strings, booleans, integers or doubles. */
public final class Parameters {
  /**
   * Response parameter of an answer that is not the model's own (a fallback's: a stale cached
   * answer, a cheaper model, a fixed default): {@code true}. Such an answer must not be cached as
   * the model's.
   */
  public static final String DEGRADED = "degraded";

  private Parameters() {}

  /** Whether an answer says it is {@link #DEGRADED}. */
  public static boolean isDegraded(Map<String, Object> parameters) {
    return Boolean.TRUE.equals(parameters.get(DEGRADED));
  }

  /**
   * An unmodifiable copy that keeps insertion order, with integers widened to Long and floats to
   * Double.
   *
   * @throws InvalidInputException naming {@code field} when a value is not a string, boolean or
   *     number
   */
  public static Map<String, Object> copyOf(Map<String, ?> parameters, String field) {
    if (parameters == null || parameters.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> copy = new LinkedHashMap<>(parameters.size() * 2);
    for (Map.Entry<String, ?> entry : parameters.entrySet()) {
      Object value = entry.getValue();
      Object normalized =
          switch (value) {
            case String s -> s;
            case Boolean b -> b;
            case Long l -> l;
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case Double d -> d;
            case Float f -> f.doubleValue();
            case null, default ->
                throw new InvalidInputException(
                    field + "." + entry.getKey(),
                    (value == null ? "null" : value.getClass().getSimpleName())
                        + " (expected: a string, boolean or number)");
          };
      copy.put(entry.getKey(), normalized);
    }
    return Collections.unmodifiableMap(copy);
  }

  /**
   * The parameters of an inner answer with one key that an outer node or decorator adds, by the one
   * rule for nested graphs: a key the inner answer lacks is added; a text key it has too is joined
   * outermost first with {@code /} (an outer switch's route {@code premium} over an inner one's
   * {@code svc} is {@code premium/svc}, the path the call took); a boolean is true when either is
   * (a {@code degraded} step anywhere degrades the answer); any other value replaces the inner one.
   */
  public static Map<String, Object> withAdded(Map<String, Object> inner, String key, Object value) {
    Map<String, Object> merged = new LinkedHashMap<>(inner.size() + 2);
    merged.putAll(inner);
    merged.merge(
        key,
        value,
        (innerValue, outerValue) ->
            switch (outerValue) {
              case String outer when innerValue instanceof String in -> outer + "/" + in;
              case Boolean outer when innerValue instanceof Boolean in -> outer || in;
              default -> outerValue;
            });
    return merged;
  }

  /**
   * Adds the parameters of one of several children to {@code into}, each key qualified by the
   * child's name ({@code versicolor.route}), so that a node that combines several answers (an
   * ensemble) still shows what happened inside each.
   */
  public static void addQualified(
      Map<String, Object> into, String child, Map<String, Object> inner) {
    inner.forEach((key, value) -> into.put(child + "." + key, value));
  }

  /** A boolean parameter: true, false, or the strings "true"/"false". */
  public static boolean flag(Map<String, Object> parameters, String name, boolean defaultValue) {
    Object value = parameters.get(name);
    return switch (value) {
      case null -> defaultValue;
      case Boolean b -> b;
      case String s when s.equalsIgnoreCase("true") -> true;
      case String s when s.equalsIgnoreCase("false") -> false;
      default ->
          throw new InvalidInputException(
              "parameters." + name, value + " (expected: true or false)");
    };
  }
}
