package io.mlsys.resilience;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Durations;
import io.mlsys.config.Violations;
import io.mlsys.core.DataType;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.spi.DecoratorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What answers when a model cannot ({@code decorators: [{fallback: {...}}]}): when a call is
 * refused for one of the reasons in {@code on}, the steps are tried in order, the first that has an
 * answer gives it: (1) the prediction cache's kept answer to the same request, up to {@code
 * cache-max-staleness} past its freshness; (2) another served model, cheaper ({@code model}); (3) a
 * fixed answer ({@code default-outputs}). The answer's parameters say {@code "degraded": true},
 * {@code "fallback"} (which step answered: {@code cache}, the model's name or {@code default}) and
 * {@code "fallback-reason"}. When no step answers, the original refusal goes to the caller (429 or
 * 503 with {@code Retry-After}). A call past its deadline is never answered by a fallback.
 *
 * @param on the refusals that fall back: {@code circuit-open}, {@code overload} (503: a limit or
 *     queue full), {@code quota} (429: the caller's own rate), {@code deadline} (504), {@code
 *     failure} (the model failed: 500, 502, 503 not ready); at least one
 * @param cacheMaxStaleness how long past its freshness a cached answer may still be served; null
 *     for no cache step. The cache is the {@code cache} decorator of the same model
 * @param model the served model to ask instead; null for none. Its own fallback does not run for
 *     these calls (no chains of fallbacks)
 * @param defaultOutputs the fixed answer, one row of each output, repeated for each row of the
 *     request; empty for none
 */
public record FallbackOptions(
    List<Trigger> on, Duration cacheMaxStaleness, String model, List<DefaultOutput> defaultOutputs)
    implements DecoratorOptions {

  /** A refusal that makes the fallback answer. */
  public enum Trigger {
    CIRCUIT_OPEN,
    OVERLOAD,
    QUOTA,
    DEADLINE,
    FAILURE
  }

  public static final List<Trigger> DEFAULT_ON =
      List.of(Trigger.CIRCUIT_OPEN, Trigger.OVERLOAD, Trigger.QUOTA, Trigger.DEADLINE);

  static final String EXPECTED_ON =
      "a non-empty list of circuit-open, overload, quota, deadline, failure";
  static final String EXPECTED_STALENESS = Durations.EXPECTED + ", >= 0";

  /** What a fallback needs, for the message of one that has no step. */
  static final String EXPECTED_STEP =
      "at least one of cache-max-staleness, model and default-outputs";

  /**
   * One output of the fixed answer, for one row of the request.
   *
   * @param name the output's name
   * @param datatype its OIP datatype, such as FP32 or BYTES
   * @param shape one row's shape, without the batch dimension ({@code []} for one value per row)
   * @param data one row's values, row-major: numbers, true/false or text as the datatype takes
   */
  public record DefaultOutput(String name, String datatype, List<Long> shape, List<Object> data) {
    /**
     * @throws ConfigException listing every invalid field
     */
    public DefaultOutput {
      shape = shape == null ? List.of() : List.copyOf(shape);
      data = data == null ? List.of() : List.copyOf(data);
      Violations violations = new Violations();
      violations.name("name", name);
      DataType type = null;
      try {
        type = DataType.fromWireName(datatype, "datatype");
      } catch (InvalidInputException e) {
        violations.invalid("datatype", datatype, "an OIP datatype such as FP32, INT64 or BYTES");
      }
      long elements = 1;
      boolean shapeValid = true;
      for (Long dim : shape) {
        shapeValid &= dim != null && dim >= 0 && dim <= 1_000_000;
        elements = shapeValid ? elements * dim : elements;
      }
      shapeValid &= elements <= 1_000_000;
      violations.check(shapeValid, "shape", shape, "dimensions from 0 to 1000000, such as [3]");
      if (shapeValid) {
        violations.check(
            data.size() == elements,
            "data",
            data.size() + " values",
            elements + " values (the product of shape)");
      }
      if (type != null && violations.isEmpty()) {
        for (int i = 0; i < data.size(); i++) {
          String problem = DefaultAnswer.problem(type, data.get(i));
          if (problem != null) {
            violations.invalid("data[" + i + "]", data.get(i), problem);
          }
        }
      }
      violations.throwIfAny(null);
    }
  }

  /**
   * @throws ConfigException listing every invalid field
   */
  public FallbackOptions {
    on = on == null ? DEFAULT_ON : on;
    defaultOutputs = defaultOutputs == null ? List.of() : defaultOutputs;
    Violations violations = new Violations();
    violations.check(
        !on.isEmpty() && on.stream().allMatch(Objects::nonNull), "on", on, EXPECTED_ON);
    violations.check(
        defaultOutputs.stream().allMatch(Objects::nonNull),
        "default-outputs",
        defaultOutputs,
        "a list of outputs");
    violations.check(
        cacheMaxStaleness == null || !cacheMaxStaleness.isNegative(),
        "cache-max-staleness",
        cacheMaxStaleness,
        EXPECTED_STALENESS);
    violations.optionalName("model", model);
    List<String> names = new ArrayList<>();
    for (DefaultOutput output : defaultOutputs) {
      if (output != null) {
        names.add(output.name());
      }
    }
    violations.names("default-outputs", names, true);
    violations.throwIfAny(null);
    on = List.copyOf(on);
    defaultOutputs = List.copyOf(defaultOutputs);
  }

  /**
   * Every default: fall back on every refusal but failures, with no step yet (a model whose
   * fallback has no step fails to load saying so).
   */
  @ConfigDefaults
  public static FallbackOptions defaults() {
    return new FallbackOptions(DEFAULT_ON, null, null, List.of());
  }

  /** Whether any step is configured. */
  boolean hasSteps() {
    return cacheMaxStaleness != null || model != null || !defaultOutputs.isEmpty();
  }

  public FallbackOptions withOn(List<Trigger> newOn) {
    return new FallbackOptions(newOn, cacheMaxStaleness, model, defaultOutputs);
  }

  public FallbackOptions withCacheMaxStaleness(Duration newCacheMaxStaleness) {
    return new FallbackOptions(on, newCacheMaxStaleness, model, defaultOutputs);
  }

  public FallbackOptions withModel(String newModel) {
    return new FallbackOptions(on, cacheMaxStaleness, newModel, defaultOutputs);
  }

  public FallbackOptions withDefaultOutputs(List<DefaultOutput> newDefaultOutputs) {
    return new FallbackOptions(on, cacheMaxStaleness, model, newDefaultOutputs);
  }
}
