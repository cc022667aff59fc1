package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlsys.protocol.OipJson;
import io.mlsys.testing.StubModel;
import org.junit.jupiter.api.Test;

/** While a listener is down, no health check says live, ready or SERVING. */
class TransportHealthTest {
  private final TestRepository repository =
      new TestRepository().add(StubModel.echo(Stubs.metadata("iris", "1")));
  private final ServedModels served = new ServedModels(repository);
  private final TransportHealth transports = new TransportHealth();
  private final ManagementEndpoints management =
      new ManagementEndpoints(
          served,
          OipJson.create(),
          new ServerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)),
          "test",
          transports);
  private final GrpcHealthService grpcHealth = new GrpcHealthService(served, transports);

  @Test
  void everythingIsHealthyWhileEveryListenerIsUp() {

    assertThat(management.live(null).status()).isEqualTo(200);
    assertThat(management.ready(null).status()).isEqualTo(200);
    assertThat(grpcHealth.status("")).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void aDownListenerFailsLiveReadyAndGrpcHealth() {
    transports.down(TransportHealth.REST, "port 8080 stopped accepting connections");

    Reply live = management.live(null);
    assertThat(live.status()).isEqualTo(503);
    assertThat(new String(live.body()))
        .contains("the rest listener is down: port 8080 stopped accepting connections");
    assertThat(management.ready(null).status()).isEqualTo(503);
    assertThat(grpcHealth.status("")).isEqualTo(ServingStatus.NOT_SERVING);

    transports.up(TransportHealth.REST);

    assertThat(management.live(null).status()).isEqualTo(200);
    assertThat(grpcHealth.status("")).isEqualTo(ServingStatus.SERVING);
  }
}
