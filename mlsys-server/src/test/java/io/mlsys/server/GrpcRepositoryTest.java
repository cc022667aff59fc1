package io.mlsys.server;

import static io.mlsys.server.GrpcInferenceServiceTest.assertStatus;
import static io.mlsys.server.GrpcInferenceServiceTest.fp32Request;
import static org.assertj.core.api.Assertions.assertThat;

import inference.GRPCInferenceServiceGrpc;
import inference.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import inference.GrpcPredictV2.ModelReadyRequest;
import inference.GrpcPredictV2.ModelRepositoryParameter;
import inference.GrpcPredictV2.RepositoryIndexRequest;
import inference.GrpcPredictV2.RepositoryIndexResponse;
import inference.GrpcPredictV2.RepositoryIndexResponse.ModelIndex;
import inference.GrpcPredictV2.RepositoryModelLoadRequest;
import inference.GrpcPredictV2.RepositoryModelUnloadRequest;
import inference.GrpcPredictV2.ServerReadyRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.mlsys.testing.StubModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The repository extension over gRPC: RepositoryIndex, RepositoryModelLoad/Unload. */
class GrpcRepositoryTest {
  private final TestRepository repository =
      new TestRepository()
          .add(StubModel.echo(Stubs.metadata("iris", "1")))
          .addFailed("broken", "1", "bad file");

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(builder -> builder.repository(repository).grpcPort(0));

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

  private boolean irisReady() {
    return stub.modelReady(ModelReadyRequest.newBuilder().setName("iris").build()).getReady();
  }

  @Test
  void indexListsEveryVersionWithStateAndReason() {
    RepositoryIndexResponse index =
        stub.repositoryIndex(RepositoryIndexRequest.getDefaultInstance());

    assertThat(index.getModelsList())
        .containsExactly(
            ModelIndex.newBuilder()
                .setName("broken")
                .setVersion("1")
                .setState("FAILED")
                .setReason("bad file")
                .build(),
            ModelIndex.newBuilder().setName("iris").setVersion("1").setState("READY").build());
  }

  @Test
  void indexOfReadyModelsOnly() {
    RepositoryIndexResponse index =
        stub.repositoryIndex(RepositoryIndexRequest.newBuilder().setReady(true).build());

    assertThat(index.getModelsList()).extracting(ModelIndex::getName).containsExactly("iris");
  }

  @Test
  void serverIsNotReadyWhileAModelFailed() {
    assertThat(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isFalse();
    assertThat(stub.modelReady(ModelReadyRequest.newBuilder().setName("broken").build()).getReady())
        .isFalse();
  }

  @Test
  void unloadMakesTheModelUnavailable() {
    stub.repositoryModelUnload(
        RepositoryModelUnloadRequest.newBuilder().setModelName("iris").build());

    assertThat(irisReady()).isFalse();
    assertStatus(
        () -> stub.modelInfer(fp32Request("iris", "float_input", 1f, 2f, 3f, 4f)),
        Status.Code.UNAVAILABLE,
        "model 'iris' is not ready: version 1 is UNAVAILABLE: unloaded");
  }

  @Test
  void loadAfterUnloadServesAgain() {
    stub.repositoryModelUnload(
        RepositoryModelUnloadRequest.newBuilder().setModelName("iris").build());

    stub.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName("iris").build());

    assertThat(irisReady()).isTrue();
    assertThat(
            stub.modelInfer(fp32Request("iris", "float_input", 1f, 2f, 3f, 4f)).getOutputsCount())
        .isEqualTo(1);
  }

  @Test
  void failedLoadIsInvalidArgumentWithTheReason() {
    repository.failNextLoad("iris", "corrupt file");

    assertStatus(
        () ->
            stub.repositoryModelLoad(
                RepositoryModelLoadRequest.newBuilder().setModelName("iris").build()),
        Status.Code.INVALID_ARGUMENT,
        "model 'iris' failed to load: corrupt file");
  }

  @Test
  void loadOfAnUnknownModelIsNotFound() {
    assertStatus(
        () ->
            stub.repositoryModelLoad(
                RepositoryModelLoadRequest.newBuilder().setModelName("nope").build()),
        Status.Code.NOT_FOUND,
        "model 'nope' is not found");
  }

  @Test
  void unloadWithoutAModelNameIsInvalid() {
    assertStatus(
        () -> stub.repositoryModelUnload(RepositoryModelUnloadRequest.getDefaultInstance()),
        Status.Code.INVALID_ARGUMENT,
        "model_name: missing (expected: the name of a served model)");
  }

  @Test
  void loadParametersAreNotSupported() {
    RepositoryModelLoadRequest request =
        RepositoryModelLoadRequest.newBuilder()
            .setModelName("iris")
            .putParameters(
                "config", ModelRepositoryParameter.newBuilder().setStringParam("{}").build())
            .build();

    assertStatus(
        () -> stub.repositoryModelLoad(request),
        Status.Code.INVALID_ARGUMENT,
        "parameters.config: not supported (expected: no parameters)");
    assertThat(irisReady()).isTrue();
  }
}
