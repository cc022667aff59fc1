package io.mlsys.resilience;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mlsys.core.spi.DecoratorContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load shedding, circuit breaking and fallbacks as metrics, as Prometheus names them: {@code
 * mlsys_shed_total{model, reason}} (calls refused without running: {@code concurrency}, {@code
 * queue-wait}, {@code deadline}, {@code rate}, {@code caller-rate}), {@code
 * mlsys_circuit_state{model}} (0 closed, 1 open, 2 half-open), {@code
 * mlsys_circuit_transitions_total{model, to}} and {@code mlsys_fallback_total{model, fallback,
 * outcome}} ({@code fallback} is {@code cache}, {@code model} or {@code default}; a cheaper model
 * is tagged {@code model}, not by its name, and {@code outcome} is {@code answered} or {@code
 * missed}). Model names come from the configuration, so the series are bounded.
 *
 * <p>One per meter registry (a {@link io.mlsys.core.spi.SharedResources} entry): a gauge holds its
 * value weakly, so the values outlive the model version whose breaker set them last.
 */
final class SheddingMetrics {
  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> states = new ConcurrentHashMap<>();

  SheddingMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void shed(String model, String reason) {
    Counter.builder("mlsys.shed")
        .description("Calls refused by a limit without running")
        .tag("model", model)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  void circuitState(String model, int state) {
    states
        .computeIfAbsent(
            model,
            name -> {
              AtomicInteger value = new AtomicInteger();
              Gauge.builder("mlsys.circuit.state", value, AtomicInteger::get)
                  .description("Circuit breaker state: 0 closed, 1 open, 2 half-open")
                  .tag("model", name)
                  .register(registry);
              return value;
            })
        .set(state);
  }

  void circuitTransition(String model, String to) {
    Counter.builder("mlsys.circuit.transitions")
        .description("Circuit breaker state changes")
        .tag("model", model)
        .tag("to", to)
        .register(registry)
        .increment();
  }

  void fallback(String model, String fallback, boolean answered) {
    Counter.builder("mlsys.fallback")
        .description("Fallback steps tried when the model could not answer")
        .tag("model", model)
        .tag("fallback", fallback)
        .tag("outcome", answered ? "answered" : "missed")
        .register(registry)
        .increment();
  }

  static SheddingMetrics of(DecoratorContext context) {
    return context
        .resources()
        .computeIfAbsent(SheddingMetrics.class, () -> new SheddingMetrics(context.meterRegistry()));
  }
}
