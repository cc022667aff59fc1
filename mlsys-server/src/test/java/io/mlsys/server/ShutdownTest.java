package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.InferResponse;
import io.mlsys.testing.StubModel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Graceful stop: no new connections, in-flight requests finish, then the repository closes. */
class ShutdownTest {
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  private final StubModel blocking =
      new StubModel(
          Stubs.metadata("iris", "1"),
          (request, context) -> {
            entered.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException("interrupted while blocked", e);
            }
            return new InferResponse("iris", "1", request.id(), request.inputs(), Map.of());
          });

  private final TestRepository repository = new TestRepository().add(blocking);

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(builder -> builder.repository(repository));

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void inFlightRequestFinishesWith200WhileTheServerStops() throws Exception {
    int port = server.port();
    CompletableFuture<HttpResponse<String>> inFlight =
        server
            .client()
            .sendAsync(
                HttpRequest.newBuilder(server.uri("/v2/models/iris/infer"))
                    .POST(HttpRequest.BodyPublishers.ofString(InferTest.ROW))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    Thread stopper = Thread.ofPlatform().start(() -> server.server().stop());
    long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (accepts(port) && System.nanoTime() < giveUp) {
      Thread.onSpinWait();
    }
    assertThat(accepts(port)).as("accepting connections while stopping").isFalse();
    assertThat(repository.isClosed()).as("repository closed with a request in flight").isFalse();

    release.countDown();
    HttpResponse<String> response = inFlight.get(10, TimeUnit.SECONDS);
    stopper.join(Duration.ofSeconds(10));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Stubs.json(response.body()).get("model_name").asText()).isEqualTo("iris");
    assertThat(stopper.isAlive()).isFalse();
    assertThat(repository.isClosed()).isTrue();
  }
}
