package io.mlsys.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InputBuffersTest {
  private final InputBuffers buffers = new InputBuffers();

  @Test
  void aBufferIsDirectInNativeOrderAndLimitedToTheBytesAsked() {
    ByteBuffer buffer = buffers.take(16);

    assertThat(buffer.isDirect()).isTrue();
    assertThat(buffer.order()).isEqualTo(ByteOrder.nativeOrder());
    assertThat(buffer.position()).isZero();
    assertThat(buffer.limit()).isEqualTo(16);
    assertThat(buffer.capacity()).isEqualTo(InputBuffers.MIN_BYTES);
    assertThat(buffers.take(65).capacity()).isEqualTo(128);
    assertThat(buffers.take(InputBuffers.MAX_BYTES).capacity()).isEqualTo(InputBuffers.MAX_BYTES);
  }

  @Test
  void aReleasedBufferIsTheNextOneOfItsSizeAndComesBackCleared() {
    ByteBuffer first = buffers.take(100);
    first.putInt(7).limit(8);
    buffers.release(first);

    ByteBuffer again = buffers.take(120);

    assertThat(again).isSameAs(first);
    assertThat(again.position()).isZero();
    assertThat(again.limit()).isEqualTo(120);
    assertThat(buffers.take(100)).isNotSameAs(first);
  }

  @Test
  void largerTensorsTakeNoBufferAndAtMostAFewAreKeptPerSize() {
    assertThat(buffers.take(InputBuffers.MAX_BYTES + 1L)).isNull();

    List<ByteBuffer> taken = new ArrayList<>();
    for (int i = 0; i < 3 * InputBuffers.KEPT_PER_SIZE; i++) {
      taken.add(buffers.take(16));
    }
    taken.forEach(buffers::release);

    assertThat(buffers.kept()).isEqualTo(InputBuffers.KEPT_PER_SIZE);
  }
}
