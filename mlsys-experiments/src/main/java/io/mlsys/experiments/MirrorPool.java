package io.mlsys.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.function.LongSupplier;

/**
 * The candidates' calls of one mirror node: a bounded queue and a fixed number of workers, one
 * generation long. Offering never blocks: a full queue refuses, and the node counts the call as
 * shed, so a slow candidate costs the primary nothing but the offer.
 */
final class MirrorPool implements AutoCloseable {
  /** What makes a pool distinct in its generation. */
  record Key(String path, int capacity, int concurrency, Double budget) {}

  /** The budget's burst: candidate time that may be spent at once after an idle spell. */
  static final long BURST_NANOS = 20_000_000;

  private final BlockingQueue<Runnable> queue;
  private final List<Thread> workers = new ArrayList<>();
  private final double budget;
  private final LongSupplier nanos;
  private long tokens;
  private long refilled;
  private volatile boolean closed;

  MirrorPool(int capacity, int concurrency, ThreadFactory threads) {
    this(capacity, concurrency, threads, null, System::nanoTime);
  }

  /**
   * @param budget the share of one core's time the tasks may take together (a token bucket of task
   *     time refilled at this rate, {@link #BURST_NANOS} deep); null: none
   * @param nanos the ticker that times the tasks
   */
  MirrorPool(
      int capacity, int concurrency, ThreadFactory threads, Double budget, LongSupplier nanos) {
    this.budget = budget == null ? 0 : budget;
    this.nanos = nanos;
    this.refilled = nanos.getAsLong();
    this.tokens = (long) (BURST_NANOS * this.budget);
    this.queue = new ArrayBlockingQueue<>(capacity);
    for (int i = 0; i < concurrency; i++) {
      Thread worker = threads.newThread(this::work);
      workers.add(worker);
      worker.start();
    }
  }

  /** Queues a task; false when the queue is full, the budget spent or the pool closed. */
  boolean offer(Runnable task) {
    return !closed && withinBudget() && queue.offer(task);
  }

  private boolean withinBudget() {
    if (budget <= 0) {
      return true;
    }
    synchronized (this) {
      long now = nanos.getAsLong();
      long cap = (long) (BURST_NANOS * budget);
      tokens = Math.min(cap, tokens + (long) ((now - refilled) * budget));
      refilled = now;
      return tokens > 0;
    }
  }

  /** A task took {@code spent} nanoseconds: the budget pays for it. */
  private void spend(long spent) {
    if (budget > 0) {
      synchronized (this) {
        tokens -= spent;
      }
    }
  }

  /** The budget's balance in nanoseconds of task time (negative: overspent). */
  synchronized long tokens() {
    return tokens;
  }

  /** Tasks waiting for a worker. */
  int queued() {
    return queue.size();
  }

  private void work() {
    while (!closed) {
      Runnable task;
      try {
        task = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      long start = nanos.getAsLong();
      try {
        task.run();
      } finally {
        spend(nanos.getAsLong() - start);
      }
    }
  }

  /** Stops the workers; queued candidate calls are dropped (the generation is gone). */
  @Override
  public void close() {
    closed = true;
    queue.clear();
    workers.forEach(Thread::interrupt);
  }
}
