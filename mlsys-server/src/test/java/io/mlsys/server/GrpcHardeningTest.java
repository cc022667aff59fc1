package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import inference.GrpcPredictV2.InferTensorContents;
import inference.GrpcPredictV2.ModelInferRequest;
import inference.GrpcPredictV2.ModelInferRequest.InferInputTensor;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mlsys.testing.StubModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Requests a client should not send get a status naming the problem, and no stack trace. */
class GrpcHardeningTest {
  private static final int MAX_REQUEST_BYTES = 256 * 1024;

  private final StubModel model = StubModel.echo(Stubs.metadata("iris", "1"));

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .repository(new TestRepository().add(model))
                  .grpcPort(0)
                  .config(MlsysServerExtension.config(MAX_REQUEST_BYTES, null)));

  private final LogRecorder logs = new LogRecorder("");
  private ManagedChannel channel;
  private GRPCInferenceServiceBlockingStub stub;

  @BeforeEach
  void connect() {
    logs.start();
    channel = GrpcInferenceServiceTest.connect(server.server());
    stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    GrpcInferenceServiceTest.disconnect(channel);
    logs.stop();
  }

  /** 4 MiB of zeros: a few KiB once gzip-compressed, 16 times the limit once inflated. */
  private static ModelInferRequest bomb() {
    return ModelInferRequest.newBuilder()
        .setModelName("iris")
        .addRawInputContents(ByteString.copyFrom(new byte[4 << 20]))
        .build();
  }

  @Test
  void gzipBombIsResourceExhaustedWithoutStackTrace() {
    assertThatThrownBy(() -> stub.withCompression("gzip").modelInfer(bomb()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo("Decompressed gRPC message exceeds maximum size " + MAX_REQUEST_BYTES);
            });
    assertThat(model.calls()).isZero();
    assertThat(logs.withStackTrace()).isEmpty();
    // The connection stays usable.
    assertThat(
            stub.modelInfer(GrpcInferenceServiceTest.fp32Request("iris", "float_input", 1, 2, 3, 4))
                .getModelName())
        .isEqualTo("iris");
  }

  @Test
  void messageOverTheLimitIsResourceExhaustedWithoutStackTrace() {
    assertThatThrownBy(() -> stub.modelInfer(bomb()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThat(logs.withStackTrace()).isEmpty();
  }

  @Test
  void shapeWith100000DimensionsIsInvalidArgumentWithShortMessage() {
    InferInputTensor.Builder input =
        InferInputTensor.newBuilder()
            .setName("float_input")
            .setDatatype("FP32")
            .setContents(InferTensorContents.newBuilder().addFp32Contents(1));
    for (int i = 0; i < 100_000; i++) {
      input.addShape(2);
    }
    ModelInferRequest request =
        ModelInferRequest.newBuilder().setModelName("iris").addInputs(input).build();

    assertThatThrownBy(() -> stub.modelInfer(request))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .startsWith("inputs")
                  .hasSizeLessThanOrEqualTo(GrpcStatus.MAX_DESCRIPTION_BYTES)
                  .endsWith(" more characters)");
            });
  }
}
