package io.mlsys.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallContextTest {
  /** mlsys-testing's ManualClock depends on core, so core's own tests carry this small one. */
  private static final class SteppedClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration step) {
      now = now.plus(step);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final SteppedClock clock = new SteppedClock();

  @Test
  void lazyHeadersAreMadeOnceAndOnlyWhenRead() {
    java.util.concurrent.atomic.AtomicInteger made =
        new java.util.concurrent.atomic.AtomicInteger();
    CallContext context =
        new CallContext(
            Clock.systemUTC(),
            null,
            CallContext.lazyHeaders(
                () -> {
                  made.incrementAndGet();
                  return Map.of("X-Unit", "u1", "accept", "*/*");
                }),
            "t",
            Map.of());
    CallContext derived = context.withTimeout(Duration.ofSeconds(1));
    assertThat(made).hasValue(0);
    assertThat(derived.headers()).isSameAs(context.headers());

    assertThat(derived.header("X-UNIT")).contains("u1");
    assertThat(context.headers()).containsOnlyKeys("x-unit", "accept");
    assertThat(made).hasValue(1);
  }

  @Test
  void noDeadlineNeverExpires() {
    CallContext context = CallContext.of(clock);
    clock.advance(Duration.ofDays(365));

    assertThat(context.isExpired()).isFalse();
    assertThat(context.remaining()).isEmpty();
  }

  @Test
  void remainingShrinksWithTheClockAndNeverGoesNegative() {
    CallContext context = CallContext.of(clock).withTimeout(Duration.ofMillis(100));
    clock.advance(Duration.ofMillis(40));
    assertThat(context.remaining()).contains(Duration.ofMillis(60));

    clock.advance(Duration.ofMillis(100));
    assertThat(context.remaining()).contains(Duration.ZERO);
    assertThat(context.isExpired()).isTrue();
  }

  @Test
  void checkDeadlineNamesTheStep() {
    CallContext context = CallContext.of(clock).withTimeout(Duration.ofMillis(1));
    clock.advance(Duration.ofMillis(1));

    assertThatThrownBy(() -> context.checkDeadline("graphs.iris.steps[1]"))
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessage("deadline exceeded at graphs.iris.steps[1]");
  }

  @Test
  void aLongerTimeoutNeverExtendsTheDeadline() {
    CallContext tight = CallContext.of(clock).withTimeout(Duration.ofMillis(10));

    assertThat(tight.withTimeout(Duration.ofSeconds(5)).deadline()).isEqualTo(tight.deadline());
    assertThat(tight.withTimeout(Duration.ofMillis(5)).deadline())
        .isEqualTo(clock.instant().plusMillis(5));
  }

  @Test
  void headersAreCaseInsensitive() {
    CallContext context =
        new CallContext(clock, null, Map.of("X-User-Id", "u-42"), "trace-1", Map.of());

    assertThat(context.header("x-user-id")).contains("u-42");
    assertThat(context.header("X-USER-ID")).contains("u-42");
    assertThat(context.header("other")).isEmpty();
  }

  @Test
  void headerGivenInTwoCasesKeepsOneValue() {
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    headers.put("X-Id", "a");
    headers.put("x-id", "b");

    CallContext context = new CallContext(clock, null, headers, "trace-2", Map.of());

    assertThat(context.headers()).hasSize(1).containsKey("x-id");
  }

  @Test
  void aContextWithoutAttributesHasNone() {
    CallContext context = CallContext.of(clock);

    assertThat(context.attributes()).isEmpty();
    assertThat(context.attribute(CallAttribute.REQUEST_ID)).isEmpty();
  }

  @Test
  void withAddsAnAttributeToANewContextOnly() {
    CallContext caller = CallContext.of(clock).with(CallAttribute.REQUEST_ID, "r-1");

    CallContext branch = caller.with(CallAttribute.GRAPH_PATH, "iris.steps[0]");

    assertThat(branch.attribute(CallAttribute.REQUEST_ID)).contains("r-1");
    assertThat(branch.attribute(CallAttribute.GRAPH_PATH)).contains("iris.steps[0]");
    assertThat(caller.attribute(CallAttribute.GRAPH_PATH)).isEmpty();
  }

  @Test
  void withReplacesTheValueOfAKey() {
    CallContext context =
        CallContext.of(clock)
            .with(CallAttribute.EXPERIMENT_ARM, "a")
            .with(CallAttribute.EXPERIMENT_ARM, "b");

    assertThat(context.attribute(CallAttribute.EXPERIMENT_ARM)).contains("b");
    assertThat(context.attributes()).hasSize(1);
  }

  @Test
  void withTheValueItAlreadyHasIsTheSameContext() {
    CallContext context = CallContext.of(clock).with(CallAttribute.CALLER, "alice");

    assertThat(context.with(CallAttribute.CALLER, "alice")).isSameAs(context);
  }

  @Test
  void attributesAreTypedAndKeysCompareByIdentity() {
    CallAttribute<Integer> retries = CallAttribute.of("retries", Integer.class);
    CallAttribute<Integer> otherRetries = CallAttribute.of("retries", Integer.class);

    CallContext context = CallContext.of(clock).with(retries, 2);

    assertThat(context.attribute(retries)).contains(2);
    assertThat(context.attribute(otherRetries)).isEmpty();
    assertThat(retries).hasToString("retries");
  }

  @Test
  void aValueOfAnotherTypeThanItsKeyIsRefused() {
    Map<CallAttribute<?>, Object> attributes = Map.of(CallAttribute.UNIT_KEY, 42);

    assertThatThrownBy(() -> new CallContext(clock, null, Map.of(), "t", attributes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("attribute unit-key: a java.lang.Integer (expected: a java.lang.String)");
  }

  @Test
  void attributesAndHeadersSurviveANarrowerDeadline() {
    CallContext context =
        new CallContext(clock, null, Map.of("x-tier", "gold"), "t", Map.of())
            .with(CallAttribute.CALLER, "alice")
            .withTimeout(Duration.ofMillis(5));

    assertThat(context.attribute(CallAttribute.CALLER)).contains("alice");
    assertThat(context.header("x-tier")).contains("gold");
    assertThat(context.deadline()).isEqualTo(clock.instant().plusMillis(5));
  }

  @Test
  void derivingAContextKeepsItsLowerCaseHeadersAsTheyAre() {
    CallContext context = new CallContext(clock, null, Map.of("X-Tier", "gold"), "t", Map.of());

    assertThat(context.with(CallAttribute.CALLER, "alice").headers()).isSameAs(context.headers());
  }
}
