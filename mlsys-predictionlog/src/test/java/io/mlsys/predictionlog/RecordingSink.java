package io.mlsys.predictionlog;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sink that keeps what it receives, and can be told to fail (as a store that is down) or to hold
 * its writes until released (as a slow one).
 */
final class RecordingSink implements EventSink {
  private final String name;
  private final List<PredictionEvent> received = new ArrayList<>();
  private volatile boolean down;
  private volatile CountDownLatch gate;
  private final AtomicInteger failures = new AtomicInteger();
  private volatile boolean closed;

  RecordingSink(String name) {
    this.name = name;
  }

  void down(boolean isDown) {
    down = isDown;
  }

  /** Holds every write until {@link #release()}. */
  void hold() {
    gate = new CountDownLatch(1);
  }

  void release() {
    gate.countDown();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void write(List<PredictionEvent> batch) throws Exception {
    CountDownLatch waitFor = gate;
    if (waitFor != null) {
      waitFor.await();
    }
    if (down) {
      failures.incrementAndGet();
      throw new IllegalStateException(name + " is down");
    }
    synchronized (received) {
      received.addAll(batch);
    }
  }

  List<PredictionEvent> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  int failures() {
    return failures.get();
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
  }
}
