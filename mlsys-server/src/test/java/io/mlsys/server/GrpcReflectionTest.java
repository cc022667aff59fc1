package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.mlsys.server.config.GrpcConfig;
import io.mlsys.testing.StubModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Server reflection when {@code server.grpc.reflection} is on (it is off by default). */
class GrpcReflectionTest {
  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .repository(new TestRepository().add(StubModel.echo(Stubs.metadata("iris", "1"))))
                  .grpcPort(0)
                  .config(
                      MlsysServerExtension.config()
                          .withGrpc(GrpcConfig.defaults().withReflection(true))));

  private ManagedChannel channel;

  @BeforeEach
  void connect() {
    channel = GrpcInferenceServiceTest.connect(server.server());
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    GrpcInferenceServiceTest.disconnect(channel);
  }

  /** Asks the server's reflection service for its services. */
  static CompletableFuture<List<String>> listServices(ManagedChannel channel) {
    CompletableFuture<List<String>> services = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse response) {
                    services.complete(
                        response.getListServicesResponse().getServiceList().stream()
                            .map(ServiceResponse::getName)
                            .toList());
                  }

                  @Override
                  public void onError(Throwable t) {
                    services.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    return services.whenComplete((list, error) -> requests.onCompleted());
  }

  @Test
  void reflectionListsTheServicesWhenOn() throws Exception {
    assertThat(listServices(channel).get(30, TimeUnit.SECONDS))
        .contains(
            "inference.GRPCInferenceService",
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection");
  }
}
