package io.mlsys.server;

import static io.mlsys.server.GrpcInferenceServiceTest.assertStatus;
import static io.mlsys.server.GrpcInferenceServiceTest.fp32Request;
import static org.assertj.core.api.Assertions.assertThat;

import inference.GRPCInferenceServiceGrpc;
import inference.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import inference.GrpcPredictV2.ModelMetadataRequest;
import inference.GrpcPredictV2.RepositoryIndexRequest;
import inference.GrpcPredictV2.RepositoryModelUnloadRequest;
import inference.GrpcPredictV2.ServerLiveRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.mlsys.server.config.AuthConfig;
import io.mlsys.testing.StubModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bearer token as gRPC call metadata: repository RPCs need manage, the rest stays open. */
class GrpcAuthTest {
  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .config(
                      MlsysServerExtension.config()
                          .withAuth(
                              AuthConfig.defaults()
                                  .withMode(AuthConfig.Mode.REQUIRED)
                                  .withTokens(ManagementAuthTest.TOKENS)))
                  .grpcPort(0)
                  .repository(
                      new TestRepository().add(StubModel.echo(Stubs.metadata("iris", "1")))));

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

  private GRPCInferenceServiceBlockingStub as(String token) {
    Metadata metadata = new Metadata();
    metadata.put(GrpcAuthInterceptor.AUTHORIZATION, "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
  }

  @Test
  void aRepositoryCallWithoutATokenIsUnauthenticated() {
    assertStatus(
        () -> stub.repositoryIndex(RepositoryIndexRequest.getDefaultInstance()),
        Status.Code.UNAUTHENTICATED,
        "authorization: missing (expected: 'Authorization: Bearer <token>')");
    assertStatus(
        () ->
            stub.repositoryModelUnload(
                RepositoryModelUnloadRequest.newBuilder().setModelName("iris").build()),
        Status.Code.UNAUTHENTICATED,
        "authorization: missing (expected: 'Authorization: Bearer <token>')");
    assertThat(server.server().repository().index().getFirst().state().name()).isEqualTo("READY");
  }

  @Test
  void aReadTokenIsDeniedAManageTokenServed() {
    assertStatus(
        () ->
            as(ManagementAuthTest.READER)
                .repositoryModelUnload(
                    RepositoryModelUnloadRequest.newBuilder().setModelName("iris").build()),
        Status.Code.PERMISSION_DENIED,
        "user 'rita' has role read (expected: manage or above)");

    assertThat(
            as(ManagementAuthTest.ADMIN)
                .repositoryIndex(RepositoryIndexRequest.getDefaultInstance())
                .getModelsCount())
        .isEqualTo(1);
    as(ManagementAuthTest.ADMIN)
        .repositoryModelUnload(
            RepositoryModelUnloadRequest.newBuilder().setModelName("iris").build());
    assertThat(server.server().repository().index().getFirst().state().name())
        .isNotEqualTo("READY");
  }

  @Test
  void inferenceMetadataAndHealthStayOpen() {
    assertThat(
            stub.modelInfer(fp32Request("iris", "float_input", 5.1f, 3.5f, 1.4f, 0.2f))
                .getModelName())
        .isEqualTo("iris");
    assertThat(stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("iris").build()))
        .isNotNull();
    assertThat(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
    assertThat(
            HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void everyInferenceServiceMethodIsDeclared() {
    for (var method : GRPCInferenceServiceGrpc.getServiceDescriptor().getMethods()) {
      assertThat(GrpcAuthInterceptor.METHODS).containsKey(method.getFullMethodName());
    }
  }
}
