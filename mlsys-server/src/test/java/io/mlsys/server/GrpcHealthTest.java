package io.mlsys.server;

import static io.mlsys.server.GrpcInferenceServiceTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import inference.GRPCInferenceServiceGrpc;
import inference.GrpcPredictV2.RepositoryModelUnloadRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.health.v1.HealthGrpc.HealthBlockingStub;
import io.mlsys.testing.StubModel;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Health checking ({@code grpc.health.v1}), reflection off by default, the gRPC listener's life.
 */
class GrpcHealthTest {
  private static final String INFERENCE = GRPCInferenceServiceGrpc.SERVICE_NAME;

  private final TestRepository repository =
      new TestRepository().add(StubModel.echo(Stubs.metadata("iris", "1")));

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(builder -> builder.repository(repository).grpcPort(0));

  private ManagedChannel channel;
  private HealthBlockingStub health;

  @BeforeEach
  void connect() {
    channel = GrpcInferenceServiceTest.connect(server.server());
    health = HealthGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    GrpcInferenceServiceTest.disconnect(channel);
  }

  private static HealthCheckRequest service(String name) {
    return HealthCheckRequest.newBuilder().setService(name).build();
  }

  private ServingStatus check(String name) {
    return health.check(service(name)).getStatus();
  }

  @Test
  void serverAndInferenceServiceAreServingWhenEveryModelIsReady() {
    assertThat(check("")).isEqualTo(ServingStatus.SERVING);
    assertThat(check(INFERENCE)).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void notServingWhileAModelIsNotReady() {
    GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .repositoryModelUnload(
            RepositoryModelUnloadRequest.newBuilder().setModelName("iris").build());

    assertThat(check("")).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(check(INFERENCE)).isEqualTo(ServingStatus.NOT_SERVING);
  }

  @Test
  void notServingWhenAModelFailedToLoad() throws InterruptedException {
    TestRepository failed =
        new TestRepository()
            .add(StubModel.echo(Stubs.metadata("iris", "1")))
            .addFailed("broken", "1", "bad file");
    try (MlsysServer other =
        MlsysServer.builder()
            .config(MlsysServerExtension.config())
            .repository(failed)
            .grpcPort(0)
            .build()
            .start()) {
      ManagedChannel otherChannel = GrpcInferenceServiceTest.connect(other);
      try {
        assertThat(HealthGrpc.newBlockingStub(otherChannel).check(service("")).getStatus())
            .isEqualTo(ServingStatus.NOT_SERVING);
      } finally {
        GrpcInferenceServiceTest.disconnect(otherChannel);
      }
    }
  }

  @Test
  void unknownServiceIsNotFound() {
    assertStatus(
        () -> health.check(service("nope.Service")),
        Status.Code.NOT_FOUND,
        "service 'nope.Service' is unknown (expected: '' or 'inference.GRPCInferenceService')");
  }

  @Test
  void watchSendsTheStatusAndThenItsChanges() {
    Iterator<HealthCheckResponse> watch =
        health.withDeadlineAfter(30, TimeUnit.SECONDS).watch(service(INFERENCE));
    assertThat(watch.next().getStatus()).isEqualTo(ServingStatus.SERVING);

    GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .repositoryModelUnload(
            RepositoryModelUnloadRequest.newBuilder().setModelName("iris").build());

    assertThat(watch.next().getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
  }

  @Test
  void watchOfAnUnknownServiceSaysSo() {
    Iterator<HealthCheckResponse> watch =
        health.withDeadlineAfter(30, TimeUnit.SECONDS).watch(service("nope.Service"));

    assertThat(watch.next().getStatus()).isEqualTo(ServingStatus.SERVICE_UNKNOWN);
  }

  @Test
  void stoppingEndsWatchesWithNotServing() {
    Iterator<HealthCheckResponse> watch =
        health.withDeadlineAfter(30, TimeUnit.SECONDS).watch(service(""));
    assertThat(watch.next().getStatus()).isEqualTo(ServingStatus.SERVING);

    server.server().stop();

    assertThat(watch.next().getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(watch.hasNext()).isFalse();
    assertThat(server.server().grpcPort()).isEqualTo(-1);
  }

  @Test
  void reflectionIsOffByDefault() {
    assertThat(GrpcReflectionTest.listServices(channel))
        .failsWithin(Duration.ofSeconds(30))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
  }

  @Test
  void grpcIsOffUnlessAPortIsGiven() {
    try (MlsysServer plain =
        MlsysServer.builder()
            .config(MlsysServerExtension.config())
            .repository(new TestRepository())
            .build()
            .start()) {
      assertThat(plain.grpcPort()).isEqualTo(-1);
      assertThat(plain.port()).isPositive();
    }
  }
}
