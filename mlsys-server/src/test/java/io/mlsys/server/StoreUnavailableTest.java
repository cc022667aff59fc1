package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.store.StoreException;
import org.junit.jupiter.api.Test;

/** A store failure, however wrapped, is "unavailable" on both transports; anything else is not. */
class StoreUnavailableTest {

  @Test
  void aStoreFailureAnywhereInTheCauseChainIsUnavailableOnBothTransports() {
    StoreException store =
        new StoreException(
            "store 'predictionlog' (PostgreSQL schema mlsys): cannot connect: refused", null);
    DependencyUnavailableException unavailable =
        StoreUnavailable.of(new IllegalStateException("reading the log", store));

    assertThat(unavailable).isNotNull();
    assertThat(unavailable.getMessage())
        .isEqualTo(
            "the server's store is unavailable: store 'predictionlog' (PostgreSQL schema mlsys):"
                + " cannot connect: refused");
    HttpError http = HttpError.of(unavailable);
    assertThat(http.status()).isEqualTo(503);
    assertThat(http.retryAfterSeconds()).isEqualTo("5");
    assertThat(GrpcStatus.of(unavailable).code()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void theMlflowApiAnswersAStoreFailureAsTemporarilyUnavailable() throws Exception {
    StoreException store =
        new StoreException("store 'registry' (PostgreSQL schema mlsys): cannot connect", null);
    Route failing =
        MlflowError.around(
            exchange -> {
              throw new IllegalStateException("listing models", store);
            });

    Reply reply = failing.handle(null);

    assertThat(reply.status()).isEqualTo(503);
    assertThat(new String(reply.body(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"error_code\":\"TEMPORARILY_UNAVAILABLE\"")
        .contains("store 'registry' (PostgreSQL schema mlsys): cannot connect");
    assertThat(reply.headers()).anySatisfy(h -> assertThat(h.name()).isEqualTo("Retry-After"));
  }

  @Test
  void otherFailuresStayInternal() {
    assertThat(StoreUnavailable.of(new IllegalStateException("a bug"))).isNull();
    Route buggy =
        MlflowError.around(
            exchange -> {
              throw new IllegalStateException("a bug");
            });
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> buggy.handle(null))
        .hasMessage("a bug");
  }
}
