package io.mlsys.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.features.FeatureStore.Served;
import io.mlsys.features.FeatureStore.Tier;
import io.mlsys.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store over a real SQLite file: one query per batch, the in-process tier, TTLs, status. */
class FeatureStoreTest {
  static final List<String> FEATURES =
      List.of("sepal_length", "sepal_width", "petal_length", "petal_width");
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @TempDir Path dir;
  ManualClock clock = new ManualClock(NOW);
  String url;

  @BeforeEach
  void table() throws Exception {
    url = "jdbc:sqlite:" + dir.resolve("features.db");
    FeatureTables.create(url, null, 100, NOW.minus(Duration.ofMinutes(10)).toEpochMilli());
  }

  private FeaturesOptions options() {
    return FeaturesOptions.of(
        "input:id",
        FeatureSourceConfig.table(url, "flowers").withTimestampColumn("updated_ms"),
        FEATURES,
        "float_input");
  }

  @Test
  void aBatchIsOneQueryAndIsThenServedFromMemory() {
    try (FeatureStore store = FeatureStore.open(options(), clock)) {
      Map<String, Served> first = store.get(List.of("1", "2", "3", "2"), Duration.ofSeconds(1));
      assertThat(first).hasSize(3);
      assertThat(first.get("2").tier()).isEqualTo(Tier.SOURCE);
      assertThat(first.get("2").row().values()).containsExactly(2.1, 2.2, 2.3, 2.4);
      assertThat(store.stats().queries()).isEqualTo(1);

      Map<String, Served> second = store.get(List.of("1", "2", "3"), Duration.ofSeconds(1));
      assertThat(second.values()).extracting(Served::tier).containsOnly(Tier.MEMORY);
      assertThat(store.stats().queries()).isEqualTo(1);
      assertThat(store.stats().memoryHits()).isEqualTo(3);
    }
  }

  @Test
  void warmOnStartLoadsTheRowsSoTheFirstCallsAreServedFromMemory() throws Exception {
    FeaturesOptions options =
        options().withCache(FeatureCacheConfig.defaults().withMaxEntries(50).withWarmOnStart(true));
    try (FeatureStore store = FeatureStore.open(options, clock)) {
      assertThat(store.awaitWarm(Duration.ofSeconds(30))).isTrue();
      long queries = store.stats().queries();

      Map<String, Served> rows = store.get(List.of("1", "2", "3"), Duration.ofSeconds(1));

      assertThat(rows.values()).extracting(Served::tier).containsOnly(Tier.MEMORY);
      assertThat(rows.get("2").row().values()).containsExactly(2.1, 2.2, 2.3, 2.4);
      assertThat(store.stats().queries()).isEqualTo(queries);
    }
  }

  @Test
  void withoutWarmOnStartTheFirstCallGoesToTheSource() throws Exception {
    try (FeatureStore store = FeatureStore.open(options(), clock)) {
      assertThat(store.awaitWarm(Duration.ofSeconds(1))).isTrue();
      assertThat(store.get(List.of("1"), Duration.ofSeconds(1)).get("1").tier())
          .isEqualTo(Tier.SOURCE);
    }
  }

  @Test
  void anEntryExpiresAfterTheCacheTtl() {
    FeaturesOptions options =
        options().withCache(FeatureCacheConfig.defaults().withTtl(Duration.ofSeconds(30)));
    try (FeatureStore store = FeatureStore.open(options, clock)) {
      store.get(List.of("7"), Duration.ofSeconds(1));
      clock.advance(Duration.ofSeconds(29));
      assertThat(store.get(List.of("7"), Duration.ofSeconds(1)).get("7").tier())
          .isEqualTo(Tier.MEMORY);
      clock.advance(Duration.ofSeconds(2));
      assertThat(store.get(List.of("7"), Duration.ofSeconds(1)).get("7").tier())
          .isEqualTo(Tier.SOURCE);
    }
  }

  @Test
  void anEntryLivesOnlyUntilItsFeaturesWouldTurnStale() {
    // Updated 10 minutes ago with a max-age of 15 minutes: fresh for 5 more minutes.
    FeaturesOptions options = options().withMaxAge(Duration.ofMinutes(15));
    try (FeatureStore store = FeatureStore.open(options, clock)) {
      Served row = store.get(List.of("5"), Duration.ofSeconds(1)).get("5");
      assertThat(store.ttl(row.row(), clock.instant())).isEqualTo(Duration.ofMinutes(5));
      assertThat(row.row().status(0, clock.instant(), options.maxAge()))
          .isEqualTo(FeatureStatus.PRESENT);
      clock.advance(Duration.ofMinutes(5).plusSeconds(1));
      Served again = store.get(List.of("5"), Duration.ofSeconds(1)).get("5");
      assertThat(again.tier()).isEqualTo(Tier.SOURCE);
      assertThat(again.row().status(0, clock.instant(), options.maxAge()))
          .isEqualTo(FeatureStatus.OUTSIDE_MAX_AGE);
    }
  }

  @Test
  void anUnknownIdIsNotFoundAndRememberedForTheMissingTtl() {
    FeaturesOptions options =
        options().withCache(FeatureCacheConfig.defaults().withMissingTtl(Duration.ofSeconds(5)));
    try (FeatureStore store = FeatureStore.open(options, clock)) {
      Served missing = store.get(List.of("4242"), Duration.ofSeconds(1)).get("4242");
      assertThat(missing.row().found()).isFalse();
      assertThat(missing.row().status(2, clock.instant(), null)).isEqualTo(FeatureStatus.NOT_FOUND);
      assertThat(store.get(List.of("4242"), Duration.ofSeconds(1)).get("4242").tier())
          .isEqualTo(Tier.MEMORY);
      clock.advance(Duration.ofSeconds(6));
      assertThat(store.get(List.of("4242"), Duration.ofSeconds(1)).get("4242").tier())
          .isEqualTo(Tier.SOURCE);
    }
  }

  @Test
  void aNullColumnIsReportedAsANullValue() throws Exception {
    FeatureTables.execute(url, null, "UPDATE flowers SET petal_width = NULL WHERE id = 9");
    try (FeatureStore store = FeatureStore.open(options(), clock)) {
      FeatureRow row = store.get(List.of("9"), Duration.ofSeconds(1)).get("9").row();
      assertThat(row.status(3, clock.instant(), null)).isEqualTo(FeatureStatus.NULL_VALUE);
      assertThat(row.status(0, clock.instant(), null)).isEqualTo(FeatureStatus.PRESENT);
    }
  }

  @Test
  void batchesLargerThanOneSqliteStatementAreSplit() {
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 1; i <= 1200; i++) {
      ids.add(Integer.toString(i));
    }
    try (FeatureStore store =
        FeatureStore.open(
            options().withCache(FeatureCacheConfig.defaults().withMaxEntries(0)), clock)) {
      Map<String, Served> rows = store.get(ids, Duration.ofSeconds(5));
      assertThat(rows).hasSize(1200);
      assertThat(rows.values().stream().filter(s -> s.row().found()).count()).isEqualTo(100);
    }
  }

  @Test
  void aQueryIsFilteredByKeyInTheDatabase() {
    FeaturesOptions options =
        FeaturesOptions.of(
            "input:id",
            new FeatureSourceConfig(
                url,
                null,
                null,
                null,
                "SELECT id AS flower, sepal_length * 10 AS sl FROM flowers",
                "flower",
                null,
                null,
                null),
            List.of("sl"),
            "x");
    try (FeatureStore store = FeatureStore.open(options, clock)) {
      assertThat(store.get(List.of("3"), Duration.ofSeconds(1)).get("3").row().values())
          .containsExactly(31.0);
    }
  }

  @Test
  void aMissingDatabaseFileIsUnavailableNotANewEmptyFile() {
    FeaturesOptions options =
        FeaturesOptions.of(
            "input:id",
            FeatureSourceConfig.table("jdbc:sqlite:" + dir.resolve("absent.db"), "flowers"),
            FEATURES,
            "x");
    try (FeatureStore store = FeatureStore.open(options, clock)) {
      assertThatThrownBy(() -> store.get(List.of("1"), Duration.ofSeconds(1)))
          .isInstanceOf(DependencyUnavailableException.class)
          .hasMessageContaining("feature source 'jdbc:sqlite:");
    }
    assertThat(dir.resolve("absent.db")).doesNotExist();
  }

  @Test
  void aWrongColumnIsAnExecutionErrorNamingTheStatement() {
    FeaturesOptions options =
        FeaturesOptions.of(
            "input:id", FeatureSourceConfig.table(url, "flowers"), List.of("no_such"), "x");
    try (FeatureStore store = FeatureStore.open(options, clock)) {
      assertThatThrownBy(() -> store.get(List.of("1"), Duration.ofSeconds(1)))
          .isInstanceOf(ModelExecutionException.class)
          .hasMessageContaining("no_such");
    }
  }

  @Test
  void warmUpLoadsEveryRowAheadOfTraffic() {
    try (FeatureStore store = FeatureStore.open(options(), clock)) {
      FeatureStore.WarmResult result = store.warmAll(1_000_000, Duration.ofSeconds(5));
      assertThat(result.requested()).isEqualTo(100);
      long queries = store.stats().queries();
      assertThat(store.get(List.of("1", "50", "100"), Duration.ofSeconds(1)).values())
          .extracting(Served::tier)
          .containsOnly(Tier.MEMORY);
      assertThat(store.stats().queries()).isEqualTo(queries);
    }
  }

  @Test
  void rowsRoundTripThroughTheirBinaryForm() {
    FeatureRow row =
        new FeatureRow(
            true, new double[] {1.5, 0, -3}, new boolean[] {false, true, false}, 123L, 456L);
    assertThat(FeatureRow.decode(row.encode(), 3)).isEqualTo(row);
    assertThat(FeatureRow.decode(row.encode(), 4)).isNull();
    assertThat(FeatureRow.decode(new byte[] {9, 9}, 3)).isNull();
  }
}
