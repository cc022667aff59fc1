package io.mlsys.queue;

import io.mlsys.core.CapacityExceededException;
import io.mlsys.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The jobs' table in the store (owner {@value #OWNER}): every state change is one conditional
 * update, so two workers that got the same job (a redelivery after a lease ran out) cannot both
 * finish it: a job leaves {@code queued}/{@code running} exactly once.
 */
public final class JobStore {
  /**
   * The store owner: the SQLite file {@code jobs.db}, the PostgreSQL schema {@code <prefix>_jobs}.
   */
  public static final String OWNER = "jobs";

  static final int SCHEMA_VERSION = 1;
  private static final String NOT_FINAL = "state IN ('queued', 'running')";
  private static final String COLUMNS =
      "id, model, model_version, request, state, attempts, error, result, created_us, started_us,"
          + " finished_us, expires_us, caller, callback_url";
  private static final String LIST_COLUMNS =
      "id, model, model_version, NULL, state, attempts, error, NULL, created_us, started_us,"
          + " finished_us, expires_us, caller, callback_url";

  private final Store store;
  private final JobsConfig config;
  private final Clock clock;
  private final Supplier<String> ids;

  /**
   * @param store the {@value #OWNER} owner's store (its migrations applied)
   * @param ids makes new job ids (unique, URL-safe)
   */
  public JobStore(Store store, JobsConfig config, Clock clock, Supplier<String> ids) {
    this.store = Objects.requireNonNull(store, "store");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ids = Objects.requireNonNull(ids, "ids");
  }

  public Store store() {
    return store;
  }

  /** What {@link #submit} did: the job, and whether it is new (false: its key named it). */
  public record Submission(Job job, boolean created) {}

  /**
   * Stores a new job in state {@code queued}, or answers the job its idempotency key already names.
   *
   * @throws CapacityExceededException when {@code jobs.max-queued} jobs are waiting
   * @throws IdempotencyKeyReusedException when the key names a job with another request
   */
  public Submission submit(NewJob job) {
    Instant now = clock.instant();
    String sha = sha256(job.request());
    String scope = job.idempotencyKey() == null ? null : scope(job);
    return store.inTransaction(
        connection -> {
          if (scope != null) {
            Job existing = findByKey(connection, scope, job.idempotencyKey(), now, sha);
            if (existing != null) {
              return new Submission(existing, false);
            }
          }
          if (countQueued(connection) >= config.maxQueued()) {
            throw new CapacityExceededException(
                "the job queue (jobs.max-queued " + config.maxQueued() + ")",
                config.sweepInterval());
          }
          String id = ids.get();
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO jobs (id, schema_version, model, model_version, request,"
                      + " request_sha256, state, attempts, created_us, expires_us, caller,"
                      + " callback_url, idempotency_scope, idempotency_key)"
                      + " VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, id);
            insert.setInt(2, SCHEMA_VERSION);
            insert.setString(3, job.model());
            insert.setString(4, job.modelVersion());
            insert.setBytes(5, job.request());
            insert.setString(6, sha);
            insert.setLong(7, micros(now));
            insert.setLong(8, micros(now.plus(config.expireAfter())));
            insert.setString(9, job.caller());
            insert.setString(10, job.callbackUrl());
            insert.setString(11, scope);
            insert.setString(12, job.idempotencyKey());
            insert.executeUpdate();
          }
          return new Submission(
              new Job(
                  id,
                  job.model(),
                  job.modelVersion(),
                  job.request(),
                  JobState.QUEUED,
                  0,
                  null,
                  null,
                  truncate(now),
                  null,
                  null,
                  truncate(now.plus(config.expireAfter())),
                  job.caller(),
                  job.callbackUrl()),
              true);
        });
  }

  private String scope(NewJob job) {
    String version = job.modelVersion() == null ? "" : job.modelVersion();
    return switch (config.idempotency().scope()) {
      case CALLER_AND_MODEL ->
          (job.caller() == null ? "" : job.caller()) + "\n" + job.model() + "\n" + version;
      case MODEL -> "\n" + job.model() + "\n" + version;
    };
  }

  /** The live job the key names; an expired key is released so that a new job can take it. */
  private Job findByKey(Connection connection, String scope, String key, Instant now, String sha)
      throws SQLException {
    String id;
    long created;
    String storedSha;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT id, created_us, request_sha256 FROM jobs"
                + " WHERE idempotency_scope = ? AND idempotency_key = ?")) {
      select.setString(1, scope);
      select.setString(2, key);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          return null;
        }
        id = rows.getString(1);
        created = rows.getLong(2);
        storedSha = rows.getString(3);
      }
    }
    if (created < micros(now.minus(config.idempotency().ttl()))) {
      try (PreparedStatement release =
          connection.prepareStatement(
              "UPDATE jobs SET idempotency_scope = NULL, idempotency_key = NULL WHERE id = ?")) {
        release.setString(1, id);
        release.executeUpdate();
      }
      return null;
    }
    if (!storedSha.equals(sha)) {
      throw new IdempotencyKeyReusedException(key, id);
    }
    return find(connection, id, COLUMNS);
  }

  private static long countQueued(Connection connection) throws SQLException {
    try (PreparedStatement count =
            connection.prepareStatement("SELECT COUNT(*) FROM jobs WHERE state = 'queued'");
        ResultSet rows = count.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** Records that the queue backend took the job (the sweeper republishes jobs without it). */
  public void markPublished(String id) {
    update(
        "UPDATE jobs SET published_us = ? WHERE id = ? AND published_us IS NULL",
        micros(clock.instant()),
        id);
  }

  /** The job with its request and result, or empty. */
  public Optional<Job> find(String id) {
    return Optional.ofNullable(store.read(connection -> find(connection, id, COLUMNS)));
  }

  private static Job find(Connection connection, String id, String columns) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT " + columns + " FROM jobs WHERE id = ?")) {
      select.setString(1, id);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? job(rows) : null;
      }
    }
  }

  /**
   * Jobs in {@code state} (all when null), newest first, without requests and results.
   *
   * @param limit the most returned
   */
  public List<Job> list(JobState state, int limit) {
    return store.read(
        connection -> {
          String where = state == null ? "" : " WHERE state = ?";
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT "
                      + LIST_COLUMNS
                      + " FROM jobs"
                      + where
                      + " ORDER BY created_us DESC, id LIMIT ?")) {
            int index = 1;
            if (state != null) {
              select.setString(index++, state.wireName());
            }
            select.setInt(index, limit);
            List<Job> jobs = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                jobs.add(job(rows));
              }
            }
            return jobs;
          }
        });
  }

  /** How many jobs are in each state. */
  public Map<JobState, Long> counts() {
    return store.read(
        connection -> {
          Map<JobState, Long> counts = new EnumMap<>(JobState.class);
          for (JobState state : JobState.values()) {
            counts.put(state, 0L);
          }
          try (PreparedStatement select =
                  connection.prepareStatement("SELECT state, COUNT(*) FROM jobs GROUP BY state");
              ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              counts.put(JobState.parse(rows.getString(1)), rows.getLong(2));
            }
          }
          return counts;
        });
  }

  /**
   * A worker starts an attempt: {@code running}, attempts + 1 (a redelivered job that was already
   * running counts a new attempt, since the one before it died).
   *
   * @return the job as it now is, with its request; empty when it is final (or gone)
   */
  public Optional<Job> start(String id) {
    long now = micros(clock.instant());
    return Optional.ofNullable(
        store.inTransaction(
            connection -> {
              try (PreparedStatement update =
                  connection.prepareStatement(
                      "UPDATE jobs SET state = 'running', attempts = attempts + 1,"
                          + " started_us = COALESCE(started_us, ?), published_us = ?"
                          + " WHERE id = ? AND "
                          + NOT_FINAL)) {
                update.setLong(1, now);
                update.setLong(2, now);
                update.setString(3, id);
                if (update.executeUpdate() == 0) {
                  return null;
                }
              }
              return find(connection, id, COLUMNS);
            }));
  }

  /**
   * The attempt failed and another follows at {@code due}: back to {@code queued}, the error kept.
   * The wait for a lost delivery counts from {@code due}, when the retry should be delivered.
   *
   * @return false when the job was final already (cancelled meanwhile)
   */
  public boolean requeue(String id, String error, Instant due) {
    return store.inTransaction(
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE jobs SET state = 'queued', error = ?, published_us = ?"
                      + " WHERE id = ? AND state = 'running'")) {
            update.setString(1, error);
            update.setLong(2, micros(due));
            update.setString(3, id);
            return update.executeUpdate() == 1;
          }
        });
  }

  /**
   * The workers of this process still run these jobs (one write for all of them, once per third of
   * a lease): the sweeper must not count their deliveries as lost.
   */
  public void stillRunning(Collection<String> ids) {
    if (ids.isEmpty()) {
      return;
    }
    long now = micros(clock.instant());
    store.inTransaction(
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE jobs SET published_us = ? WHERE id = ? AND state = 'running'")) {
            for (String id : ids) {
              update.setLong(1, now);
              update.setString(2, id);
              update.addBatch();
            }
            update.executeBatch();
          }
          return null;
        });
  }

  /**
   * Finishes the job in {@code state} with its result or error, unless it is final already.
   *
   * @return whether this call finished it (false: another call did, and its outcome stands)
   * @throws IllegalArgumentException when {@code state} is not final
   */
  public boolean finish(String id, JobState state, byte[] result, String error) {
    if (!state.isFinal()) {
      throw new IllegalArgumentException("state: " + state + " (expected: a final state)");
    }
    long now = micros(clock.instant());
    return store.inTransaction(
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE jobs SET state = ?, result = ?, error = ?, finished_us = ?"
                      + " WHERE id = ? AND "
                      + NOT_FINAL)) {
            update.setString(1, state.wireName());
            update.setBytes(2, result);
            update.setString(3, error);
            update.setLong(4, now);
            update.setString(5, id);
            return update.executeUpdate() == 1;
          }
        });
  }

  /**
   * Expires queued jobs past their deadline.
   *
   * @return the ids expired
   */
  public List<String> expireOverdue() {
    long now = micros(clock.instant());
    // A read first: most sweeps find nothing, and then take no write lock.
    boolean any =
        store.read(
            connection -> {
              try (PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT 1 FROM jobs WHERE state = 'queued' AND expires_us < ? LIMIT 1")) {
                select.setLong(1, now);
                try (ResultSet rows = select.executeQuery()) {
                  return rows.next();
                }
              }
            });
    if (!any) {
      return List.of();
    }
    return store.inTransaction(
        connection -> {
          List<String> expired = new ArrayList<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT id FROM jobs WHERE state = 'queued' AND expires_us < ? LIMIT 1000")) {
            select.setLong(1, now);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                expired.add(rows.getString(1));
              }
            }
          }
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE jobs SET state = 'expired', finished_us = ?,"
                      + " error = 'not started within jobs.expire-after'"
                      + " WHERE id = ? AND state = 'queued'")) {
            for (String id : expired) {
              update.setLong(1, now);
              update.setString(2, id);
              update.addBatch();
            }
            if (!expired.isEmpty()) {
              update.executeBatch();
            }
          }
          return expired;
        });
  }

  /**
   * Deletes final jobs that finished more than {@code jobs.result-ttl} ago.
   *
   * @return how many
   */
  public int deleteOld() {
    long before = micros(clock.instant().minus(config.resultTtl()));
    boolean any =
        store.read(
            connection -> {
              try (PreparedStatement select =
                  connection.prepareStatement("SELECT 1 FROM jobs WHERE finished_us < ? LIMIT 1")) {
                select.setLong(1, before);
                try (ResultSet rows = select.executeQuery()) {
                  return rows.next();
                }
              }
            });
    if (!any) {
      return 0;
    }
    return update(
        "DELETE FROM jobs WHERE finished_us < ? AND state NOT IN ('queued', 'running')",
        before,
        null);
  }

  /**
   * Queued jobs created before {@code now - age} that the queue never took (the process died
   * between storing and publishing them).
   */
  public List<Job> unpublished(Duration age, int limit) {
    long before = micros(clock.instant().minus(age));
    return store.read(
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT "
                      + LIST_COLUMNS
                      + " FROM jobs WHERE state = 'queued' AND published_us IS NULL"
                      + " AND created_us < ? ORDER BY created_us LIMIT ?")) {
            select.setLong(1, before);
            select.setInt(2, limit);
            List<Job> jobs = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                jobs.add(job(rows));
              }
            }
            return jobs;
          }
        });
  }

  /**
   * Jobs not final that showed no sign of a live delivery since {@code now - after}: queued and not
   * taken by any worker (nor due as a retry) since, or running without their worker extending the
   * lease. Their queue lost the message (a Redis restarted without persistence, a broker's lost
   * state). Each is claimed by a conditional update that moves its mark to now, so that of several
   * sweepers one publishes it, once per {@code after}.
   *
   * @return the jobs this process now publishes again
   */
  public List<Job> claimLostDeliveries(Duration after, int limit) {
    return claimMarked(
        LIST_COLUMNS,
        "published_us",
        " FROM jobs WHERE " + NOT_FINAL + " AND published_us < ?",
        "published_us",
        "UPDATE jobs SET published_us = ? WHERE id = ? AND published_us = ? AND " + NOT_FINAL,
        after,
        limit);
  }

  /**
   * Final jobs whose callback was taken in hand before {@code now - grace} and never done (the
   * process sending it died): each is claimed by a conditional update, so that of several sweepers
   * one sends it.
   *
   * @return the jobs this process now sends the callback of
   */
  public List<Job> claimOverdueCallbacks(Duration grace, int limit) {
    String claimMark = "COALESCE(callback_claim_us, finished_us)";
    return claimMarked(
        COLUMNS,
        claimMark,
        " FROM jobs WHERE callback_url IS NOT NULL AND callback_done_us IS NULL AND NOT "
            + NOT_FINAL
            + " AND finished_us IS NOT NULL AND "
            + claimMark
            + " < ?",
        "finished_us",
        "UPDATE jobs SET callback_claim_us = ? WHERE id = ? AND callback_done_us IS NULL AND "
            + claimMark
            + " = ?",
        grace,
        limit);
  }

  /**
   * The sweepers' claim: the jobs {@code condition} (a {@code FROM ... WHERE} clause whose one
   * parameter is {@code now - age}) selects, oldest {@code order} first, each claimed by {@code
   * claim} (parameters: now, the id, the {@code mark} as read), a conditional update that moves the
   * mark to now, so that of several sweepers one takes each.
   *
   * @param columns the job columns read ({@link #COLUMNS} or {@link #LIST_COLUMNS})
   */
  private List<Job> claimMarked(
      String columns,
      String mark,
      String condition,
      String order,
      String claim,
      Duration age,
      int limit) {
    long now = micros(clock.instant());
    long before = micros(clock.instant().minus(age));
    // A read first: most sweeps find nothing, and then take no write lock.
    boolean any =
        store.read(
            connection -> {
              try (PreparedStatement select =
                  connection.prepareStatement("SELECT 1" + condition + " LIMIT 1")) {
                select.setLong(1, before);
                try (ResultSet rows = select.executeQuery()) {
                  return rows.next();
                }
              }
            });
    if (!any) {
      return List.of();
    }
    return store.inTransaction(
        connection -> {
          List<Job> found = new ArrayList<>();
          List<Long> marks = new ArrayList<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT "
                      + columns
                      + ", "
                      + mark
                      + condition
                      + " ORDER BY "
                      + order
                      + " LIMIT ?")) {
            select.setLong(1, before);
            select.setInt(2, limit);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                found.add(job(rows));
                marks.add(rows.getLong(15));
              }
            }
          }
          List<Job> claimed = new ArrayList<>();
          try (PreparedStatement update = connection.prepareStatement(claim)) {
            for (int i = 0; i < found.size(); i++) {
              update.setLong(1, now);
              update.setString(2, found.get(i).id());
              update.setLong(3, marks.get(i));
              if (update.executeUpdate() == 1) {
                claimed.add(found.get(i));
              }
            }
          }
          return claimed;
        });
  }

  /** The job's callback was delivered or given up: the sweeper leaves it alone. */
  public void callbackDone(String id) {
    update(
        "UPDATE jobs SET callback_done_us = ? WHERE id = ? AND callback_done_us IS NULL",
        micros(clock.instant()),
        id);
  }

  private int update(String sql, Object first, String id) {
    return store.inTransaction(
        connection -> {
          try (PreparedStatement update = connection.prepareStatement(sql)) {
            update.setObject(1, first);
            if (id != null) {
              update.setString(2, id);
            }
            return update.executeUpdate();
          }
        });
  }

  private static Job job(ResultSet rows) throws SQLException {
    return new Job(
        rows.getString(1),
        rows.getString(2),
        rows.getString(3),
        rows.getBytes(4),
        JobState.parse(rows.getString(5)),
        rows.getInt(6),
        rows.getString(7),
        rows.getBytes(8),
        instant(rows, 9),
        instant(rows, 10),
        instant(rows, 11),
        instant(rows, 12),
        rows.getString(13),
        rows.getString(14));
  }

  private static Instant instant(ResultSet rows, int column) throws SQLException {
    long micros = rows.getLong(column);
    return rows.wasNull() ? null : Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  static long micros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }

  private static Instant truncate(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }
}
