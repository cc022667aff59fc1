package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.testing.StubModel;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RequestIdTest {

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .repository(new TestRepository().add(StubModel.echo(Stubs.metadata("iris", "1"))))
                  .requestIds(RequestIds.withPrefix("gen-")));

  @Test
  void generatedIdsComeFromTheInjectedSupplier() {
    assertThat(server.get("/v2/health/live").headers().firstValue("x-request-id"))
        .hasValue("gen-1");
    assertThat(server.get("/v2/health/live").headers().firstValue("x-request-id"))
        .hasValue("gen-2");
  }

  @Test
  void unsafeRequestIdIsReplaced() {
    String response =
        server
            .send(
                HttpRequest.newBuilder(server.uri("/v2/health/live"))
                    .header("X-Request-Id", "x".repeat(200))
                    .build())
            .headers()
            .firstValue("x-request-id")
            .orElseThrow();

    assertThat(response).isEqualTo("gen-1");
  }

  @Test
  void validatesRequestIds() {
    assertThat(RequestPipeline.isValidRequestId("abc-123_XYZ.9")).isTrue();
    assertThat(RequestPipeline.isValidRequestId("")).isFalse();
    assertThat(RequestPipeline.isValidRequestId("has space")).isFalse();
    assertThat(RequestPipeline.isValidRequestId("caf\u00e9")).isFalse();
    assertThat(RequestPipeline.isValidRequestId("x".repeat(129))).isFalse();
  }
}
