package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.CapacityExceededException;
import io.mlsys.core.CircuitOpenException;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.MlsysException;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.core.PayloadTooLargeException;
import io.mlsys.core.QuotaExceededException;
import io.mlsys.core.UnsupportedMediaTypeException;
import io.mlsys.core.UpstreamFailureException;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HttpErrorTest {

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of(new InvalidInputException("inputs[0].datatype", "'FP99'"), 400),
        Arguments.of(new PayloadTooLargeException(10), 413),
        Arguments.of(new UnsupportedMediaTypeException("text/plain", "application/json"), 415),
        Arguments.of(new ModelNotFoundException("iris", null), 404),
        Arguments.of(new ModelNotReadyException("iris", "loading"), 503),
        Arguments.of(new ModelLoadException("iris", "corrupt", null), 400),
        Arguments.of(new CapacityExceededException("queue", Duration.ofSeconds(2)), 503),
        Arguments.of(new QuotaExceededException("user 'ci'", Duration.ofSeconds(2)), 429),
        Arguments.of(new DeadlineExceededException("model 'iris'"), 504),
        Arguments.of(new CircuitOpenException("iris"), 503),
        Arguments.of(new UpstreamFailureException("remote", "refused", null), 502),
        Arguments.of(
            new DependencyUnavailableException(
                "feature source 'jdbc:sqlite:f.db'", "refused", Duration.ofSeconds(1), null),
            503),
        Arguments.of(new ModelExecutionException("iris", "ort failed", null), 500));
  }

  @ParameterizedTest
  @MethodSource("errors")
  void mapsEachErrorKindToItsStatus(MlsysException error, int status) {
    assertThat(HttpError.of(error).status()).isEqualTo(status);
  }

  @Test
  void capacityExceededCarriesRetryAfterRoundedUpToSeconds() {
    HttpError error = HttpError.of(new CapacityExceededException("queue", Duration.ofMillis(1500)));

    assertThat(error.retryAfterSeconds()).isEqualTo("2");
  }

  @Test
  void retryAfterIsAtLeastOneSecond() {
    HttpError error = HttpError.of(new CapacityExceededException("queue", Duration.ZERO));

    assertThat(error.retryAfterSeconds()).isEqualTo("1");
  }

  @Test
  void anOpenCircuitTellsWhenItLetsCallsThroughAgain() {
    HttpError error = HttpError.of(new CircuitOpenException("iris", Duration.ofMillis(2500)));

    assertThat(error.status()).isEqualTo(503);
    assertThat(error.retryAfterSeconds()).isEqualTo("3");
  }

  @Test
  void otherErrorsHaveNoRetryAfter() {
    assertThat(HttpError.of(new CircuitOpenException("iris")).retryAfterSeconds()).isNull();
  }
}
