package io.mlsys.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Direct buffers for request tensors, reused across calls. ONNX Runtime reads a tensor from a
 * direct buffer in native order as it is, but copies a heap buffer into a new direct one per call;
 * a new direct buffer costs a native allocation, its zeroing and a cleaner that only the next
 * garbage collection runs, which measured about a tenth of a one-row iris call's server time. The
 * request's arrays are copied into a buffer from here instead, and the buffer comes back when the
 * call's tensors are closed.
 *
 * <p>Buffers come in power-of-two sizes from {@value #MIN_BYTES} bytes to {@value #MAX_BYTES}
 * bytes, at most {@value #KEPT_PER_SIZE} kept per size (so at most about {@code 2 * MAX_BYTES *
 * KEPT_PER_SIZE} bytes, 8 MiB, stay allocated); larger tensors take the copying path, where the
 * copy and the model's run outweigh the allocation.
 */
final class InputBuffers {
  static final int MIN_BYTES = 64;
  static final int MAX_BYTES = 256 * 1024;
  static final int KEPT_PER_SIZE = 16;

  private static final int MIN_SHIFT = Integer.numberOfTrailingZeros(MIN_BYTES);
  private static final int MAX_SHIFT = Integer.numberOfTrailingZeros(MAX_BYTES);

  /** The one pool of the process: buffers are not tied to a model. */
  static final InputBuffers SHARED = new InputBuffers();

  // Index: the size's power of two minus MIN_SHIFT.
  private final List<ArrayBlockingQueue<ByteBuffer>> kept = new ArrayList<>();

  InputBuffers() {
    for (int shift = MIN_SHIFT; shift <= MAX_SHIFT; shift++) {
      kept.add(new ArrayBlockingQueue<>(KEPT_PER_SIZE));
    }
  }

  /**
   * A direct buffer in native order, position 0 and limit {@code bytes}; null when {@code bytes} is
   * larger than {@value #MAX_BYTES}. Give it back with {@link #release} once no tensor uses it.
   */
  ByteBuffer take(long bytes) {
    if (bytes > MAX_BYTES) {
      return null;
    }
    int size = sizeClass((int) bytes);
    ByteBuffer buffer = kept.get(size).poll();
    if (buffer == null) {
      buffer = ByteBuffer.allocateDirect(1 << (size + MIN_SHIFT)).order(ByteOrder.nativeOrder());
    }
    buffer.clear().limit((int) bytes);
    return buffer;
  }

  /** Takes back a buffer from {@link #take}; kept for the next call unless enough are. */
  void release(ByteBuffer buffer) {
    int capacity = buffer.capacity();
    kept.get(Integer.numberOfTrailingZeros(capacity) - MIN_SHIFT).offer(buffer);
  }

  /** Buffers kept now, for tests. */
  int kept() {
    int total = 0;
    for (ArrayBlockingQueue<ByteBuffer> queue : kept) {
      total += queue.size();
    }
    return total;
  }

  private static int sizeClass(int bytes) {
    int shift = bytes <= MIN_BYTES ? MIN_SHIFT : 32 - Integer.numberOfLeadingZeros(bytes - 1);
    return shift - MIN_SHIFT;
  }
}
