package io.mlsys.server;

import static io.mlsys.server.GrpcInferenceServiceTest.assertStatus;
import static io.mlsys.server.GrpcInferenceServiceTest.fp32Request;
import static org.assertj.core.api.Assertions.assertThat;

import inference.GRPCInferenceServiceGrpc;
import inference.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import inference.GrpcPredictV2.InferParameter;
import inference.GrpcPredictV2.ModelInferRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferResponse;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.StubModel;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * gRPC deadlines end to end. The model takes two minutes of the test's clock, so a deadline passes
 * during the call without the test waiting; the gRPC deadlines themselves are far in the future of
 * the real clock, so the answers come from the server, not from the client giving up.
 */
class GrpcDeadlineTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private final ManualClock clock = new ManualClock(START);
  private final AtomicReference<CallContext> seen = new AtomicReference<>();

  private final StubModel slow =
      new StubModel(
          Stubs.metadata("slow", "1"),
          (request, context) -> {
            seen.set(context);
            clock.advance(Duration.ofMinutes(2));
            return new InferResponse("slow", "1", request.id(), request.inputs(), Map.of());
          });

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .repository(new TestRepository().add(slow))
                  .clock(clock)
                  .grpcPort(0)
                  .config(MlsysServerExtension.config(1 << 20, Duration.ofMinutes(10))));

  private ManagedChannel channel;
  private GRPCInferenceServiceBlockingStub stub;

  @BeforeEach
  void connect() {
    channel = GrpcInferenceServiceTest.connect(server.server());
    stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    GrpcInferenceServiceTest.disconnect(channel);
  }

  private static ModelInferRequest row() {
    return fp32Request("slow", "float_input", 5.1f, 3.5f, 1.4f, 0.2f);
  }

  @Test
  void grpcDeadlinePassingDuringInferenceIsDeadlineExceeded() {
    assertStatus(
        () -> stub.withDeadlineAfter(1, TimeUnit.MINUTES).modelInfer(row()),
        Status.Code.DEADLINE_EXCEEDED,
        "deadline exceeded at model 'slow'");
    assertThat(seen.get().deadline()).isBetween(START, START.plus(Duration.ofMinutes(1)));
  }

  @Test
  void answerWithinTheGrpcDeadlineIsOk() {
    stub.withDeadlineAfter(3, TimeUnit.MINUTES).modelInfer(row());

    assertThat(seen.get().deadline())
        .isBetween(START.plus(Duration.ofMinutes(2)), START.plus(Duration.ofMinutes(3)));
  }

  @Test
  void timeoutParameterInMicrosecondsSetsTheDeadline() {
    ModelInferRequest request =
        row().toBuilder()
            .putParameters("timeout", InferParameter.newBuilder().setInt64Param(90_000_000).build())
            .build();

    assertStatus(
        () -> stub.modelInfer(request),
        Status.Code.DEADLINE_EXCEEDED,
        "deadline exceeded at model 'slow'");
    assertThat(seen.get().deadline()).isEqualTo(START.plus(Duration.ofSeconds(90)));
  }

  @Test
  void timeoutMetadataInMillisecondsSetsTheDeadline() {
    Metadata headers = new Metadata();
    headers.put(GrpcCallInterceptor.TIMEOUT, "150000");

    stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)).modelInfer(row());

    assertThat(seen.get().deadline()).isEqualTo(START.plus(Duration.ofSeconds(150)));
  }

  @Test
  void earliestOfParameterAndGrpcDeadlineWins() {
    ModelInferRequest request =
        row().toBuilder()
            .putParameters("timeout", InferParameter.newBuilder().setInt64Param(30_000_000).build())
            .build();

    assertStatus(
        () -> stub.withDeadlineAfter(5, TimeUnit.MINUTES).modelInfer(request),
        Status.Code.DEADLINE_EXCEEDED,
        "deadline exceeded at model 'slow'");
    assertThat(seen.get().deadline()).isEqualTo(START.plus(Duration.ofSeconds(30)));
  }

  @Test
  void defaultTimeoutAppliesWithoutAnyDeadline() {
    stub.modelInfer(row());

    assertThat(seen.get().deadline()).isEqualTo(START.plus(Duration.ofMinutes(10)));
  }

  @Test
  void deadlineExceededIsMetered() {
    ModelInferRequest request =
        row().toBuilder()
            .putParameters("timeout", InferParameter.newBuilder().setInt64Param(1).build())
            .build();

    assertStatus(
        () -> stub.modelInfer(request),
        Status.Code.DEADLINE_EXCEEDED,
        "deadline exceeded at model 'slow'");
    assertThat(server.get("/metrics").body())
        .contains(
            "mlsys_request_errors_total{kind=\"deadline_exceeded\",model=\"slow\",protocol=\"grpc\",version=\"1\"} 1.0");
  }
}
