package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VersionStatsTest {

  @Test
  void emptyStatsAreZero() {
    VersionStats.Snapshot snapshot = new VersionStats("iris", "1").snapshot();

    assertThat(snapshot).isEqualTo(VersionStats.Snapshot.empty("iris", "1"));
  }

  @Test
  void countsMeanAndPercentilesOfSuccesses() {
    VersionStats stats = new VersionStats("iris", "1");
    for (int i = 1; i <= 100; i++) {
      stats.success(i * 1_000L); // 1..100 us
    }
    stats.failure();

    VersionStats.Snapshot snapshot = stats.snapshot();

    assertThat(snapshot.successCount()).isEqualTo(100);
    assertThat(snapshot.failureCount()).isEqualTo(1);
    assertThat(snapshot.latencyCount()).isEqualTo(100);
    assertThat(snapshot.meanMicros()).isCloseTo(50.5, within(1e-9));
    assertThat(snapshot.p50Micros()).isEqualTo(50);
    assertThat(snapshot.p99Micros()).isEqualTo(99);
    assertThat(snapshot.maxMicros()).isEqualTo(100);
  }

  @Test
  void latencyBeyondTheRangeIsClampedNotLost() {
    VersionStats stats = new VersionStats("iris", "1");

    stats.success(Long.MAX_VALUE);

    assertThat(stats.snapshot().latencyCount()).isEqualTo(1);
    assertThat(stats.snapshot().maxMicros()).isGreaterThanOrEqualTo(VersionStats.HIGHEST_MICROS);
  }
}
