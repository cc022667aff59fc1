package io.mlsys.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.store.Store;
import io.mlsys.store.StoreConfig;
import io.mlsys.testing.PostgresDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample-ratio-mismatch test across weight changes, on simulated traffic with a known answer:
 * sticky users arriving over the experiment and coming back, calls without a unit, a 50/50 -> 80/20
 * change half-way, the bucket tables and exposures in the store as a server writes them.
 */
class SampleRatioTest {
  private static final long HOUR = 3_600_000_000L;
  private static final long START = ExperimentStore.micros(Instant.parse("2026-03-02T09:00:00Z"));
  private static final int KEYLESS = 300;

  @TempDir Path dir;
  private ExperimentStore store;

  @BeforeEach
  void open() {
    store =
        new ExperimentStore(() -> Store.open(StoreConfig.defaults(), dir, Experiments.STORE_OWNER));
  }

  @AfterEach
  void close() {
    store.close();
  }

  /**
   * One simulated experiment: a 50/50 table at the start, 80/20 after one hour, two hours of
   * traffic from {@code users} users and {@value #KEYLESS} calls without a unit. With {@code
   * planted}, a third of the units b gets in the second period never reach the log (a broken
   * split).
   *
   * @return the SRM section of its report
   */
  private Map<String, Object> simulate(String name, long seed, int users, boolean planted) {
    ExperimentSpec.Split spec = new ExperimentSpec.Split(name, List.of("a", "b"), 0.001);
    SplittableRandom random = new SplittableRandom(seed);
    long change = START + HOUR;
    BucketTable first = store.table(spec, new double[] {50, 50}, micros(START));
    BucketTable second = store.table(spec, new double[] {80, 20}, micros(change));
    List<ExperimentRecord.Exposure> exposures = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      String user = "user-" + i;
      int bucket = BucketTable.bucket(name, user);
      long arrival = START + random.nextLong(2 * HOUR);
      BucketTable firstTable = arrival < change ? first : second;
      if (planted
          && arrival >= change
          && firstTable.arm(bucket).equals("b")
          && random.nextInt(3) == 0) {
        continue;
      }
      int visits = 1 + random.nextInt(3);
      for (int v = 0; v < visits; v++) {
        long time = v == 0 ? arrival : arrival + random.nextLong(START + 2 * HOUR - arrival + 1);
        String arm = (time < change ? first : second).arm(bucket);
        exposures.add(exposure(name, arm, user, time));
      }
    }
    for (int i = 0; i < KEYLESS; i++) {
      long time = START + random.nextLong(2 * HOUR);
      String arm = (time < change ? first : second).arm(random.nextInt(BucketTable.BUCKETS));
      exposures.add(exposure(name, arm, null, time));
    }
    // The writer stores exposures about in the order they happen.
    exposures.sort(Comparator.comparingLong(ExperimentRecord.Exposure::timeMicros));
    store.insert(new ArrayList<>(exposures));
    return Reports.sampleRatio(spec, store, store.storedTable(name));
  }

  private static ExperimentRecord.Exposure exposure(
      String experiment, String arm, String unit, long time) {
    return new ExperimentRecord.Exposure(experiment, arm, unit, null, time, 100, null, null);
  }

  private static Instant micros(long micros) {
    return Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS);
  }

  /** The test as it was: every arm's units all-time against the current table. */
  private boolean flaggedAllTime(String name) {
    Map<String, long[]> counts = store.exposureCounts(name);
    long[] units = {counts.getOrDefault("a", new long[2])[1], counts.get("b")[1]};
    return Stats.chiSquare(units, new double[] {0.8, 0.2})[1] < 0.001;
  }

  @Test
  void aWeightChangeMidRunIsFlaggedAtMostAtTheConfiguredRate() {
    int flagged = 0;
    int below5Percent = 0;
    int flaggedAllTime = 0;
    for (int sim = 0; sim < 200; sim++) {
      Map<String, Object> srm = simulate("sim-" + sim, sim, 1500, false);
      assertThat(srm).containsEntry("degrees_of_freedom", 2L);
      assertThat((Long) srm.get("units")).isEqualTo(1500 + KEYLESS);
      flagged += (Boolean) srm.get("mismatch") ? 1 : 0;
      below5Percent += (Double) srm.get("p_value") < 0.05 ? 1 : 0;
      flaggedAllTime += flaggedAllTime("sim-" + sim) ? 1 : 0;
    }
    System.out.printf(
        "SRM over 200 simulated 50/50 -> 80/20 experiments: flagged at alpha 0.001 in %d,"
            + " p < 0.05 in %d; the all-time test flagged %d%n",
        flagged, below5Percent, flaggedAllTime);
    // alpha 0.001: 0.2 expected of 200; P(Binomial(200, 0.001) >= 3) = 0.001.
    assertThat(flagged).isLessThanOrEqualTo(2);
    // The p-value is calibrated, not just small: Binomial(200, 0.05) has mean 10, sd 3.1.
    assertThat(below5Percent).isBetween(1, 20);
    // What the all-time count against the current table made of the same traffic.
    assertThat(flaggedAllTime).isGreaterThan(190);
  }

  @Test
  void periodsAndFirstExposuresReadTheSameOnPostgresql() {
    try (PostgresDatabase postgres = PostgresDatabase.create("experiments")) {
      ExperimentStore sqlite = store;
      store =
          new ExperimentStore(
              () ->
                  Store.open(
                      StoreConfig.postgresql(postgres.url(), postgres.user(), null)
                          .withSchema("srm"),
                      dir,
                      Experiments.STORE_OWNER));
      try {
        for (int sim = 0; sim < 2; sim++) {
          Map<String, Object> onPostgres = simulate("pg-" + sim, sim, 1500, sim == 1);
          ExperimentStore postgresStore = store;
          store = sqlite;
          Map<String, Object> onSqlite = simulate("pg-" + sim, sim, 1500, sim == 1);
          store = postgresStore;
          assertThat(onPostgres).isEqualTo(onSqlite);
        }
      } finally {
        store.close();
        store = sqlite;
      }
    }
  }

  @Test
  void aMismatchPlantedWithinOnePeriodIsStillFlagged() {
    int flagged = 0;
    for (int sim = 0; sim < 20; sim++) {
      // 6000 users: about 600 units reach b in the second period, 200 of them lost (a loss of
      // 80 units at 1500 users is below what alpha 0.001 can see).
      flagged +=
          (Boolean) simulate("planted-" + sim, 1000 + sim, 6000, true).get("mismatch") ? 1 : 0;
    }
    assertThat(flagged).isEqualTo(20);
  }
}
