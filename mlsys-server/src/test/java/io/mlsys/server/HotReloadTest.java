package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Reloading a model while clients keep calling it fails none of their requests. */
class HotReloadTest {
  private static final int CLIENTS = 4;
  private static final int RELOADS = 5;

  @TempDir Path dir;

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          () -> IrisComponentTest.startIris(dir, MlsysServerExtension.config()));

  @Test
  void reloadsUnderConcurrentRequestsFailNoRequest() throws Exception {
    HttpRequest infer =
        HttpRequest.newBuilder(server.uri("/v2/models/iris/infer"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    IrisComponentTest.inferBody("hot", IrisComponentTest.ROWS)))
            .build();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger served = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch everyClientServed = new CountDownLatch(CLIENTS);
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      clients.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    boolean counted = false;
                    while (running.get()) {
                      HttpResponse<String> response = server.send(infer);
                      if (response.statusCode() == 200) {
                        served.incrementAndGet();
                      } else {
                        failures.add(response.statusCode() + " " + response.body());
                      }
                      if (!counted) {
                        everyClientServed.countDown();
                        counted = true;
                      }
                    }
                  }));
    }
    assertThat(everyClientServed.await(30, TimeUnit.SECONDS)).isTrue();

    for (int i = 0; i < RELOADS; i++) {
      HttpResponse<String> reload = server.postJson("/v2/repository/models/iris/load", "");
      assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
    }
    int servedDuringReloads = served.get();
    running.set(false);
    for (Thread client : clients) {
      client.join();
    }

    assertThat(failures).isEmpty();
    assertThat(servedDuringReloads).isGreaterThan(CLIENTS);
    assertThat(server.get("/v2/models/iris/ready").statusCode()).isEqualTo(200);
  }
}
