package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.RetryInfo;
import inference.GRPCInferenceServiceGrpc;
import inference.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import inference.GrpcPredictV2.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.mlsys.core.InferResponse;
import io.mlsys.resilience.LimitsConfig;
import io.mlsys.testing.StubModel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code server.limits} over gRPC: the same limits and the same admission as over REST. */
class GrpcLimitsTest {
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  private final StubModel blocking =
      new StubModel(
          Stubs.metadata("blocking", "1"),
          (request, context) -> {
            entered.countDown();
            try {
              release.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return new InferResponse("blocking", "1", request.id(), request.inputs(), Map.of());
          });

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .repository(new TestRepository().add(blocking))
                  .grpcPort(0)
                  .config(
                      MlsysServerExtension.config()
                          .withLimits(
                              LimitsConfig.defaults()
                                  .withMaxRequestElements(8)
                                  .withMaxInFlight(1)
                                  .withMaxQueueWait(Duration.ZERO))));

  private ManagedChannel channel;
  private GRPCInferenceServiceBlockingStub stub;

  @BeforeEach
  void connect() {
    channel = GrpcInferenceServiceTest.connect(server.server());
    stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    release.countDown();
    GrpcInferenceServiceTest.disconnect(channel);
  }

  @Test
  void aRequestOverTheElementLimitIsInvalidArgumentNamingIt() {
    assertThatThrownBy(
            () ->
                stub.modelInfer(
                    GrpcInferenceServiceTest.fp32Request("blocking", "float_input", new float[12])))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo(
                      "inputs[0] (float_input): 12 elements (expected: at most 8 tensor elements"
                          + " in a request, server.limits.max-request-elements)");
            });
    assertThat(blocking.calls()).isZero();
  }

  @Test
  void overTheInFlightLimitACallIsUnavailableWithRetryInfo() throws Exception {
    CompletableFuture<ModelInferResponse> first =
        CompletableFuture.supplyAsync(
            () ->
                stub.modelInfer(
                    GrpcInferenceServiceTest.fp32Request("blocking", "float_input", new float[4])));
    assertThat(entered.await(1, TimeUnit.MINUTES)).isTrue();

    assertThatThrownBy(
            () ->
                stub.modelInfer(
                    GrpcInferenceServiceTest.fp32Request("blocking", "float_input", new float[4])))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              try {
                RetryInfo retry =
                    StatusProto.fromThrowable(e).getDetails(0).unpack(RetryInfo.class);
                assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(1);
              } catch (com.google.protobuf.InvalidProtocolBufferException bad) {
                throw new AssertionError(bad);
              }
            });
    release.countDown();
    assertThat(first.get(1, TimeUnit.MINUTES).getOutputsCount()).isEqualTo(1);
  }
}
