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
  void otherFailuresStayInternal() {
    assertThat(StoreUnavailable.of(new IllegalStateException("a bug"))).isNull();
  }
}
