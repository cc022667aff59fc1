package io.mlsys.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.config.ConfigException;
import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.CapacityExceededException;
import io.mlsys.core.Model;
import io.mlsys.core.QuotaExceededException;
import io.mlsys.core.Reservation;
import io.mlsys.core.spi.SharedResources;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.StubModel;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Token buckets per model (503) and per caller identity (429), on a manual clock. */
class RateLimitDecoratorTest {
  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SharedResources resources = SharedResources.create();
  private final StubModel stub =
      GuardTesting.model("ocr", (request, context) -> GuardTesting.echo("ocr", request));

  @AfterEach
  void tearDown() {
    resources.close();
  }

  private Model limited(RateLimitOptions options) {
    return GuardTesting.decorate(stub, clock, registry, resources, options);
  }

  private CallContext as(String caller) {
    return CallContext.of(clock).with(CallAttribute.CALLER, caller);
  }

  @Test
  void overTheModelsRateACallGets503WithTheTimeUntilTheNextToken() {
    Model model = limited(RateLimitOptions.defaults().withRequestsPerSecond(2, 0));
    model.infer(GuardTesting.rows(1), CallContext.of(clock));
    model.infer(GuardTesting.rows(1), CallContext.of(clock));

    assertThatThrownBy(() -> model.infer(GuardTesting.rows(1), CallContext.of(clock)))
        .isInstanceOfSatisfying(
            CapacityExceededException.class,
            e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(500)));

    clock.advance(Duration.ofMillis(500));
    model.infer(GuardTesting.rows(1), CallContext.of(clock));
    assertThat(stub.calls()).isEqualTo(3);
    assertThat(registry.get("mlsys.shed").tags("model", "ocr", "reason", "rate").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void aReservationSpendsTheTokensBeforeTheRequestIsReadAndTheCallDoesNotSpendThemAgain() {
    Model model = limited(RateLimitOptions.defaults().withRequestsPerSecond(1, 0));
    Reservation reservation = Reservation.create();
    model.reserve(reservation, CallContext.of(clock));

    assertThatThrownBy(() -> model.reserve(Reservation.create(), CallContext.of(clock)))
        .isInstanceOf(CapacityExceededException.class);
    model.infer(
        GuardTesting.rows(1), CallContext.of(clock).with(Reservation.ATTRIBUTE, reservation));
    assertThat(stub.calls()).isEqualTo(1);
    assertThat(reservation.held()).isZero();
  }

  @Test
  void aCallerOverItsOwnRateGets429AndOthersAreNotHeldBack() {
    Model model =
        limited(
            RateLimitOptions.defaults()
                .withPerCaller(new RateLimitOptions.Rate(1, 1))
                .withCallers(Map.of("batch-job", new RateLimitOptions.Rate(10, 3))));
    model.infer(GuardTesting.rows(1), as("alice"));

    assertThatThrownBy(() -> model.infer(GuardTesting.rows(1), as("alice")))
        .isInstanceOfSatisfying(
            QuotaExceededException.class,
            e -> {
              assertThat(e.quota()).contains("caller 'alice'", "1.0 requests per second");
              assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
            });
    model.infer(GuardTesting.rows(1), as("bob"));
    for (int i = 0; i < 3; i++) {
      model.infer(GuardTesting.rows(1), as("batch-job"));
    }
    assertThatThrownBy(() -> model.infer(GuardTesting.rows(1), as("batch-job")))
        .isInstanceOf(QuotaExceededException.class);
  }

  @Test
  void callsWithoutAKnownCallerShareTheAnonymousQuota() {
    Model model =
        limited(RateLimitOptions.defaults().withPerCaller(new RateLimitOptions.Rate(1, 1)));
    model.infer(GuardTesting.rows(1), CallContext.of(clock));

    assertThatThrownBy(() -> model.infer(GuardTesting.rows(1), CallContext.of(clock)))
        .isInstanceOfSatisfying(
            QuotaExceededException.class, e -> assertThat(e.quota()).contains("'anonymous'"));
  }

  @Test
  void aCallerOverItsQuotaDoesNotSpendTheModelsTokens() {
    Model model =
        limited(
            RateLimitOptions.defaults()
                .withRequestsPerSecond(2, 2)
                .withPerCaller(new RateLimitOptions.Rate(1, 1)));
    model.infer(GuardTesting.rows(1), as("alice"));
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> model.infer(GuardTesting.rows(1), as("alice")))
          .isInstanceOf(QuotaExceededException.class);
    }

    model.infer(GuardTesting.rows(1), as("bob"));
  }

  @Test
  void aRateMustBePositive() {
    assertThatThrownBy(() -> new RateLimitOptions.Rate(0, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("requests-per-second: 0.0 (expected: a number > 0");
  }
}
