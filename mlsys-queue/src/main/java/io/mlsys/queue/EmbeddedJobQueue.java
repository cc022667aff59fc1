package io.mlsys.queue;

import io.mlsys.store.Store;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * The embedded backend: the store is the queue. Each waiting job is a row of {@code
 * job_deliveries}; a delivery claims the oldest visible row in one write transaction ({@code SELECT
 * ... FOR UPDATE SKIP LOCKED} on PostgreSQL, so workers do not queue behind one another; {@code
 * BEGIN IMMEDIATE} on SQLite) and hides it for the lease under a fresh token. Acknowledging deletes
 * the row; a worker that dies leaves it to reappear when the lease ends. Works across processes on
 * the same SQLite file or PostgreSQL schema.
 *
 * <p>Publications in this process wake its waiting receivers at once; other processes' are seen at
 * the next poll ({@link #POLL_INTERVAL}).
 */
public final class EmbeddedJobQueue implements JobQueue {
  /** How often an idle receiver looks for jobs published by other processes. */
  public static final Duration POLL_INTERVAL = Duration.ofMillis(50);

  private final Store store;
  private final Clock clock;
  private final Duration lease;
  private final RandomGenerator random;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition published = lock.newCondition();
  private final Map<String, EmbeddedDelivery> held = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param store the {@value JobStore#OWNER} owner's store
   * @param lease how long a delivery stays hidden unless extended
   * @param random makes lease tokens
   */
  public EmbeddedJobQueue(Store store, Clock clock, Duration lease, RandomGenerator random) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lease = Objects.requireNonNull(lease, "lease");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** A queue with lease tokens from a {@link SecureRandom}. */
  public static EmbeddedJobQueue open(Store store, Clock clock, Duration lease) {
    return new EmbeddedJobQueue(store, clock, lease, new SecureRandom());
  }

  @Override
  public String backend() {
    return "embedded";
  }

  @Override
  public boolean deliveriesInStore() {
    return true;
  }

  @Override
  public void publish(String jobId, String model, Instant notBefore) {
    store.inTransaction(
        connection -> {
          try (PreparedStatement upsert =
              connection.prepareStatement(
                  "INSERT INTO job_deliveries (job_id, model, visible_us, deliveries)"
                      + " VALUES (?, ?, ?, 0) ON CONFLICT (job_id) DO UPDATE"
                      + " SET visible_us = excluded.visible_us, lease_token = NULL")) {
            upsert.setString(1, jobId);
            upsert.setString(2, model);
            upsert.setLong(3, JobStore.micros(notBefore));
            return upsert.executeUpdate();
          }
        });
    wakeReceivers();
  }

  private void wakeReceivers() {
    lock.lock();
    try {
      published.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<Delivery> receive(Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (!closed) {
      EmbeddedDelivery delivery = claim();
      if (delivery != null) {
        held.put(delivery.token, delivery);
        return Optional.of(delivery);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      lock.lockInterruptibly();
      try {
        published.await(Math.min(left, POLL_INTERVAL.toNanos()), TimeUnit.NANOSECONDS);
      } finally {
        lock.unlock();
      }
    }
    return Optional.empty();
  }

  private EmbeddedDelivery claim() {
    Instant now = clock.instant();
    // A read first: an idle poll then takes no write lock (SQLite has one for all processes).
    boolean any =
        store.read(
            connection -> {
              try (PreparedStatement peek =
                  connection.prepareStatement(
                      "SELECT 1 FROM job_deliveries WHERE visible_us <= ? LIMIT 1")) {
                peek.setLong(1, JobStore.micros(now));
                try (ResultSet rows = peek.executeQuery()) {
                  return rows.next();
                }
              }
            });
    if (!any) {
      return null;
    }
    String token = token();
    boolean skipLocked = store.database().supportsSkipLocked();
    return store.inTransaction(
        connection -> {
          String jobId;
          int deliveries;
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT job_id, deliveries FROM job_deliveries WHERE visible_us <= ?"
                      + " ORDER BY visible_us LIMIT 1"
                      + (skipLocked ? " FOR UPDATE SKIP LOCKED" : ""))) {
            select.setLong(1, JobStore.micros(now));
            try (ResultSet rows = select.executeQuery()) {
              if (!rows.next()) {
                return null;
              }
              jobId = rows.getString(1);
              deliveries = rows.getInt(2) + 1;
            }
          }
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE job_deliveries SET visible_us = ?, deliveries = ?, lease_token = ?"
                      + " WHERE job_id = ?")) {
            update.setLong(1, JobStore.micros(now.plus(lease)));
            update.setInt(2, deliveries);
            update.setString(3, token);
            update.setString(4, jobId);
            update.executeUpdate();
          }
          return new EmbeddedDelivery(jobId, deliveries, token);
        });
  }

  private String token() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** How many jobs wait or are held (for the queue-depth gauge). */
  public long depth() {
    return store.read(
        connection -> {
          try (PreparedStatement count =
                  connection.prepareStatement("SELECT COUNT(*) FROM job_deliveries");
              ResultSet rows = count.executeQuery()) {
            rows.next();
            return rows.getLong(1);
          }
        });
  }

  /** Hands this process's unacknowledged deliveries back at once (not at their lease's end). */
  @Override
  public void close() {
    closed = true;
    wakeReceivers();
    for (EmbeddedDelivery delivery : held.values()) {
      try {
        delivery.retryAt(clock.instant());
      } catch (RuntimeException e) {
        // The lease still returns it: nothing is lost, it only waits longer.
      }
    }
  }

  private final class EmbeddedDelivery implements Delivery {
    private final String jobId;
    private final int deliveryCount;
    private final String token;

    EmbeddedDelivery(String jobId, int deliveryCount, String token) {
      this.jobId = jobId;
      this.deliveryCount = deliveryCount;
      this.token = token;
    }

    @Override
    public String jobId() {
      return jobId;
    }

    @Override
    public int deliveryCount() {
      return deliveryCount;
    }

    @Override
    public void ack() {
      held.remove(token);
      // The token makes a late ack of a delivery whose lease ran out (and that another worker now
      // holds) a no-op.
      execute("DELETE FROM job_deliveries WHERE job_id = ? AND lease_token = ?", null);
    }

    @Override
    public void retryAt(Instant notBefore) {
      held.remove(token);
      execute(
          "UPDATE job_deliveries SET visible_us = ?, lease_token = NULL"
              + " WHERE job_id = ? AND lease_token = ?",
          JobStore.micros(notBefore));
      wakeReceivers();
    }

    @Override
    public void extendLease(Duration more) {
      execute(
          "UPDATE job_deliveries SET visible_us = ? WHERE job_id = ? AND lease_token = ?",
          JobStore.micros(clock.instant().plus(more)));
    }

    private void execute(String sql, Long micros) {
      store.inTransaction(
          connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
              int index = 1;
              if (micros != null) {
                statement.setLong(index++, micros);
              }
              statement.setString(index++, jobId);
              statement.setString(index, token);
              return statement.executeUpdate();
            }
          });
    }
  }
}
