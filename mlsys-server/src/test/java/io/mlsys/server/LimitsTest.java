package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import io.mlsys.resilience.LimitsConfig;
import io.mlsys.server.config.ServerConfig;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.StubModel;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code server.limits} end to end: the element limit, the memory budget and the in-flight limit
 * with shedding (503 + Retry-After), and the default deadline.
 */
class LimitsTest {
  private static final long BUDGET = 100_000;

  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  /** Blocks a request of more than one row until the test releases it; answers one row at once. */
  private final StubModel blocking =
      new StubModel(
          Stubs.metadata("blocking", "1"),
          (request, context) -> {
            long rows = request.inputs().getFirst().batchSize();
            if (rows > 1) {
              entered.countDown();
              await(release);
            }
            long[] labels = new long[(int) rows];
            return new InferResponse(
                "blocking",
                "1",
                request.id(),
                List.of(Tensor.ofLongs("output_label", new long[] {rows}, labels)),
                Map.of());
          });

  /** Takes 31 seconds of the test's clock: past the default deadline of 30. */
  private final StubModel slow =
      new StubModel(
          Stubs.metadata("slow", "1"),
          (request, context) -> {
            clock.advance(Duration.ofSeconds(31));
            return new InferResponse("slow", "1", request.id(), request.inputs(), Map.of());
          });

  private final TestRepository repository = new TestRepository().add(blocking).add(slow);

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .repository(repository)
                  .clock(clock)
                  .config(
                      MlsysServerExtension.config()
                          .withDefaultTimeout(ServerConfig.defaults().defaultTimeout())
                          .withLimits(
                              LimitsConfig.defaults()
                                  .withMaxRequestElements(4_000)
                                  .withMemoryBudgetBytes(BUDGET)
                                  .withMaxInFlight(3)
                                  .withMaxQueueWait(Duration.ZERO))));

  @AfterEach
  void releaseBlocked() {
    release.countDown();
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(1, TimeUnit.MINUTES)) {
        throw new IllegalStateException("not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A V2 request of {@code rows} rows of four FP32 values. */
  static String rows(int rows) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < rows * 4; i++) {
      data.append(i == 0 ? "" : ", ").append("1.5");
    }
    return "{\"inputs\": [{\"name\": \"float_input\", \"shape\": ["
        + rows
        + ", 4], \"datatype\": \"FP32\", \"data\": ["
        + data
        + "]}]}";
  }

  private HttpResponse<String> infer(String model, String body) {
    return server.postJson("/v2/models/" + model + "/infer", body);
  }

  private static String error(HttpResponse<String> response) {
    return Stubs.json(response.body()).get("error").asText();
  }

  @Test
  void aRequestOverTheElementLimitIs400NamingTheInputAndTheLimit() {
    HttpResponse<String> response = infer("blocking", rows(1001));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response))
        .isEqualTo(
            "inputs[0] (float_input): 4004 elements (expected: at most 4000 tensor elements in a"
                + " request, server.limits.max-request-elements)");
    assertThat(blocking.calls()).isZero();
  }

  @Test
  void aV1RequestOverTheElementLimitIs400() {
    StringBuilder instances = new StringBuilder();
    for (int i = 0; i < 1001; i++) {
      instances.append(i == 0 ? "" : ", ").append("[1, 2, 3, 4]");
    }

    HttpResponse<String> response =
        server.postJson("/v1/models/blocking:predict", "{\"instances\": [" + instances + "]}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response)).contains("server.limits.max-request-elements");
  }

  @Test
  void overTheMemoryBudgetALargeRequestIsShedWhileASmallOneGoesThrough() throws Exception {
    // 1000 rows: about 56 kB estimated (body, input, outputs), over half the 100 kB budget.
    CompletableFuture<HttpResponse<String>> first =
        CompletableFuture.supplyAsync(() -> infer("blocking", rows(1000)));
    assertThat(entered.await(1, TimeUnit.MINUTES)).isTrue();

    HttpResponse<String> second = infer("blocking", rows(1000));
    HttpResponse<String> small = infer("blocking", rows(1));

    assertThat(second.statusCode()).isEqualTo(503);
    assertThat(second.headers().firstValue("retry-after")).hasValue("1");
    assertThat(error(second)).startsWith("server (").contains("bytes of the memory budget in use");
    assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
    release.countDown();
    assertThat(first.get(1, TimeUnit.MINUTES).statusCode()).isEqualTo(200);
    assertThat(infer("blocking", rows(1000)).statusCode()).isEqualTo(200);
  }

  @Test
  void overTheInFlightLimitARequestIsShedWith503AndRetryAfter() throws Exception {
    CompletableFuture<HttpResponse<String>> first =
        CompletableFuture.supplyAsync(() -> infer("blocking", rows(2)));
    assertThat(entered.await(1, TimeUnit.MINUTES)).isTrue();
    CompletableFuture<HttpResponse<String>> second =
        CompletableFuture.supplyAsync(() -> infer("blocking", rows(2)));
    CompletableFuture<HttpResponse<String>> third =
        CompletableFuture.supplyAsync(() -> infer("blocking", rows(2)));
    while (blocking.calls() < 3) {
      Thread.onSpinWait();
    }

    HttpResponse<String> fourth = infer("blocking", rows(1));

    assertThat(fourth.statusCode()).isEqualTo(503);
    assertThat(fourth.headers().firstValue("retry-after")).hasValue("1");
    assertThat(error(fourth))
        .isEqualTo(
            "server (3 requests in flight (the limit)) is at capacity (retry after 1000 ms)");
    release.countDown();
    for (CompletableFuture<HttpResponse<String>> call : List.of(first, second, third)) {
      assertThat(call.get(1, TimeUnit.MINUTES).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aRequestWithNoDeadlineGetsTheDefaultOfThirtySecondsAnd504PastIt() {
    Instant start = clock.instant();

    HttpResponse<String> response = infer("slow", InferTest.ROW);

    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(error(response)).isEqualTo("deadline exceeded at model 'slow'");
    assertThat(clock.instant()).isEqualTo(start.plusSeconds(31));
  }
}
