package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import inference.GRPCInferenceServiceGrpc;
import inference.GrpcPredictV2.ModelInferResponse;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import io.mlsys.testing.StubModel;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that goes away before its answer is written (a dropped connection, a cancelled stream)
 * leaves no warning and no stack trace in the log: it is the client's own doing.
 */
class ClientDisconnectLogTest {
  private static final int ROWS = 200_000;

  private final CountDownLatch release = new CountDownLatch(1);
  private final Semaphore entered = new Semaphore(0);

  /** Waits for the test, then answers a few MB, more than the socket buffers take. */
  private final StubModel slow =
      new StubModel(
          Stubs.metadata("slow", "1"),
          (request, context) -> {
            entered.release();
            try {
              release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return new InferResponse(
                "slow",
                "1",
                request.id(),
                List.of(
                    Tensor.ofFloats(
                        "output_probability", new long[] {ROWS, 3}, new float[ROWS * 3])),
                Map.of());
          });

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder -> builder.repository(new TestRepository().add(slow)).grpcPort(0));

  private final LogRecorder logs = new LogRecorder("");

  @BeforeEach
  void capture() {
    logs.start();
  }

  @AfterEach
  void release() {
    release.countDown();
    logs.stop();
  }

  private void awaitIdle() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    // The scrape itself is the one request in flight once the others are done.
    String idle = "mlsys_requests_in_flight 1.0";
    String metrics;
    while (!(metrics = server.get("/metrics").body()).contains(idle)
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(metrics).contains(idle);
  }

  @Test
  void restClientGoneBeforeTheAnswerLeavesNoTrace() throws Exception {
    String body =
        "{\"inputs\":[{\"name\":\"float_input\",\"shape\":[1,4],\"datatype\":\"FP32\","
            + "\"data\":[1,2,3,4]}]}";
    for (int i = 0; i < 3; i++) {
      try (Socket socket = new Socket("127.0.0.1", server.port())) {
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /v2/models/slow/infer HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: "
                    + body.length()
                    + "\r\n\r\n"
                    + body)
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(entered.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
        socket.setSoLinger(true, 0); // a reset, as a killed client sends
      }
    }
    release.countDown();
    awaitIdle();

    assertThat(logs.warnings()).isEmpty();
    assertThat(logs.withStackTrace()).isEmpty();
  }

  @Test
  void grpcCallsCancelledInFlightLeaveNoTrace() throws Exception {
    ManagedChannel channel = GrpcInferenceServiceTest.connect(server.server());
    try {
      Context.CancellableContext client = Context.current().withCancellation();
      for (int i = 0; i < 20; i++) {
        client.run(
            () ->
                GRPCInferenceServiceGrpc.newStub(channel)
                    .modelInfer(
                        GrpcInferenceServiceTest.fp32Request("slow", "float_input", 1, 2, 3, 4),
                        new StreamObserver<ModelInferResponse>() {
                          @Override
                          public void onNext(ModelInferResponse value) {}

                          @Override
                          public void onError(Throwable t) {}

                          @Override
                          public void onCompleted() {}
                        }));
      }
      assertThat(entered.tryAcquire(20, 30, TimeUnit.SECONDS)).isTrue();
      client.cancel(null);
      release.countDown();
      awaitIdle();
    } finally {
      GrpcInferenceServiceTest.disconnect(channel);
    }

    assertThat(logs.warnings()).isEmpty();
    assertThat(logs.withStackTrace()).isEmpty();
  }
}
