package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.CallContext;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.StubModel;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Deadlines end to end, with a clock the test moves. */
class DeadlineTest {
  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
  private final AtomicReference<CallContext> seen = new AtomicReference<>();

  /** Takes 2 seconds of the test's clock. */
  private final StubModel slow =
      new StubModel(
          Stubs.metadata("slow", "1"),
          (request, context) -> {
            seen.set(context);
            clock.advance(Duration.ofSeconds(2));
            return new InferResponse("slow", "1", request.id(), request.inputs(), Map.of());
          });

  private final TestRepository repository = new TestRepository().add(slow);

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .repository(repository)
                  .clock(clock)
                  .config(MlsysServerExtension.config(1 << 20, Duration.ofSeconds(5))));

  private HttpResponse<String> inferWithHeader(String timeoutMs) {
    return server.send(
        HttpRequest.newBuilder(server.uri("/v2/models/slow/infer"))
            .header("Mlsys-Timeout-Ms", timeoutMs)
            .POST(HttpRequest.BodyPublishers.ofString(InferTest.ROW))
            .build());
  }

  @Test
  void answerAfterTheHeaderDeadlineIs504() {
    HttpResponse<String> response = inferWithHeader("1000");

    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(Stubs.json(response.body()).get("error").asText())
        .isEqualTo("deadline exceeded at model 'slow'");
  }

  @Test
  void answerWithinTheHeaderDeadlineIs200() {
    HttpResponse<String> response = inferWithHeader("3000");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(seen.get().deadline()).isEqualTo(Instant.parse("2026-01-01T00:00:03Z"));
  }

  @Test
  void timeoutParameterInMicrosecondsSetsTheDeadline() {
    String body =
        InferTest.ROW.replace("{\"id\"", "{\"parameters\": {\"timeout\": 1500000}, \"id\"");

    HttpResponse<String> response = server.postJson("/v2/models/slow/infer", body);

    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(seen.get().deadline()).isEqualTo(Instant.parse("2026-01-01T00:00:01.500Z"));
  }

  @Test
  void defaultTimeoutAppliesWithoutHeaderOrParameter() {
    HttpResponse<String> response = server.postJson("/v2/models/slow/infer", InferTest.ROW);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(seen.get().deadline()).isEqualTo(Instant.parse("2026-01-01T00:00:05Z"));
  }

  @Test
  void v1PredictHonoursTheHeaderDeadline() {
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/v1/models/slow:predict"))
                .header("Mlsys-Timeout-Ms", "1000")
                .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [[1, 2, 3, 4]]}"))
                .build());

    assertThat(response.statusCode()).isEqualTo(504);
  }

  @Test
  void requestAlreadyPastItsDeadlineIsNotRun() {
    CallContext expired =
        new CallContext(clock, clock.instant().minusMillis(1), Map.of(), "late", Map.of());
    InferRequest request = new InferRequest(null, List.of(), List.of(), Map.of());

    assertThatThrownBy(() -> InferenceEndpoints.invoke("slow", slow, request, expired))
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessage("deadline exceeded at model 'slow' (before inference)");
    assertThat(slow.calls()).isZero();
  }
}
