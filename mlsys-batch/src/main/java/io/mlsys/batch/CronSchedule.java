package io.mlsys.batch;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/** A Unix cron expression (five fields), parsed and evaluated by cron-utils. */
final class CronSchedule {
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final ExecutionTime times;
  private final ZoneId zone;

  private CronSchedule(ExecutionTime times, ZoneId zone) {
    this.times = times;
    this.zone = zone;
  }

  /**
   * @throws IllegalArgumentException when the text is not a cron expression of five fields
   */
  static Cron parse(String text) {
    return PARSER.parse(text).validate();
  }

  static CronSchedule of(ScheduleSpec spec) {
    return new CronSchedule(ExecutionTime.forCron(parse(spec.cron())), spec.zoneId());
  }

  /** The first time the expression names strictly after {@code after}, if any. */
  Optional<Instant> next(Instant after) {
    return times.nextExecution(after.atZone(zone)).map(time -> time.toInstant());
  }

  /** The last time the expression names at or before {@code at}, if any. */
  Optional<Instant> last(Instant at) {
    return times.lastExecution(at.atZone(zone).plusNanos(1)).map(time -> time.toInstant());
  }
}
