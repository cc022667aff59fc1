package io.mlsys.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when a test moves it. Thread-safe. */
public final class ManualClock extends Clock {
  private volatile Instant now;
  private final ZoneId zone;

  public ManualClock(Instant start) {
    this(start, ZoneOffset.UTC);
  }

  private ManualClock(Instant start, ZoneId zone) {
    this.now = start;
    this.zone = zone;
  }

  public static ManualClock startingAt(String isoInstant) {
    return new ManualClock(Instant.parse(isoInstant));
  }

  public synchronized void advance(Duration step) {
    now = now.plus(step);
  }

  public void set(Instant instant) {
    now = instant;
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId newZone) {
    return new ManualClock(now, newZone);
  }

  @Override
  public Instant instant() {
    return now;
  }
}
