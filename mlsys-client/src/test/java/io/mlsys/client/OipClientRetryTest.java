package io.mlsys.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.client.StubServer.Answer;
import io.mlsys.core.CallContext;
import io.mlsys.core.CapacityExceededException;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import io.mlsys.core.UpstreamFailureException;
import io.mlsys.testing.ManualClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which answers are retried, how often, with which pauses, and what is thrown in the end. */
class OipClientRetryTest {
  private static final InferRequest REQUEST =
      InferRequest.of(Tensor.ofFloats("x", new long[] {1}, 1f));
  private static final Duration BACKOFF = Duration.ofMillis(25);

  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
  private final CallContext context = CallContext.of(clock);
  private final RecordingSleeper sleeper = new RecordingSleeper();
  private StubServer stub;
  private OipClient client;

  private OipClient client(URI baseUrl, int maxAttempts) {
    client =
        OipClient.create(
            baseUrl,
            OipClientOptions.defaults()
                .withMaxAttempts(maxAttempts)
                .withRetryBackoff(BACKOFF)
                .withClock(clock)
                .withSleeper(sleeper));
    return client;
  }

  private OipClient stubClient(int maxAttempts, Answer... answers) {
    stub = StubServer.answering(answers);
    return client(stub.baseUrl(), maxAttempts);
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

  @Test
  void twoAnswers503ThenA200AreRetriedWithABackoffEach() {
    OipClient client =
        stubClient(3, Answer.error(503, "busy"), Answer.error(503, "busy"), Answer.ok());

    InferResponse response = client.infer("m", null, REQUEST, context);

    assertThat(response.modelName()).isEqualTo("stub");
    assertThat(response.output("y").orElseThrow().floats()).containsExactly(0.5f);
    assertThat(stub.requests()).hasSize(3);
    assertThat(sleeper.pauses()).containsExactly(BACKOFF, BACKOFF);
  }

  @Test
  void refusedConnectionsAreRetriedThenAnUpstreamFailure() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    OipClient client = client(URI.create("http://127.0.0.1:" + closedPort), 3);

    assertThatThrownBy(() -> client.infer("m", null, REQUEST, context))
        .isInstanceOfSatisfying(
            UpstreamFailureException.class,
            e ->
                assertThat(e.upstream())
                    .isEqualTo("http://127.0.0.1:" + closedPort + "/v2/models/m"))
        .hasMessageContaining("no answer after 3 attempts")
        .hasMessageContaining("ConnectException");
    assertThat(sleeper.pauses()).containsExactly(BACKOFF, BACKOFF);
  }

  @Test
  void persistent502IsAnUpstreamFailureAfterEveryAttempt() {
    OipClient client = stubClient(2, Answer.error(502, "bad gateway upstream"));

    assertThatThrownBy(() -> client.infer("m", null, REQUEST, context))
        .isInstanceOf(UpstreamFailureException.class)
        .hasMessageContaining("HTTP 502 after 2 attempts: bad gateway upstream");
    assertThat(stub.requests()).hasSize(2);
  }

  @Test
  void persistent504IsADeadlineExceededAfterEveryAttempt() {
    OipClient client = stubClient(2, Answer.error(504, "deadline exceeded at model 'm'"));

    assertThatThrownBy(() -> client.infer("m", null, REQUEST, context))
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessageContaining("remote " + stub.baseUrl() + "/v2/models/m")
        .hasMessageContaining("deadline exceeded at model 'm'");
    assertThat(stub.requests()).hasSize(2);
  }

  @Test
  void answer500IsNotRetried() {
    OipClient client = stubClient(3, Answer.error(500, "model 'm' failed: boom"), Answer.ok());

    assertThatThrownBy(() -> client.infer("m", null, REQUEST, context))
        .isInstanceOf(UpstreamFailureException.class)
        .hasMessageContaining("HTTP 500: model 'm' failed: boom");
    assertThat(stub.requests()).hasSize(1);
    assertThat(sleeper.pauses()).isEmpty();
  }

  @Test
  void answer400IsNotRetried() {
    OipClient client = stubClient(3, Answer.error(400, "inputs[0].shape: bad"), Answer.ok());

    assertThatThrownBy(() -> client.infer("m", null, REQUEST, context))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("remote " + stub.baseUrl() + "/v2/models/m: inputs[0].shape: bad");
    assertThat(stub.requests()).hasSize(1);
  }

  @Test
  void answer429IsCapacityExceededWithTheRetryAfterAndNotRetried() {
    OipClient client =
        stubClient(3, Answer.error(429, "queue is full").withHeader("Retry-After", "7"));

    assertThatThrownBy(() -> client.infer("m", null, REQUEST, context))
        .isInstanceOfSatisfying(
            CapacityExceededException.class,
            e -> {
              assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
              assertThat(e.resource()).isEqualTo("remote " + stub.baseUrl() + "/v2/models/m");
            });
    assertThat(stub.requests()).hasSize(1);
  }

  @Test
  void retryAfterAsAnHttpDateIsReadAgainstTheClock() {
    String inThirtySeconds =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            clock.instant().plusSeconds(30).atZone(ZoneOffset.UTC));
    OipClient client =
        stubClient(1, Answer.error(429, "busy").withHeader("Retry-After", inThirtySeconds));

    assertThatThrownBy(() -> client.infer("m", null, REQUEST, context))
        .isInstanceOfSatisfying(
            CapacityExceededException.class,
            e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(30)));
  }

  @Test
  void noRetryWhenTheBackoffWouldReachTheDeadline() {
    stub = StubServer.answering(Answer.error(503, "busy"), Answer.ok());
    client =
        OipClient.create(
            stub.baseUrl(),
            OipClientOptions.defaults()
                .withMaxAttempts(3)
                .withRetryBackoff(Duration.ofSeconds(30))
                .withSleeper(sleeper));
    CallContext thirtySecondsLeft = context.withTimeout(Duration.ofSeconds(30));

    assertThatThrownBy(() -> client.infer("m", null, REQUEST, thirtySecondsLeft))
        .isInstanceOf(UpstreamFailureException.class)
        .hasMessageContaining("HTTP 503: busy");
    assertThat(stub.requests()).hasSize(1);
    assertThat(sleeper.pauses()).isEmpty();
  }

  @Test
  void retryWhenTheDeadlineLeavesRoomForTheBackoff() {
    OipClient client = stubClient(3, Answer.error(503, "busy"), Answer.ok());

    InferResponse response =
        client.infer("m", null, REQUEST, context.withTimeout(Duration.ofSeconds(30)));

    assertThat(response.modelName()).isEqualTo("stub");
    assertThat(stub.requests()).hasSize(2);
  }

  @Test
  void metadataIsRetriedLikeInference() {
    OipClient client =
        stubClient(
            2,
            Answer.error(503, "loading"),
            Answer.json(
                200,
                "{\"name\": \"m\", \"versions\": [\"4\"], \"platform\": \"p\", \"inputs\": [],"
                    + " \"outputs\": []}"));

    assertThat(client.metadata("m", null, context).version()).isEqualTo("4");
    assertThat(stub.requests()).hasSize(2);
  }

  @Test
  void probesAreNotRetried() {
    OipClient client = stubClient(3, Answer.error(503, "not ready"), Answer.json(200, "{}"));

    assertThat(client.isServerReady(context)).isFalse();
    assertThat(stub.requests()).hasSize(1);
  }
}
