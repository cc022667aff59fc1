package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import inference.GRPCInferenceServiceGrpc;
import inference.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import inference.GrpcPredictV2.ModelInferRequest;
import inference.GrpcPredictV2.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.mlsys.server.config.ServerConfig;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.StubModel;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One JSON line per request (HTTP or gRPC call) on the {@code mlsys.access} logger. */
class AccessLogComponentTest {
  private final Logger logger = Logger.getLogger(MlsysServer.ACCESS_LOGGER);
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          lines.add(record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private Level savedLevel;

  private final ManualClock clock = ManualClock.startingAt("2026-03-04T05:06:07Z");

  /** Every reading is 7 ms after the previous one. */
  private final AtomicLong ticks = new AtomicLong();

  private final TestRepository repository =
      new TestRepository().add(StubModel.echo(Stubs.metadata("iris", "1")));

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .repository(repository)
                  .clock(clock)
                  .ticker(() -> ticks.addAndGet(7_000_000))
                  .grpcPort(0)
                  .config(
                      ServerConfig.defaults()
                          .withHost("127.0.0.1")
                          .withPort(0)
                          .withMaxRequestBytes(1 << 20)
                          .withShutdownGrace(Duration.ofSeconds(5))
                          .withDefaultTimeout(null)
                          .withAccessLog(true)));

  @BeforeEach
  void captureAccessLog() {
    savedLevel = logger.getLevel();
    logger.setLevel(Level.INFO);
    logger.addHandler(capture);
  }

  @AfterEach
  void restoreAccessLog() {
    logger.removeHandler(capture);
    logger.setLevel(savedLevel);
  }

  private String nextLine() throws InterruptedException {
    String line = lines.poll(10, TimeUnit.SECONDS);
    assertThat(line).as("an access log line").isNotNull();
    return line;
  }

  @Test
  void inferRequestIsOneJsonLineWithRequestIdModelAndSizes() throws Exception {
    server.send(
        HttpRequest.newBuilder(server.uri("/v2/models/iris/versions/1/infer"))
            .header("X-Request-Id", "log-me-1")
            .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .POST(HttpRequest.BodyPublishers.ofString(InferTest.ROW))
            .build());

    JsonNode json = Stubs.json(nextLine());
    assertThat(json.get("time").asText()).isEqualTo("2026-03-04T05:06:07Z");
    assertThat(json.get("request_id").asText()).isEqualTo("log-me-1");
    assertThat(json.get("method").asText()).isEqualTo("POST");
    assertThat(json.get("path").asText()).isEqualTo("/v2/models/iris/versions/1/infer");
    assertThat(json.get("status").asInt()).isEqualTo(200);
    assertThat(json.get("duration_us").asLong()).isEqualTo(7000);
    assertThat(json.get("model").asText()).isEqualTo("iris");
    assertThat(json.get("version").asText()).isEqualTo("1");
    assertThat(json.get("bytes_in").asLong()).isEqualTo(InferTest.ROW.length());
    assertThat(json.get("bytes_out").asLong()).isPositive();
    assertThat(json.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(lines).isEmpty();
  }

  @Test
  void unversionedInferLogsTheVersionThatAnswered() throws Exception {
    server.postJson("/v2/models/iris/infer", InferTest.ROW);

    assertThat(Stubs.json(nextLine()).get("version").asText()).isEqualTo("1");
  }

  @Test
  void errorsAndUnknownRoutesAreLoggedToo() throws Exception {
    server.get("/nowhere");

    JsonNode json = Stubs.json(nextLine());
    assertThat(json.get("status").asInt()).isEqualTo(404);
    assertThat(json.get("model").isNull()).isTrue();
    // A request without traceparent starts a trace of its own.
    assertThat(json.get("trace_id").asText()).matches("[0-9a-f]{32}");
  }

  @Test
  void grpcCallIsOneJsonLineWithItsStatusMethodAndMessageSizes() throws Exception {
    ModelInferRequest request =
        GrpcInferenceServiceTest.fp32Request("iris", "float_input", 5.1f, 3.5f, 1.4f, 0.2f);
    Metadata headers = new Metadata();
    headers.put(GrpcCallInterceptor.REQUEST_ID, "grpc-log-1");
    headers.put(
        GrpcCallInterceptor.TRACEPARENT, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    ManagedChannel channel = GrpcInferenceServiceTest.connect(server.server());
    try {
      ModelInferResponse response =
          GRPCInferenceServiceGrpc.newBlockingStub(channel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
              .modelInfer(request);

      JsonNode json = Stubs.json(nextLine());
      assertThat(json.get("time").asText()).isEqualTo("2026-03-04T05:06:07Z");
      assertThat(json.get("request_id").asText()).isEqualTo("grpc-log-1");
      assertThat(json.get("method").asText()).isEqualTo("POST");
      assertThat(json.get("path").asText()).isEqualTo("/inference.GRPCInferenceService/ModelInfer");
      assertThat(json.get("status").asInt()).isEqualTo(200);
      assertThat(json.get("grpc_status").asText()).isEqualTo("OK");
      assertThat(json.get("duration_us").asLong())
          .isPositive()
          .isEqualTo(json.get("duration_us").asLong() / 7000 * 7000);
      assertThat(json.get("model").asText()).isEqualTo("iris");
      assertThat(json.get("version").asText()).isEqualTo("1");
      assertThat(json.get("bytes_in").asLong()).isEqualTo(request.getSerializedSize());
      assertThat(json.get("bytes_out").asLong()).isEqualTo(response.getSerializedSize());
      assertThat(json.get("trace_id").asText()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    } finally {
      GrpcInferenceServiceTest.disconnect(channel);
    }
    assertThat(lines).isEmpty();
  }

  @Test
  void failedGrpcCallIsLoggedWithItsStatusAndTheModelItNamed() throws Exception {
    ManagedChannel channel = GrpcInferenceServiceTest.connect(server.server());
    try {
      GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
      assertThatThrownBy(
              () ->
                  stub.modelInfer(
                      GrpcInferenceServiceTest.fp32Request("nope", "float_input", 1, 2, 3, 4)))
          .isInstanceOf(StatusRuntimeException.class);

      JsonNode json = Stubs.json(nextLine());
      assertThat(json.get("status").asInt()).isEqualTo(200);
      assertThat(json.get("grpc_status").asText()).isEqualTo("NOT_FOUND");
      assertThat(json.get("model").asText()).isEqualTo("nope");
      assertThat(json.get("version").isNull()).isTrue();
      assertThat(json.get("request_id").asText()).isNotBlank();
      assertThat(json.get("bytes_out").asLong()).isZero();
    } finally {
      GrpcInferenceServiceTest.disconnect(channel);
    }
  }

  @Test
  void httpLinesHaveNoGrpcStatus() throws Exception {
    server.get("/v2/health/live");

    assertThat(Stubs.json(nextLine()).has("grpc_status")).isFalse();
  }
}
