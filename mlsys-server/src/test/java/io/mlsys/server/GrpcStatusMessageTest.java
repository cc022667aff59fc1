package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Status descriptions stay small enough for any gRPC client's metadata limit. */
class GrpcStatusMessageTest {
  private static final GrpcStatus INVALID =
      new GrpcStatus(Status.Code.INVALID_ARGUMENT, "invalid_input", null);

  /** What the description takes in the grpc-message trailer (percent-encoded UTF-8). */
  private static int encodedBytes(String description) {
    int bytes = 0;
    for (byte b : description.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      bytes += (b >= ' ' && b <= '~' && b != '%') ? 1 : 3;
    }
    return bytes;
  }

  @Test
  void shortMessageIsKeptAsItIs() {
    assertThat(INVALID.toException("inputs[0].shape: [2, 2]").getStatus().getDescription())
        .isEqualTo("inputs[0].shape: [2, 2]");
  }

  @Test
  void longMessageIsCutAndSaysHowMuchWasLeftOut() {
    String message = "inputs[0].shape: " + "1, ".repeat(100_000);

    String description = INVALID.toException(message).getStatus().getDescription();

    assertThat(encodedBytes(description)).isLessThanOrEqualTo(GrpcStatus.MAX_DESCRIPTION_BYTES);
    assertThat(description).startsWith("inputs[0].shape: 1, 1, ");
    int kept = description.indexOf("... (");
    assertThat(description).endsWith("... (" + (message.length() - kept) + " more characters)");
  }

  @Test
  void nonAsciiIsCountedAsItIsEncoded() {
    String message = "é".repeat(5_000);

    String description = INVALID.toException(message).getStatus().getDescription();

    assertThat(encodedBytes(description)).isLessThanOrEqualTo(GrpcStatus.MAX_DESCRIPTION_BYTES);
    assertThat(description).startsWith("éé");
  }

  @Test
  void messageInTheStatusDetailsIsCutToo() {
    GrpcStatus overloaded =
        new GrpcStatus(Status.Code.RESOURCE_EXHAUSTED, "capacity_exceeded", Duration.ofSeconds(1));

    StatusRuntimeException exception = overloaded.toException("x".repeat(100_000));

    assertThat(exception.getStatus().getDescription().length())
        .isLessThanOrEqualTo(GrpcStatus.MAX_DESCRIPTION_BYTES);
    assertThat(io.grpc.protobuf.StatusProto.fromThrowable(exception).getMessage().length())
        .isLessThanOrEqualTo(GrpcStatus.MAX_DESCRIPTION_BYTES);
  }

  @Test
  void unreadableRequestIsResourceExhaustedWhenTooLargeElseInvalidArgument() {
    assertThat(
            GrpcStatus.ofUnreadableRequest(
                    Status.RESOURCE_EXHAUSTED.withDescription("too big").withCause(new Error()))
                .getCode())
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    Status garbage =
        GrpcStatus.ofUnreadableRequest(
            Status.INTERNAL.withDescription("Invalid protobuf byte sequence"));
    assertThat(garbage.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(garbage.getDescription())
        .isEqualTo("request message: cannot be read (Invalid protobuf byte sequence)");
    assertThat(garbage.getCause()).isNull();
  }
}
