package io.mlsys.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.store.Database;
import io.mlsys.store.Store;
import io.mlsys.store.StoreConfig;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.PostgresDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two schedulers sharing one store (SQLite, and the shared PostgreSQL server) with a hand-moved
 * clock: each scheduled run is started by one of them only, never while the one before holds its
 * lease, and taken over once a dead holder's lease expired.
 */
class BatchSchedulerTest {
  private static final ScheduleSpec EVERY_FIVE_MINUTES =
      new ScheduleSpec("*/5 * * * *", null, Duration.ofSeconds(30));
  private static PostgresDatabase postgres;

  @TempDir Path dataDir;

  private final ManualClock clock = ManualClock.startingAt("2026-12-07T10:01:00Z");

  @BeforeAll
  static void createDatabase() {
    postgres = PostgresDatabase.create("batch");
  }

  @AfterAll
  static void dropDatabase() {
    postgres.close();
  }

  private Store open(Database database) {
    StoreConfig config =
        switch (database) {
          case SQLITE -> StoreConfig.defaults();
          case POSTGRESQL -> StoreConfig.postgresql(postgres.url(), postgres.user(), null);
        };
    return Store.open(config, dataDir, BatchScheduler.OWNER);
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void eachScheduledRunStartsOnceWithoutOverlapAndAfterADeadHolderLeaseExpires(Database database) {
    try (Store one = open(database);
        Store two = open(database)) {
      BatchScheduler a = new BatchScheduler(one, "a", clock);
      BatchScheduler b = new BatchScheduler(two, "b", clock);

      // First seen at 10:01: the 10:00 run is past, the first run is at 10:05.
      assertThat(a.tryStart("nightly", EVERY_FIVE_MINUTES)).isEmpty();
      assertThat(b.tryStart("nightly", EVERY_FIVE_MINUTES)).isEmpty();

      clock.set(Instant.parse("2026-12-07T10:05:02Z"));
      assertThat(a.tryStart("nightly", EVERY_FIVE_MINUTES))
          .contains(Instant.parse("2026-12-07T10:05:00Z"));
      assertThat(b.tryStart("nightly", EVERY_FIVE_MINUTES)).as("the same run").isEmpty();
      assertThat(b.holder("nightly")).contains("a");

      // a's run goes on past 10:10 and renews its lease: no second run beside it.
      clock.set(Instant.parse("2026-12-07T10:10:01Z"));
      assertThat(a.renew("nightly", EVERY_FIVE_MINUTES)).isTrue();
      assertThat(b.tryStart("nightly", EVERY_FIVE_MINUTES)).as("overlap").isEmpty();
      a.finish("nightly");
      // Ended at 10:12: the 10:10 run missed during it starts once, now.
      clock.set(Instant.parse("2026-12-07T10:12:00Z"));
      assertThat(b.tryStart("nightly", EVERY_FIVE_MINUTES))
          .contains(Instant.parse("2026-12-07T10:10:00Z"));
      assertThat(a.tryStart("nightly", EVERY_FIVE_MINUTES)).isEmpty();

      // b dies holding the lease: at 10:15 it is still live (renewed until 10:12:30 + ...), no.
      clock.set(Instant.parse("2026-12-07T10:12:20Z"));
      assertThat(b.renew("nightly", EVERY_FIVE_MINUTES)).isTrue(); // until 10:12:50
      clock.set(Instant.parse("2026-12-07T10:12:40Z"));
      assertThat(a.tryStart("nightly", EVERY_FIVE_MINUTES)).as("nothing due").isEmpty();
      clock.set(Instant.parse("2026-12-07T10:15:00Z"));
      assertThat(a.tryStart("nightly", EVERY_FIVE_MINUTES))
          .as("b's lease expired at 10:12:50")
          .contains(Instant.parse("2026-12-07T10:15:00Z"));
      assertThat(b.renew("nightly", EVERY_FIVE_MINUTES)).as("b lost it").isFalse();
      assertThat(BatchScheduler.next(EVERY_FIVE_MINUTES, clock.instant()))
          .contains(Instant.parse("2026-12-07T10:20:00Z"));
    }
  }
}
