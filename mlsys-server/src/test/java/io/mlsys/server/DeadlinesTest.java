package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Span;
import io.mlsys.core.TraceContext;
import io.mlsys.server.config.Role;
import io.mlsys.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
  private static final Span SPAN =
      Span.untraced(
          new TraceContext("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true, null));
  private final Deadlines deadlines = new Deadlines(clock, Duration.ofSeconds(30));
  private final Deadlines noDefault = new Deadlines(clock, null);

  @Test
  void timeoutParameterIsMicroseconds() {
    CallContext context =
        deadlines.context(Map.of("timeout", 2_500L), Optional.empty(), Map.of(), "r1", null, SPAN);

    assertThat(context.deadline()).isEqualTo(Instant.parse("2026-01-01T00:00:00.0025Z"));
  }

  @Test
  void timeoutHeaderIsMilliseconds() {
    CallContext context =
        deadlines.context(Map.of(), Optional.of("250"), Map.of(), "r1", null, SPAN);

    assertThat(context.deadline()).isEqualTo(Instant.parse("2026-01-01T00:00:00.250Z"));
  }

  @Test
  void earlierOfParameterAndHeaderWins() {
    Duration timeout = deadlines.timeout(Map.of("timeout", 1_000_000L), Optional.of("100"));

    assertThat(timeout).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void defaultTimeoutAppliesWhenRequestSetsNone() {
    assertThat(deadlines.timeout(Map.of(), Optional.empty())).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void noDeadlineWithoutTimeoutOrDefault() {
    CallContext context = noDefault.context(Map.of(), Optional.empty(), Map.of(), "r1", null, SPAN);

    assertThat(context.deadline()).isNull();
  }

  @Test
  void contextCarriesTraceIdHeadersAndClock() {
    CallContext context =
        noDefault.context(Map.of(), Optional.empty(), Map.of("X-User", "u1"), "req-7", null, SPAN);

    assertThat(context.traceId()).isEqualTo("req-7");
    assertThat(context.header("x-user")).hasValue("u1");
    assertThat(context.clock()).isSameAs(clock);
  }

  @Test
  void contextCarriesTheRequestIdAndTheCallerAsAttributes() {
    CallContext anonymous =
        noDefault.context(Map.of(), Optional.empty(), Map.of(), "req-8", null, SPAN);
    CallContext known =
        noDefault.context(
            Map.of(), Optional.empty(), Map.of(), "req-9", new Identity("alice", Role.INFER), SPAN);

    assertThat(anonymous.attribute(CallAttribute.REQUEST_ID)).contains("req-8");
    assertThat(anonymous.attribute(CallAttribute.SPAN)).contains(SPAN);
    assertThat(known.attribute(CallAttribute.SPAN)).contains(SPAN);
    assertThat(anonymous.attribute(CallAttribute.CALLER)).isEmpty();
    assertThat(known.attribute(CallAttribute.REQUEST_ID)).contains("req-9");
    assertThat(known.attribute(CallAttribute.CALLER)).contains("alice");
  }

  @Test
  void integralDoubleParameterIsAccepted() {
    assertThat(deadlines.timeout(Map.of("timeout", 1000.0), Optional.empty()))
        .isEqualTo(Duration.ofMillis(1));
  }

  @Test
  void stringParameterIsRejectedNamingTheParameter() {
    assertThatThrownBy(() -> deadlines.timeout(Map.of("timeout", "soon"), Optional.empty()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("parameters.timeout: 'soon' (expected: a positive integer");
  }

  @Test
  void fractionalParameterIsRejected() {
    assertThatThrownBy(() -> deadlines.timeout(Map.of("timeout", 1.5), Optional.empty()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("parameters.timeout: 1.5");
  }

  @Test
  void zeroParameterIsRejected() {
    assertThatThrownBy(() -> deadlines.timeout(Map.of("timeout", 0L), Optional.empty()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("parameters.timeout: 0 (expected");
  }

  @Test
  void parameterBeyondOneDayIsRejected() {
    assertThatThrownBy(
            () -> deadlines.timeout(Map.of("timeout", 86_400_000_001L), Optional.empty()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at most 86400000000");
  }

  @Test
  void nonNumericHeaderIsRejectedNamingTheHeader() {
    assertThatThrownBy(() -> deadlines.timeout(Map.of(), Optional.of("1s")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("header Mlsys-Timeout-Ms: '1s' (expected: a positive integer");
  }

  @Test
  void negativeHeaderIsRejected() {
    assertThatThrownBy(() -> deadlines.timeout(Map.of(), Optional.of("-5")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("header Mlsys-Timeout-Ms: '-5'");
  }
}
