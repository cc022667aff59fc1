package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import inference.GrpcPredictV2.InferParameter;
import inference.GrpcPredictV2.InferTensorContents;
import inference.GrpcPredictV2.ModelInferRequest;
import inference.GrpcPredictV2.ModelInferRequest.InferInputTensor;
import inference.GrpcPredictV2.ModelInferResponse;
import inference.GrpcPredictV2.ModelMetadataRequest;
import inference.GrpcPredictV2.ModelMetadataResponse;
import inference.GrpcPredictV2.ModelReadyRequest;
import inference.GrpcPredictV2.ServerLiveRequest;
import inference.GrpcPredictV2.ServerMetadataRequest;
import inference.GrpcPredictV2.ServerMetadataResponse;
import inference.GrpcPredictV2.ServerReadyRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.Tensor;
import io.mlsys.testing.StubModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code inference.GRPCInferenceService} end to end: a real server on ephemeral ports, a real
 * grpc-java client.
 */
class GrpcInferenceServiceTest {
  /** Largest request message of the test server. */
  static final int MAX_REQUEST_BYTES = 64 * 1024;

  private final AtomicReference<CallContext> seen = new AtomicReference<>();

  private final TestRepository repository =
      new TestRepository()
          .add(
              new StubModel(
                  Stubs.metadata("echo", "1"),
                  (request, context) -> {
                    seen.set(context);
                    return new InferResponse("echo", "1", request.id(), request.inputs(), Map.of());
                  }))
          .add(
              new StubModel(
                  Stubs.metadata("iris", "3"),
                  (request, context) ->
                      new InferResponse(
                          "iris",
                          "3",
                          "the model's own id",
                          List.of(
                              Tensor.ofLongs("output_label", new long[] {1}, 2),
                              Tensor.ofFloats(
                                  "output_probability", new long[] {1, 3}, 0.1f, 0.2f, 0.7f)),
                          Map.of())))
          .add(
              new StubModel(
                  Stubs.metadata("failing", "1"),
                  (request, context) -> {
                    throw new ModelExecutionException("failing", "the runtime gave up", null);
                  }))
          .add(
              new StubModel(
                  Stubs.metadata("buggy", "1"),
                  (request, context) -> {
                    throw new IllegalStateException("a bug");
                  }));

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .repository(repository)
                  .grpcPort(0)
                  .config(MlsysServerExtension.config(MAX_REQUEST_BYTES, null)));

  private ManagedChannel channel;
  private GRPCInferenceServiceBlockingStub stub;

  @BeforeEach
  void connect() {
    channel = connect(server.server());
    stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    disconnect(channel);
  }

  /** A plaintext channel to the server's gRPC port. */
  static ManagedChannel connect(MlsysServer server) {
    return Grpc.newChannelBuilderForAddress(
            "127.0.0.1", server.grpcPort(), InsecureChannelCredentials.create())
        .build();
  }

  static void disconnect(ManagedChannel channel) throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(10, TimeUnit.SECONDS);
  }

  /** A one-input request with typed FP32 contents, shape [rows, 4]. */
  static ModelInferRequest fp32Request(String model, String input, float... values) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (float value : values) {
      contents.addFp32Contents(value);
    }
    return ModelInferRequest.newBuilder()
        .setModelName(model)
        .addInputs(
            InferInputTensor.newBuilder()
                .setName(input)
                .setDatatype("FP32")
                .addShape(values.length / 4)
                .addShape(4)
                .setContents(contents))
        .build();
  }

  /** The same request with raw little-endian contents. */
  static ModelInferRequest rawFp32Request(String model, String input, float... values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    return ModelInferRequest.newBuilder()
        .setModelName(model)
        .addInputs(
            InferInputTensor.newBuilder()
                .setName(input)
                .setDatatype("FP32")
                .addShape(values.length / 4)
                .addShape(4))
        .addRawInputContents(ByteString.copyFrom(bytes.array()))
        .build();
  }

  /** Asserts the call fails with {@code code} and exactly {@code description}. */
  static void assertStatus(ThrowingCallable call, Status.Code code, String description) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).isEqualTo(description);
            });
  }

  private String scrape() {
    return server.get("/metrics").body();
  }

  @Test
  void serverIsLive() {
    assertThat(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
  }

  @Test
  void serverIsReadyWhenEveryModelIs() {
    assertThat(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
  }

  @Test
  void serverMetadataNamesTheRepositoryExtension() {
    ServerMetadataResponse metadata =
        stub.serverMetadata(ServerMetadataRequest.getDefaultInstance());

    assertThat(metadata.getName()).isEqualTo("mlsys");
    assertThat(metadata.getVersion()).isEqualTo(HelidonMlsysServer.serverVersion());
    assertThat(metadata.getExtensionsList()).containsExactly("model_repository");
  }

  @Test
  void modelMetadataDescribesTheSignature() {
    ModelMetadataResponse metadata =
        stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("iris").build());

    assertThat(metadata.getName()).isEqualTo("iris");
    assertThat(metadata.getVersionsList()).containsExactly("3");
    assertThat(metadata.getPlatform()).isEqualTo("stub");
    assertThat(metadata.getInputs(0).getName()).isEqualTo("float_input");
    assertThat(metadata.getInputs(0).getDatatype()).isEqualTo("FP32");
    assertThat(metadata.getInputs(0).getShapeList()).containsExactly(-1L, 4L);
    assertThat(metadata.getOutputsList())
        .extracting(ModelMetadataResponse.TensorMetadata::getName)
        .containsExactly("output_label", "output_probability");
  }

  @Test
  void metadataOfAnUnknownModelIsNotFound() {
    assertStatus(
        () -> stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("nope").build()),
        Status.Code.NOT_FOUND,
        "model 'nope' is not found");
  }

  @Test
  void modelReadyForAServedModel() {
    assertThat(stub.modelReady(ModelReadyRequest.newBuilder().setName("echo").build()).getReady())
        .isTrue();
    assertThat(
            stub.modelReady(ModelReadyRequest.newBuilder().setName("echo").setVersion("1").build())
                .getReady())
        .isTrue();
  }

  @Test
  void modelReadyOfAnUnknownVersionIsNotFound() {
    assertStatus(
        () ->
            stub.modelReady(ModelReadyRequest.newBuilder().setName("echo").setVersion("9").build()),
        Status.Code.NOT_FOUND,
        "model 'echo' has no version '9'");
  }

  @Test
  void modelReadyWithoutANameIsInvalid() {
    assertStatus(
        () -> stub.modelReady(ModelReadyRequest.getDefaultInstance()),
        Status.Code.INVALID_ARGUMENT,
        "name: missing (expected: the name of a served model)");
  }

  @Test
  void typedRequestGetsTypedAnswer() {
    ModelInferResponse response =
        stub.modelInfer(
            fp32Request("echo", "float_input", 5.1f, 3.5f, 1.4f, 0.2f).toBuilder()
                .setId("req-1")
                .build());

    assertThat(response.getModelName()).isEqualTo("echo");
    assertThat(response.getModelVersion()).isEqualTo("1");
    assertThat(response.getId()).isEqualTo("req-1");
    assertThat(response.getRawOutputContentsCount()).isZero();
    assertThat(response.getOutputs(0).getShapeList()).containsExactly(1L, 4L);
    assertThat(response.getOutputs(0).getContents().getFp32ContentsList())
        .containsExactly(5.1f, 3.5f, 1.4f, 0.2f);
  }

  @Test
  void rawRequestGetsRawAnswer() {
    ModelInferResponse response =
        stub.modelInfer(rawFp32Request("echo", "float_input", 5.1f, 3.5f, 1.4f, 0.2f));

    assertThat(response.getOutputs(0).hasContents()).isFalse();
    ByteBuffer raw =
        response.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    assertThat(new float[] {raw.getFloat(), raw.getFloat(), raw.getFloat(), raw.getFloat()})
        .containsExactly(5.1f, 3.5f, 1.4f, 0.2f);
  }

  @Test
  void fp16AndBf16RoundTripRaw() {
    short[] fp16 = {Float.floatToFloat16(1.5f), Float.floatToFloat16(-0.25f)};
    short bf16 = (short) (Float.floatToRawIntBits(3.0f) >>> 16);
    ByteBuffer halves = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    halves.putShort(fp16[0]).putShort(fp16[1]);
    ByteBuffer brain = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(bf16);
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName("echo")
            .addInputs(InferInputTensor.newBuilder().setName("h").setDatatype("FP16").addShape(2))
            .addInputs(InferInputTensor.newBuilder().setName("b").setDatatype("BF16").addShape(1))
            .addRawInputContents(ByteString.copyFrom(halves.array()))
            .addRawInputContents(ByteString.copyFrom(brain.array()))
            .build();

    ModelInferResponse response = stub.modelInfer(request);

    assertThat(response.getOutputs(0).getDatatype()).isEqualTo("FP16");
    assertThat(response.getOutputs(1).getDatatype()).isEqualTo("BF16");
    assertThat(response.getRawOutputContents(0).toByteArray()).isEqualTo(halves.array());
    assertThat(response.getRawOutputContents(1).toByteArray()).isEqualTo(brain.array());
  }

  @Test
  void bytesRoundTripTyped() {
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName("echo")
            .addInputs(
                InferInputTensor.newBuilder()
                    .setName("text")
                    .setDatatype("BYTES")
                    .addShape(2)
                    .setContents(
                        InferTensorContents.newBuilder()
                            .addBytesContents(ByteString.copyFromUtf8("setosa"))
                            .addBytesContents(ByteString.copyFrom(new byte[] {(byte) 0xff}))))
            .build();

    ModelInferResponse response = stub.modelInfer(request);

    assertThat(response.getOutputs(0).getDatatype()).isEqualTo("BYTES");
    assertThat(response.getOutputs(0).getContents().getBytesContentsList())
        .containsExactly(
            ByteString.copyFromUtf8("setosa"), ByteString.copyFrom(new byte[] {(byte) 0xff}));
  }

  @Test
  void bytesRoundTripRaw() {
    byte[] raw = {3, 0, 0, 0, 'a', 'b', 'c', 0, 0, 0, 0};
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName("echo")
            .addInputs(
                InferInputTensor.newBuilder().setName("text").setDatatype("BYTES").addShape(2))
            .addRawInputContents(ByteString.copyFrom(raw))
            .build();

    ModelInferResponse response = stub.modelInfer(request);

    assertThat(response.getRawOutputContents(0).toByteArray()).isEqualTo(raw);
  }

  @Test
  void requestedOutputsFilterTheAnswerAndTheRequestIdIsEchoed() {
    ModelInferRequest request =
        fp32Request("iris", "float_input", 5.1f, 3.5f, 1.4f, 0.2f).toBuilder()
            .setId("mine")
            .addOutputs(
                ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("output_label"))
            .build();

    ModelInferResponse response = stub.modelInfer(request);

    assertThat(response.getId()).isEqualTo("mine");
    assertThat(response.getOutputsCount()).isEqualTo(1);
    assertThat(response.getOutputs(0).getName()).isEqualTo("output_label");
    assertThat(response.getOutputs(0).getContents().getInt64ContentsList()).containsExactly(2L);
  }

  @Test
  void requestIdMetadataBecomesTheTraceIdAndIsSentBack() {
    Metadata headers = new Metadata();
    headers.put(GrpcCallInterceptor.REQUEST_ID, "trace-42");
    headers.put(Metadata.Key.of("x-user", Metadata.ASCII_STRING_MARSHALLER), "ada");
    AtomicReference<Metadata> answered = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();

    stub.withInterceptors(
            MetadataUtils.newAttachHeadersInterceptor(headers),
            MetadataUtils.newCaptureMetadataInterceptor(answered, trailers))
        .modelInfer(fp32Request("echo", "float_input", 1f, 2f, 3f, 4f));

    assertThat(seen.get().traceId()).isEqualTo("trace-42");
    assertThat(seen.get().header("x-user")).hasValue("ada");
    assertThat(answered.get().get(GrpcCallInterceptor.REQUEST_ID)).isEqualTo("trace-42");
  }

  @Test
  void errorAnswersCarryTheRequestIdInTheirTrailers() {
    AtomicReference<Metadata> answered = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();

    assertThatThrownBy(
            () ->
                stub.withInterceptors(
                        MetadataUtils.newCaptureMetadataInterceptor(answered, trailers))
                    .modelInfer(fp32Request("nope", "float_input", 1f, 2f, 3f, 4f)))
        .isInstanceOf(StatusRuntimeException.class);

    assertThat(trailers.get().get(GrpcCallInterceptor.REQUEST_ID)).isNotBlank();
  }

  @Test
  void unknownModelIsNotFound() {
    assertStatus(
        () -> stub.modelInfer(fp32Request("nope", "float_input", 1f, 2f, 3f, 4f)),
        Status.Code.NOT_FOUND,
        "model 'nope' is not found");
  }

  @Test
  void missingModelNameIsInvalid() {
    assertStatus(
        () -> stub.modelInfer(fp32Request("", "float_input", 1f, 2f, 3f, 4f)),
        Status.Code.INVALID_ARGUMENT,
        "model_name: missing (expected: the name of a served model)");
  }

  @Test
  void badInputIsInvalidArgumentNamingTheField() {
    ModelInferRequest request =
        fp32Request("echo", "float_input", 1f, 2f, 3f, 4f).toBuilder()
            .setInputs(
                0,
                fp32Request("echo", "float_input", 1f, 2f, 3f, 4f).getInputs(0).toBuilder()
                    .setDatatype("FP99"))
            .build();

    assertThatThrownBy(() -> stub.modelInfer(request))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .startsWith("inputs[0].datatype: 'FP99' is not a datatype");
            });
  }

  @Test
  void invalidTimeoutParameterNamesIt() {
    ModelInferRequest request =
        fp32Request("echo", "float_input", 1f, 2f, 3f, 4f).toBuilder()
            .putParameters("timeout", InferParameter.newBuilder().setStringParam("soon").build())
            .build();

    assertStatus(
        () -> stub.modelInfer(request),
        Status.Code.INVALID_ARGUMENT,
        "parameters.timeout: 'soon' (expected: a positive integer number of microseconds, at most"
            + " 86400000000)");
  }

  @Test
  void modelFailureIsInternal() {
    assertStatus(
        () -> stub.modelInfer(fp32Request("failing", "float_input", 1f, 2f, 3f, 4f)),
        Status.Code.INTERNAL,
        "model 'failing' failed: the runtime gave up");
  }

  @Test
  void bugIsInternalWithTheRequestIdAndNoDetails() {
    Metadata headers = new Metadata();
    headers.put(GrpcCallInterceptor.REQUEST_ID, "bug-1");

    assertStatus(
        () ->
            stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .modelInfer(fp32Request("buggy", "float_input", 1f, 2f, 3f, 4f)),
        Status.Code.INTERNAL,
        "internal server error (see the server log for request id bug-1)");
  }

  @Test
  void messageOverTheRequestLimitIsRejected() {
    float[] values = new float[MAX_REQUEST_BYTES / 4 + 4];

    assertThatThrownBy(() -> stub.modelInfer(rawFp32Request("echo", "float_input", values)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
  }

  @Test
  void inferenceIsMeteredWithTheGrpcProtocolTag() {
    stub.modelInfer(fp32Request("echo", "float_input", 1f, 2f, 3f, 4f));
    assertThatThrownBy(() -> stub.modelInfer(fp32Request("failing", "float_input", 1f, 2f, 3f, 4f)))
        .isInstanceOf(StatusRuntimeException.class);

    assertThat(scrape())
        .contains(
            "mlsys_requests_total{model=\"echo\",protocol=\"grpc\",status=\"OK\",version=\"1\"} 1.0")
        .contains(
            "mlsys_requests_total{model=\"failing\",protocol=\"grpc\",status=\"INTERNAL\",version=\"1\"} 1.0")
        .contains(
            "mlsys_request_errors_total{kind=\"model_execution_failed\",model=\"failing\",protocol=\"grpc\",version=\"1\"} 1.0")
        .contains(
            "mlsys_request_duration_seconds_count{model=\"echo\",protocol=\"grpc\",version=\"1\"} 1");
  }

  @Test
  void unknownModelsAreMeteredAsUnknown() {
    assertThatThrownBy(() -> stub.modelInfer(fp32Request("nope", "float_input", 1f, 2f, 3f, 4f)))
        .isInstanceOf(StatusRuntimeException.class);

    assertThat(scrape())
        .contains(
            "mlsys_requests_total{model=\"_unknown\",protocol=\"grpc\",status=\"NOT_FOUND\",version=\"_unknown\"} 1.0");
  }

  @Test
  void grpcCallsCountInTheModelStatistics() {
    stub.modelInfer(fp32Request("echo", "float_input", 1f, 2f, 3f, 4f));
    stub.modelInfer(rawFp32Request("echo", "float_input", 1f, 2f, 3f, 4f));

    assertThat(
            Stubs.json(server.get("/v2/models/echo/stats").body())
                .get("model_stats")
                .get(0)
                .get("success_count")
                .asLong())
        .isEqualTo(2);
  }

  @Test
  void restStillServesBesideGrpc() {
    assertThat(server.get("/v2/health/ready").statusCode()).isEqualTo(200);
    assertThat(server.server().grpcPort()).isPositive().isNotEqualTo(server.port());
  }

  @Test
  void noDeadlineReachesTheModelWhenNoneIsSet() {
    stub.modelInfer(fp32Request("echo", "float_input", 1f, 2f, 3f, 4f));

    assertThat(seen.get().deadline()).isNull();
  }

  @Test
  void grpcDeadlineReachesTheModel() {
    stub.withDeadlineAfter(5, TimeUnit.MINUTES)
        .modelInfer(fp32Request("echo", "float_input", 1f, 2f, 3f, 4f));

    assertThat(seen.get().remaining()).isPresent();
    assertThat(seen.get().remaining().get())
        .isLessThanOrEqualTo(Duration.ofMinutes(5))
        .isGreaterThan(Duration.ofMinutes(4));
  }
}
