package io.mlsys.batch;

import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.time.Duration;
import java.time.ZoneId;

/**
 * When a job runs on its own ({@code schedule:} of a job file or of a {@code batch:} job in
 * mlsys.yaml).
 *
 * @param cron a Unix cron expression of five fields ({@code 0 2 * * *}: at 02:00 every day)
 * @param zone the time zone the expression is read in; null for UTC
 * @param lease how long a scheduler holds a run's lease before another may take it over, renewed
 *     while the run goes on; default {@value #DEFAULT_LEASE_SECONDS} s
 */
public record ScheduleSpec(String cron, String zone, Duration lease) {
  public static final long DEFAULT_LEASE_SECONDS = 60;

  /**
   * @throws ConfigException listing every invalid field
   */
  public ScheduleSpec {
    lease = lease == null ? Duration.ofSeconds(DEFAULT_LEASE_SECONDS) : lease;
    Violations violations = new Violations();
    if (violations.present("cron", cron, "a cron expression such as '0 2 * * *'")) {
      try {
        CronSchedule.parse(cron);
      } catch (IllegalArgumentException e) {
        violations.invalid(
            "cron", cron, "a cron expression of five fields (" + e.getMessage() + ")");
      }
    }
    if (zone != null) {
      try {
        ZoneId.of(zone);
      } catch (java.time.DateTimeException e) {
        violations.invalid("zone", zone, "a time zone such as UTC or Europe/Paris");
      }
    }
    violations.check(
        !lease.isNegative() && lease.compareTo(Duration.ofSeconds(5)) >= 0,
        "lease",
        lease,
        "at least 5s");
    violations.throwIfAny(null);
  }

  /** The zone, UTC when none is given. */
  public ZoneId zoneId() {
    return zone == null ? java.time.ZoneOffset.UTC : ZoneId.of(zone);
  }
}
