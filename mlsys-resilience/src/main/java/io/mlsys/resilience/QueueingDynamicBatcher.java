package io.mlsys.resilience;

import io.mlsys.core.CallContext;
import io.mlsys.core.CapacityExceededException;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.core.Predictor;
import io.mlsys.core.Tensor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link DynamicBatcher}: callers put requests into per-key groups under one lock and wait on their
 * own future; one dispatcher thread takes due groups while a batch slot is free and starts each
 * batch on a new virtual thread, no larger than {@link AdaptiveBatchCap} allows. A caller that
 * finds the model idle runs its request itself.
 */
final class QueueingDynamicBatcher implements DynamicBatcher {
  /** Weight of the newest run in the moving average of run times: about the last 10 runs count. */
  static final double RUN_TIME_WEIGHT = 0.2;

  /** The least retry-after of a queue-full rejection. */
  static final Duration MIN_RETRY_AFTER = Duration.ofMillis(1);

  private final String modelName;
  private final Predictor delegate;
  private final Clock clock;
  private final BatchingListener listener;
  private final DispatcherWait wait;
  private final int maxBatchSize;
  private final boolean[] preferredSize;
  private final int fullRows;
  private final long delayNanos;
  private final int maxQueueSize;
  private final int maxConcurrentBatches;
  private final String queueName;
  private final ThreadFactory batchThreads;
  private final Thread dispatcher;

  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock. Groups by BatchKey; a request that runs alone is its own key.
  private final Map<Object, Group> groups = new LinkedHashMap<>();
  private final AdaptiveBatchCap batchCap;
  private int depth;
  private int running;
  private boolean closed;
  private boolean runTimeKnown;
  private long runTimeNanos;

  // Cleared for good once a batched answer cannot be split; read without the lock.
  private volatile boolean batching = true;

  private QueueingDynamicBatcher(
      String modelName,
      Predictor delegate,
      BatchingConfig config,
      Clock clock,
      BatchingListener listener,
      DispatcherWait wait) {
    this.modelName = Objects.requireNonNull(modelName, "modelName");
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.wait = Objects.requireNonNull(wait, "wait");
    Objects.requireNonNull(config, "config");
    this.maxBatchSize = config.maxBatchSize();
    this.preferredSize = sizeTable(config.preferredBatchSizes(), maxBatchSize);
    this.fullRows =
        config.preferredBatchSizes().stream()
            .mapToInt(Integer::intValue)
            .max()
            .orElse(maxBatchSize);
    this.delayNanos = TimeUnit.MICROSECONDS.toNanos(config.maxQueueDelayMicros());
    this.batchCap = new AdaptiveBatchCap(maxBatchSize);
    this.maxQueueSize = config.maxQueueSize();
    this.maxConcurrentBatches =
        config.maxConcurrentBatches() == 0
            ? Runtime.getRuntime().availableProcessors()
            : config.maxConcurrentBatches();
    this.queueName = "model '" + modelName + "' batch queue";
    this.batchThreads = Thread.ofVirtual().name("mlsys-batch-" + modelName + "-", 0).factory();
    this.dispatcher =
        Thread.ofVirtual().name("mlsys-batcher-" + modelName).unstarted(this::dispatch);
  }

  /** A batcher whose dispatcher has started, waiting with {@code wait}. */
  static QueueingDynamicBatcher start(
      String modelName,
      Predictor delegate,
      BatchingConfig config,
      Clock clock,
      BatchingListener listener,
      DispatcherWait wait) {
    QueueingDynamicBatcher batcher =
        new QueueingDynamicBatcher(modelName, delegate, config, clock, listener, wait);
    listener.batchCap(modelName, batcher.batchCap.cap());
    batcher.dispatcher.start();
    return batcher;
  }

  @Override
  public InferResponse infer(InferRequest request, CallContext context) {
    long rows = BatchKey.rows(request);
    boolean alone = !batching || rows < 0 || rows > maxBatchSize;
    Pending pending =
        new Pending(
            request,
            context,
            alone ? rowsForMetrics(request) : (int) rows,
            !alone,
            clock.instant());
    Object key = alone ? pending : BatchKey.of(request);
    String rejection = null;
    Duration retryAfter = null;
    boolean runsHere = false;
    lock.lock();
    try {
      if (closed) {
        throw new ModelNotReadyException(modelName, "its batcher is closed");
      }
      if (!meetsDeadline(pending)) {
        rejection = BatchingListener.DEADLINE;
      } else if (depth >= maxQueueSize) {
        rejection = BatchingListener.QUEUE_FULL;
        retryAfter = retryAfter();
      } else if (depth == 0 && running < maxConcurrentBatches && (alone || delayNanos == 0)) {
        // Idle, and nothing to wait for: run on the caller's thread, with no hand-off at all.
        running++;
        runsHere = true;
      } else {
        Group group = groups.computeIfAbsent(key, k -> new Group(k, alone));
        group.queue.addLast(pending);
        group.rows += pending.rows;
        pending.group = group;
        depth++;
      }
    } finally {
      lock.unlock();
    }
    if (runsHere) {
      run(List.of(pending));
      return await(pending);
    }
    if (rejection == null) {
      LockSupport.unpark(dispatcher);
      return await(pending);
    }
    listener.rejected(modelName, rejection);
    if (retryAfter != null) {
      throw new CapacityExceededException(
          queueName + " (max-queue-size " + maxQueueSize + ")", retryAfter);
    }
    throw new DeadlineExceededException(queueName);
  }

  @Override
  public int queueDepth() {
    lock.lock();
    try {
      return depth;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
    } finally {
      lock.unlock();
    }
    LockSupport.unpark(dispatcher);
    // Queued callers are owed an answer, and the owner closes the model next: wait regardless.
    boolean interrupted = false;
    while (true) {
      try {
        dispatcher.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private InferResponse await(Pending pending) {
    try {
      Optional<Duration> remaining = pending.context.remaining();
      if (remaining.isPresent()) {
        try {
          return pending.result.get(saturatedNanos(remaining.get()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          if (cancel(pending)) {
            listener.rejected(modelName, BatchingListener.DEADLINE);
            throw new DeadlineExceededException(queueName);
          }
          // Already running: its answer is on the way, and the model sees the deadline.
        }
      }
      return pending.result.get();
    } catch (ExecutionException e) {
      if (pending.rejectedInQueue) {
        listener.rejected(modelName, BatchingListener.DEADLINE);
      }
      throw unchecked(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel(pending);
      throw new ModelNotReadyException(modelName, "interrupted while waiting for its batch");
    }
  }

  /** Takes the request out of the queue if no batch has taken it yet. */
  private boolean cancel(Pending pending) {
    lock.lock();
    try {
      Group group = pending.group;
      if (group == null) {
        return false;
      }
      group.queue.remove(pending);
      forget(group, pending);
      if (group.queue.isEmpty()) {
        groups.remove(group.key);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The dispatcher thread: starts due batches while slots are free, else waits. */
  private void dispatch() {
    lock.lock();
    try {
      while (!(closed && depth == 0 && running == 0)) {
        long waitNanos = DispatcherWait.FOREVER;
        if (running < maxConcurrentBatches && depth > 0) {
          Instant now = clock.instant();
          Group due = null;
          for (Group group : groups.values()) {
            long left = nanosUntilDue(group, now);
            if (left > 0) {
              waitNanos = Math.min(waitNanos, left);
            } else if (due == null || group.oldest().isBefore(due.oldest())) {
              due = group;
            }
          }
          if (due != null) {
            List<Pending> batch = take(due);
            if (!batch.isEmpty()) {
              running++;
              batchThreads.newThread(() -> run(batch)).start();
            }
            continue;
          }
        }
        lock.unlock();
        try {
          wait.park(waitNanos);
        } finally {
          lock.lock();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Nanoseconds until the group should run; <= 0 when it should run now. Lock held. */
  private long nanosUntilDue(Group group, Instant now) {
    if (group.alone
        || closed
        || delayNanos == 0
        || group.rows >= Math.min(fullRows, batchCap.limit())
        || !batching) {
      return 0;
    }
    return delayNanos - nanosBetween(group.oldest(), now);
  }

  /**
   * Removes the next batch from the group: requests in arrival order up to the adaptive limit of
   * rows, cut to a preferred size; requests that can no longer meet their deadline are failed
   * instead. Lock held.
   */
  private List<Pending> take(Group group) {
    List<Pending> batch = new ArrayList<>();
    int limit = batchCap.limit();
    int rows = 0;
    for (Iterator<Pending> it = group.queue.iterator(); it.hasNext(); ) {
      Pending pending = it.next();
      if (!meetsDeadline(pending)) {
        it.remove();
        forget(group, pending);
        pending.rejectedInQueue = true;
        pending.result.completeExceptionally(new DeadlineExceededException(queueName));
        continue;
      }
      if (!batch.isEmpty() && (!batching || rows + pending.rows > limit)) {
        break;
      }
      batch.add(pending);
      rows += pending.rows;
    }
    int[] batchRows = new int[batch.size()];
    for (int i = 0; i < batchRows.length; i++) {
      batchRows[i] = batch.get(i).rows;
    }
    int keep = preferredPrefix(batchRows, preferredSize);
    // The batch is the front of the queue: the rejected ones between were removed above.
    int keptRows = 0;
    for (int i = 0; i < keep; i++) {
      Pending pending = group.queue.removeFirst();
      keptRows += pending.rows;
      forget(group, pending);
    }
    if (!group.alone) {
      batchCap.started(keptRows);
    }
    if (group.queue.isEmpty()) {
      groups.remove(group.key);
    }
    return List.copyOf(batch.subList(0, keep));
  }

  private void forget(Group group, Pending pending) {
    group.rows -= pending.rows;
    depth--;
    pending.group = null;
  }

  /** One batch, on its own virtual thread or its only caller's; frees the slot it holds. */
  private void run(List<Pending> batch) {
    try {
      Instant start = clock.instant();
      for (Pending pending : batch) {
        listener.queued(modelName, nanosBetween(pending.enqueuedAt, start));
      }
      if (batch.size() == 1) {
        runAlone(batch.getFirst());
      } else {
        runTogether(batch);
      }
    } catch (Throwable t) {
      // The batched call failed: every request in it fails with the same error. Requests already
      // answered (a partial run alone) keep their answers.
      for (Pending pending : batch) {
        pending.result.completeExceptionally(t);
      }
    } finally {
      boolean waiting;
      lock.lock();
      try {
        running--;
        waiting = depth > 0 || closed;
      } finally {
        lock.unlock();
      }
      // The freed slot matters to the dispatcher only when something waits for it.
      if (waiting) {
        LockSupport.unpark(dispatcher);
      }
    }
  }

  private void runAlone(Pending pending) {
    listener.batchRun(modelName, 1, pending.rows);
    Instant start = clock.instant();
    InferResponse response = delegate.infer(pending.request, pending.context);
    recordRunTime(start, pending.batchable ? pending.rows : 0);
    pending.result.complete(response);
  }

  private void runTogether(List<Pending> batch) {
    int[] rows = new int[batch.size()];
    List<InferRequest> requests = new ArrayList<>(batch.size());
    int total = 0;
    for (int i = 0; i < rows.length; i++) {
      Pending pending = batch.get(i);
      rows[i] = pending.rows;
      total += pending.rows;
      requests.add(pending.request);
    }
    InferRequest joined = TensorBatches.concat(requests, total);
    listener.batchRun(modelName, batch.size(), total);
    Instant start = clock.instant();
    InferResponse answer;
    try {
      answer = delegate.infer(joined, batchContext(batch));
    } catch (InvalidInputException e) {
      // Possibly one request's data: let each request meet its own answer or error.
      runEachAlone(batch);
      return;
    }
    recordRunTime(start, total);
    Optional<List<List<Tensor>>> parts = TensorBatches.split(answer.outputs(), rows);
    if (parts.isEmpty()) {
      batching = false;
      runEachAlone(batch);
      return;
    }
    for (int i = 0; i < rows.length; i++) {
      Pending pending = batch.get(i);
      pending.result.complete(
          new InferResponse(
              answer.modelName(),
              answer.modelVersion(),
              pending.request.id(),
              parts.get().get(i),
              answer.parameters()));
    }
  }

  private void runEachAlone(List<Pending> batch) {
    for (Pending pending : batch) {
      try {
        runAlone(pending);
      } catch (RuntimeException e) {
        pending.result.completeExceptionally(e);
      }
    }
  }

  /**
   * The latest deadline of the batch (none if one has none), no headers, the first trace id, and no
   * attributes: the call serves several callers, so none of their per-call facts is its own.
   */
  private CallContext batchContext(List<Pending> batch) {
    Instant latest = null;
    for (Pending pending : batch) {
      Instant deadline = pending.context.deadline();
      if (deadline == null) {
        latest = null;
        break;
      }
      if (latest == null || deadline.isAfter(latest)) {
        latest = deadline;
      }
    }
    return new CallContext(clock, latest, Map.of(), batch.getFirst().context.traceId(), Map.of());
  }

  /**
   * Feeds the moving average of run times and, for a batch of 1 to max-batch-size rows that could
   * have been batched ({@code batchRows} 0 otherwise), the adaptive cap.
   */
  private void recordRunTime(Instant start, int batchRows) {
    long nanos = nanosBetween(start, clock.instant());
    int capBefore;
    int capAfter;
    lock.lock();
    try {
      capBefore = batchCap.cap();
      batchCap.record(batchRows, nanos);
      capAfter = batchCap.cap();
      if (runTimeKnown) {
        runTimeNanos += (long) (RUN_TIME_WEIGHT * (nanos - runTimeNanos));
      } else {
        runTimeNanos = nanos;
        runTimeKnown = true;
      }
    } finally {
      lock.unlock();
    }
    if (capAfter != capBefore) {
      listener.batchCap(modelName, capAfter);
    }
  }

  /** False when the deadline has passed or would pass before a batch could finish. Lock held. */
  private boolean meetsDeadline(Pending pending) {
    Instant deadline = pending.context.deadline();
    if (deadline == null) {
      return true;
    }
    Instant now = pending.context.clock().instant();
    return now.isBefore(deadline) && !now.plusNanos(runTimeNanos).isAfter(deadline);
  }

  /**
   * About the time to run what is queued: batches of the cap's size in waves of
   * max-concurrent-batches, each taking the recent run time. Lock held.
   */
  private Duration retryAfter() {
    long waves = Math.ceilDiv(Math.ceilDiv(depth, batchCap.cap()), maxConcurrentBatches);
    Duration estimate = Duration.ofNanos(runTimeNanos).multipliedBy(waves);
    return estimate.compareTo(MIN_RETRY_AFTER) < 0 ? MIN_RETRY_AFTER : estimate;
  }

  /**
   * How many of the first requests to keep so the batch's rows are a preferred size: all of them
   * when no sizes are preferred or the total already is one, else the most that make the largest
   * preferred size reachable at a request boundary, else all of them.
   *
   * @param preferred from {@link #sizeTable}; empty when no sizes are preferred
   */
  static int preferredPrefix(int[] rows, boolean[] preferred) {
    int total = 0;
    for (int r : rows) {
      total += r;
    }
    if (preferred.length == 0 || (total < preferred.length && preferred[total])) {
      return rows.length;
    }
    int keep = rows.length;
    int best = 0;
    int sum = 0;
    for (int k = 1; k < rows.length; k++) {
      sum += rows[k - 1];
      if (sum < preferred.length && preferred[sum] && sum > 0 && sum >= best) {
        best = sum;
        keep = k;
      }
    }
    return keep;
  }

  /** {@code table[n]} is true when n is one of {@code sizes}; empty when there are none. */
  static boolean[] sizeTable(List<Integer> sizes, int maxBatchSize) {
    if (sizes.isEmpty()) {
      return new boolean[0];
    }
    boolean[] table = new boolean[maxBatchSize + 1];
    for (int size : sizes) {
      table[size] = true;
    }
    return table;
  }

  /** The rows a request that runs alone is reported with: its first input's first dimension. */
  private static int rowsForMetrics(InferRequest request) {
    if (request.inputs().isEmpty()) {
      return 0;
    }
    return (int) Math.min(request.inputs().getFirst().batchSize(), Integer.MAX_VALUE);
  }

  private RuntimeException unchecked(Throwable cause) {
    if (cause instanceof RuntimeException e) {
      return e;
    }
    if (cause instanceof Error e) {
      throw e;
    }
    return new ModelExecutionException(modelName, String.valueOf(cause), cause);
  }

  private static long nanosBetween(Instant from, Instant to) {
    return saturatedNanos(Duration.between(from, to));
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** Compatible requests waiting together, oldest first. */
  private static final class Group {
    final Object key;
    final boolean alone;
    final ArrayDeque<Pending> queue = new ArrayDeque<>();
    int rows;

    Group(Object key, boolean alone) {
      this.key = key;
      this.alone = alone;
    }

    Instant oldest() {
      return queue.getFirst().enqueuedAt;
    }
  }

  /** One caller's request while it waits; the caller blocks on {@link #result}. */
  private static final class Pending {
    final InferRequest request;
    final CallContext context;
    final int rows;
    // False for a request that runs alone because it cannot join any batch.
    final boolean batchable;
    final Instant enqueuedAt;
    final CompletableFuture<InferResponse> result = new CompletableFuture<>();
    // Guarded by the batcher's lock: the group it waits in, null once taken or cancelled.
    Group group;
    // Set before result fails, so the caller reports the rejection.
    volatile boolean rejectedInQueue;

    Pending(
        InferRequest request,
        CallContext context,
        int rows,
        boolean batchable,
        Instant enqueuedAt) {
      this.request = request;
      this.context = context;
      this.rows = rows;
      this.batchable = batchable;
      this.enqueuedAt = enqueuedAt;
    }
  }
}
