package io.mlsys.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;

/**
 * The candidates' calls of one mirror node: a bounded queue and a fixed number of workers, one
 * generation long. Offering never blocks: a full queue refuses, and the node counts the call as
 * shed, so a slow candidate costs the primary nothing but the offer.
 */
final class MirrorPool implements AutoCloseable {
  /** What makes a pool distinct in its generation. */
  record Key(String path, int capacity, int concurrency) {}

  private final BlockingQueue<Runnable> queue;
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean closed;

  MirrorPool(int capacity, int concurrency, ThreadFactory threads) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    for (int i = 0; i < concurrency; i++) {
      Thread worker = threads.newThread(this::work);
      workers.add(worker);
      worker.start();
    }
  }

  /** Queues a task; false when the queue is full or the pool closed. */
  boolean offer(Runnable task) {
    return !closed && queue.offer(task);
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
      task.run();
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
