package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
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

class GrpcStatusTest {

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of(
            new InvalidInputException("inputs[0].datatype", "'FP99'"),
            Status.Code.INVALID_ARGUMENT),
        Arguments.of(new PayloadTooLargeException(10), Status.Code.INVALID_ARGUMENT),
        Arguments.of(
            new UnsupportedMediaTypeException("text/plain", "application/json"),
            Status.Code.INVALID_ARGUMENT),
        Arguments.of(new ModelNotFoundException("iris", null), Status.Code.NOT_FOUND),
        Arguments.of(new ModelNotReadyException("iris", "loading"), Status.Code.UNAVAILABLE),
        Arguments.of(new ModelLoadException("iris", "corrupt", null), Status.Code.INVALID_ARGUMENT),
        Arguments.of(
            new CapacityExceededException("queue", Duration.ofSeconds(2)), Status.Code.UNAVAILABLE),
        Arguments.of(
            new QuotaExceededException("user 'ci'", Duration.ofSeconds(2)),
            Status.Code.RESOURCE_EXHAUSTED),
        Arguments.of(new DeadlineExceededException("model 'iris'"), Status.Code.DEADLINE_EXCEEDED),
        Arguments.of(new CircuitOpenException("iris"), Status.Code.UNAVAILABLE),
        Arguments.of(
            new UpstreamFailureException("remote", "refused", null), Status.Code.UNAVAILABLE),
        Arguments.of(
            new DependencyUnavailableException("redis", "refused", Duration.ofSeconds(1), null),
            Status.Code.UNAVAILABLE),
        Arguments.of(
            new ModelExecutionException("iris", "ort failed", null), Status.Code.INTERNAL));
  }

  @ParameterizedTest
  @MethodSource("errors")
  void mapsEachErrorKindToItsCode(MlsysException error, Status.Code code) {
    assertThat(GrpcStatus.of(error).code()).isEqualTo(code);
  }

  @ParameterizedTest
  @MethodSource("errors")
  void usesTheSameErrorKindsAsHttp(MlsysException error, Status.Code unused) {
    assertThat(GrpcStatus.of(error).kind()).isEqualTo(HttpError.of(error).kind());
  }

  @Test
  void theExceptionCarriesTheMessage() {
    InvalidInputException error = new InvalidInputException("inputs[0].datatype", "'FP99'");

    StatusRuntimeException exception = GrpcStatus.of(error).toException(error.getMessage());

    assertThat(exception.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(exception.getStatus().getDescription()).isEqualTo("inputs[0].datatype: 'FP99'");
  }

  @Test
  void capacityExceededCarriesRetryInfo() throws InvalidProtocolBufferException {
    CapacityExceededException error =
        new CapacityExceededException("queue", Duration.ofMillis(1500));

    StatusRuntimeException exception = GrpcStatus.of(error).toException(error.getMessage());

    com.google.rpc.Status status = StatusProto.fromThrowable(exception);
    assertThat(exception.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getMessage()).isEqualTo("queue is at capacity (retry after 1500 ms)");
    RetryInfo retry = status.getDetails(0).unpack(RetryInfo.class);
    assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(1);
    assertThat(retry.getRetryDelay().getNanos()).isEqualTo(500_000_000);
  }

  @Test
  void otherErrorsHaveNoDetails() {
    StatusRuntimeException exception =
        GrpcStatus.of(new CircuitOpenException("iris")).toException("circuit 'iris' is open");

    assertThat(StatusProto.fromThrowable(exception).getDetailsCount()).isZero();
  }

  @Test
  void modelAndUpstreamFailuresAreServerFaults() {
    assertThat(GrpcStatus.of(new ModelExecutionException("iris", "x", null)).isServerFault())
        .isTrue();
    assertThat(GrpcStatus.of(new UpstreamFailureException("r", "x", null)).isServerFault())
        .isTrue();
    assertThat(GrpcStatus.of(new ModelNotReadyException("iris", "x")).isServerFault()).isFalse();
    assertThat(GrpcStatus.of(new InvalidInputException("f", "x")).isServerFault()).isFalse();
  }
}
