package io.mlsys.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.core.CallContext;
import io.mlsys.core.CircuitOpenException;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Model;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.QuotaExceededException;
import io.mlsys.core.spi.SharedResources;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.StubModel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The breaker opens, refuses, probes and closes on a manual clock: no test sleeps. */
class CircuitBreakerDecoratorTest {
  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SharedResources resources = SharedResources.create();

  /** What the model does next: null answers, else this is thrown. */
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

  private final AtomicReference<Duration> takes = new AtomicReference<>(Duration.ofMillis(5));
  private final StubModel stub =
      GuardTesting.model(
          "ocr",
          (request, context) -> {
            clock.advance(takes.get());
            RuntimeException error = failure.get();
            if (error != null) {
              throw error;
            }
            return GuardTesting.echo("ocr", request);
          });

  /** Judged over the last 10 s once 4 calls are in; half failing opens it for 2 s; 2 probes. */
  private static final CircuitBreakerOptions OPTIONS =
      CircuitBreakerOptions.defaults()
          .withWindow(Duration.ofSeconds(10), 4)
          .withSlowCalls(Duration.ofMillis(100), 0.5)
          .withOpenFor(Duration.ofSeconds(2), 2);

  private final Model model = GuardTesting.decorate(stub, clock, registry, resources, OPTIONS);

  @AfterEach
  void tearDown() {
    model.close();
    resources.close();
  }

  private void call() {
    model.infer(GuardTesting.rows(1), CallContext.of(clock));
  }

  private void failCalls(int count) {
    failure.set(new ModelExecutionException("ocr", "boom", null));
    for (int i = 0; i < count; i++) {
      assertThatThrownBy(this::call).isInstanceOf(ModelExecutionException.class);
    }
    failure.set(null);
  }

  private double state() {
    return registry.get("mlsys.circuit.state").tag("model", "ocr").gauge().value();
  }

  @Test
  void failuresOpenItAndTheOpenBreakerRefusesWithoutCallingTheModel() {
    call();
    call();
    failCalls(2);
    assertThat(state()).isEqualTo(1.0);
    int calls = stub.calls();

    assertThatThrownBy(this::call)
        .isInstanceOfSatisfying(
            CircuitOpenException.class,
            e -> {
              assertThat(e.circuit()).isEqualTo("ocr");
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
            });
    assertThat(stub.calls()).isEqualTo(calls);
  }

  @Test
  void afterOpenForProbesGoThroughAndCloseIt() {
    failCalls(4);
    clock.advance(Duration.ofMillis(1500));
    assertThatThrownBy(this::call)
        .isInstanceOfSatisfying(
            CircuitOpenException.class,
            e -> assertThat(e.retryAfter()).contains(Duration.ofMillis(500)));

    // Resilience4j lets probes through once open-for has passed, strictly after.
    clock.advance(Duration.ofMillis(501));
    call();
    assertThat(state()).isEqualTo(2.0);
    call();

    assertThat(state()).isEqualTo(0.0);
    call();
    assertThat(
            registry
                .get("mlsys.circuit.transitions")
                .tags("model", "ocr", "to", "closed")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void aFailedProbeOpensItAgain() {
    failCalls(4);
    clock.advance(Duration.ofMillis(2001));

    failCalls(2);

    assertThat(state()).isEqualTo(1.0);
    assertThatThrownBy(this::call).isInstanceOf(CircuitOpenException.class);
  }

  @Test
  void callsSlowerThanTheObjectiveOpenIt() {
    takes.set(Duration.ofMillis(150));
    call();
    call();
    takes.set(Duration.ofMillis(5));
    call();
    call();

    assertThat(state()).isEqualTo(1.0);
    assertThatThrownBy(this::call).isInstanceOf(CircuitOpenException.class);
  }

  @Test
  void theCallersMistakesAndQuotasAreNotFailures() {
    failure.set(new InvalidInputException("x", "bad"));
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(this::call).isInstanceOf(InvalidInputException.class);
    }
    failure.set(new QuotaExceededException("ci", Duration.ofSeconds(1)));
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(this::call).isInstanceOf(QuotaExceededException.class);
    }
    failure.set(null);

    call();
    assertThat(state()).isEqualTo(0.0);
  }

  @Test
  void failuresOlderThanTheWindowAreForgotten() {
    call();
    failCalls(1);
    clock.advance(Duration.ofSeconds(11));

    call();
    call();
    call();
    failCalls(1);

    assertThat(state()).isEqualTo(0.0);
  }

  @Test
  void aWindowOfCallsJudgesTheLastCalls() {
    Model byCalls =
        GuardTesting.decorate(
            GuardTesting.model(
                "counted",
                (request, context) -> {
                  RuntimeException error = failure.get();
                  if (error != null) {
                    throw error;
                  }
                  return GuardTesting.echo("counted", request);
                }),
            clock,
            registry,
            resources,
            OPTIONS.withWindowCalls(4, 4));
    CallContext context = CallContext.of(clock);
    for (int i = 0; i < 10; i++) {
      byCalls.infer(GuardTesting.rows(1), context);
    }
    // Long after, the calls still count (a window of calls has no age): two failures of four.
    clock.advance(Duration.ofHours(1));
    failure.set(new ModelExecutionException("counted", "boom", null));
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> byCalls.infer(GuardTesting.rows(1), context))
          .isInstanceOf(ModelExecutionException.class);
    }

    assertThatThrownBy(() -> byCalls.infer(GuardTesting.rows(1), context))
        .isInstanceOf(CircuitOpenException.class);
    byCalls.close();
  }
}
