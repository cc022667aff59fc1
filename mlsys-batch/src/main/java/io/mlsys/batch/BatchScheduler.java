package io.mlsys.batch;

import io.mlsys.store.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides, through a lease in the store (owner {@value #OWNER}), which scheduler starts a scheduled
 * job's run. Each job has a row: the scheduled time of the last run started, and the holder of the
 * run going on with the time its lease expires. A scheduler starts the run due now only by a
 * conditional update that finds that time older and no live holder, in one transaction: two
 * schedulers never start the same run, and a run never overlaps the one before it (a run that
 * outlasts several scheduled times is followed by one run, not by one per time missed). A holder
 * renews its lease while its run goes on; one that died stops renewing, and after its lease expires
 * the next scheduled time is started by whoever comes first, resuming the killed run from its
 * checkpoint.
 */
public final class BatchScheduler {
  /** The store owner whose database holds the leases. */
  public static final String OWNER = "batch";

  private static final int SCHEMA_VERSION = 1;

  private final Store store;
  private final String holder;
  private final Clock clock;

  /**
   * @param store the {@value #OWNER} owner's store
   * @param holder who this scheduler is (a host and process id), written in the rows it holds
   */
  public BatchScheduler(Store store, String holder, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.holder = Objects.requireNonNull(holder, "holder");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (!OWNER.equals(store.owner())) {
      throw new IllegalArgumentException(
          "store: owner '" + store.owner() + "' (expected: " + OWNER + ")");
    }
  }

  /**
   * Takes the lease of the run of {@code job} due now, if this scheduler is to start it.
   *
   * <p>A job seen for the first time starts at its next scheduled time, not at one already past.
   *
   * @return the scheduled time of the run to start now; empty when none is due, another scheduler
   *     started it, or the previous run still holds its lease
   */
  public Optional<Instant> tryStart(String job, ScheduleSpec schedule) {
    Instant now = clock.instant();
    Optional<Instant> due = CronSchedule.of(schedule).last(now);
    if (due.isEmpty()) {
      return Optional.empty();
    }
    long fire = due.get().toEpochMilli();
    long expires = now.plus(schedule.lease()).toEpochMilli();
    boolean started =
        store.inTransaction(
            connection -> {
              try (PreparedStatement insert =
                  connection.prepareStatement(
                      "INSERT INTO batch_leases (job, schema_version, holder, expires_ms,"
                          + " last_fire_ms) VALUES (?, ?, NULL, 0, ?) ON CONFLICT (job) DO"
                          + " NOTHING")) {
                insert.setString(1, job);
                insert.setInt(2, SCHEMA_VERSION);
                insert.setLong(3, fire);
                insert.executeUpdate();
              }
              try (PreparedStatement take =
                  connection.prepareStatement(
                      "UPDATE batch_leases SET holder = ?, expires_ms = ?, last_fire_ms = ?"
                          + " WHERE job = ? AND last_fire_ms < ?"
                          + " AND (holder IS NULL OR expires_ms <= ?)")) {
                take.setString(1, holder);
                take.setLong(2, expires);
                take.setLong(3, fire);
                take.setString(4, job);
                take.setLong(5, fire);
                take.setLong(6, now.toEpochMilli());
                return take.executeUpdate() == 1;
              }
            });
    return started ? due : Optional.empty();
  }

  /**
   * Extends this scheduler's lease of {@code job}'s run by the schedule's lease.
   *
   * @return false when this scheduler no longer holds it (it expired and another took it over)
   */
  public boolean renew(String job, ScheduleSpec schedule) {
    long expires = clock.instant().plus(schedule.lease()).toEpochMilli();
    return store.inTransaction(
        connection -> {
          try (PreparedStatement renew =
              connection.prepareStatement(
                  "UPDATE batch_leases SET expires_ms = ? WHERE job = ? AND holder = ?")) {
            renew.setLong(1, expires);
            renew.setString(2, job);
            renew.setString(3, holder);
            return renew.executeUpdate() == 1;
          }
        });
  }

  /** Gives up this scheduler's lease of {@code job}'s run: the run ended. */
  public void finish(String job) {
    store.inTransaction(
        connection -> {
          try (PreparedStatement finish =
              connection.prepareStatement(
                  "UPDATE batch_leases SET holder = NULL, expires_ms = 0"
                      + " WHERE job = ? AND holder = ?")) {
            finish.setString(1, job);
            finish.setString(2, holder);
            return finish.executeUpdate();
          }
        });
  }

  /** Who holds {@code job}'s run now, if anyone (the lease may have expired). */
  public Optional<String> holder(String job) {
    return store.read(
        connection -> {
          try (PreparedStatement query =
              connection.prepareStatement("SELECT holder FROM batch_leases WHERE job = ?")) {
            query.setString(1, job);
            try (ResultSet row = query.executeQuery()) {
              return row.next() ? Optional.ofNullable(row.getString(1)) : Optional.empty();
            }
          }
        });
  }

  /** This process as a lease holder: its pid and host name. */
  public static String processHolder() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "localhost";
    }
    return ProcessHandle.current().pid() + "@" + host;
  }

  /** When the scheduler should look again: the job's next scheduled time after now. */
  public static Optional<Instant> next(ScheduleSpec schedule, Instant now) {
    return CronSchedule.of(schedule).next(now);
  }
}
