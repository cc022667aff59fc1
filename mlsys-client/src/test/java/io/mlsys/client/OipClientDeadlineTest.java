package io.mlsys.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.client.StubServer.Answer;
import io.mlsys.core.CallContext;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.InferRequest;
import io.mlsys.core.Tensor;
import io.mlsys.testing.ManualClock;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The deadline and the trace id travel to the remote; a spent deadline sends nothing. */
class OipClientDeadlineTest {
  private static final InferRequest REQUEST =
      InferRequest.of(Tensor.ofFloats("x", new long[] {1}, 1f));

  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
  private final RecordingSleeper sleeper = new RecordingSleeper();
  private StubServer stub;
  private OipClient client;

  private OipClient client(StubServer server) {
    stub = server;
    client = OipClient.create(stub.baseUrl(), OipClientOptions.defaults().withSleeper(sleeper));
    return client;
  }

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
    if (stub != null) {
      stub.close();
    }
  }

  private StubServer.Recorded onlyRequest() {
    assertThat(stub.requests()).hasSize(1);
    return stub.requests().getFirst();
  }

  @Test
  void timeLeftIsSentInMilliseconds() {
    client(StubServer.answering(Answer.ok()))
        .infer("m", null, REQUEST, CallContext.of(clock).withTimeout(Duration.ofSeconds(30)));

    assertThat(onlyRequest().header("Mlsys-Timeout-Ms")).contains("30000");
  }

  @Test
  void partialMillisecondsAreRoundedUp() {
    Duration left = Duration.ofSeconds(30).plusNanos(1);

    client(StubServer.answering(Answer.ok()))
        .infer("m", null, REQUEST, CallContext.of(clock).withTimeout(left));

    assertThat(onlyRequest().header("Mlsys-Timeout-Ms")).contains("30001");
  }

  @Test
  void deadlineBeyondADayIsSentAsOneDay() {
    client(StubServer.answering(Answer.ok()))
        .infer("m", null, REQUEST, CallContext.of(clock).withTimeout(Duration.ofDays(3)));

    assertThat(onlyRequest().header("Mlsys-Timeout-Ms")).contains("86400000");
  }

  @Test
  void noDeadlineSendsNoTimeoutHeader() {
    client(StubServer.answering(Answer.ok())).infer("m", null, REQUEST, CallContext.of(clock));

    assertThat(onlyRequest().header("Mlsys-Timeout-Ms")).isEmpty();
  }

  @Test
  void traceIdIsSentAsTheRequestId() {
    CallContext context = new CallContext(clock, null, Map.of(), "trace-42", Map.of());

    client(StubServer.answering(Answer.ok())).infer("m", null, REQUEST, context);

    assertThat(onlyRequest().header("X-Request-Id")).contains("trace-42");
  }

  @Test
  void traceIdThatCannotBeAHeaderStaysLocal() {
    CallContext context = new CallContext(clock, null, Map.of(), "two words\n", Map.of());

    client(StubServer.answering(Answer.ok())).infer("m", null, REQUEST, context);

    assertThat(onlyRequest().header("X-Request-Id")).isEmpty();
  }

  @Test
  void spentDeadlineIsNotSent() {
    CallContext context = CallContext.of(clock).withTimeout(Duration.ofMillis(5));
    clock.advance(Duration.ofMillis(5));
    OipClient client = client(StubServer.answering(Answer.ok()));

    assertThatThrownBy(() -> client.infer("m", null, REQUEST, context))
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessageContaining("remote " + stub.baseUrl() + "/v2/models/m (before sending)");
    assertThat(stub.requests()).isEmpty();
  }

  @Test
  void spentDeadlineSendsNoProbeEither() {
    CallContext context = CallContext.of(clock).withTimeout(Duration.ZERO);
    OipClient client = client(StubServer.answering(Answer.json(200, "")));

    assertThatThrownBy(() -> client.isServerLive(context))
        .isInstanceOf(DeadlineExceededException.class);
    assertThat(stub.requests()).isEmpty();
  }

  @Test
  void noAnswerBeforeTheDeadlineIsDeadlineExceededWithoutRetry() {
    OipClient client = client(StubServer.hanging());
    CallContext context = CallContext.of(Clock.systemUTC()).withTimeout(Duration.ofMillis(200));

    assertThatThrownBy(() -> client.infer("m", null, REQUEST, context))
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessageContaining("no answer before the deadline");
    assertThat(sleeper.pauses()).isEmpty();
  }
}
