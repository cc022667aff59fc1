package io.mlsys.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.features.FeatureStore.Served;
import io.mlsys.features.FeatureStore.Tier;
import io.mlsys.features.FeaturesOptions.EntityType;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.PostgresDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store over the machine's PostgreSQL, in a database of its own and a schema of the test's: one
 * {@code = ANY(?)} query per batch, integer and string keys, staleness from a timestamp column, and
 * a server that does not answer in time.
 */
class FeatureStorePostgresTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  PostgresDatabase database;
  ManualClock clock = new ManualClock(NOW);
  String url;

  @BeforeEach
  void table() throws Exception {
    database = PostgresDatabase.create("features");
    FeatureTables.execute(database.url(), database.user(), "CREATE SCHEMA shop");
    url = database.url() + "?currentSchema=shop";
    FeatureTables.create(url, database.user(), 50, NOW.minus(Duration.ofHours(2)).toEpochMilli());
  }

  @AfterEach
  void drop() {
    database.close();
  }

  private FeatureSourceConfig source() {
    return FeatureSourceConfig.table(url, "shop.flowers")
        .withCredentials(database.user(), null)
        .withTimestampColumn("updated_ms");
  }

  @Test
  void aBatchOfIntegerIdsIsOneQuery() {
    FeaturesOptions options =
        FeaturesOptions.of("input:id", source(), List.of("sepal_width", "petal_width"), "x");
    try (FeatureStore store = FeatureStore.open(options, clock)) {
      Map<String, Served> rows = store.get(List.of("10", "20", "77"), Duration.ofSeconds(2));
      assertThat(rows.get("10").row().values()).containsExactly(10.2, 10.4);
      assertThat(rows.get("77").row().found()).isFalse();
      assertThat(store.stats().queries()).isEqualTo(1);
      assertThat(store.get(List.of("10", "20", "77"), Duration.ofSeconds(2)).values())
          .extracting(Served::tier)
          .containsOnly(Tier.MEMORY);
    }
  }

  @Test
  void stringKeysAndAQueryWork() {
    FeatureSourceConfig source =
        new FeatureSourceConfig(
            url,
            database.user(),
            null,
            null,
            "SELECT name, petal_length, updated_ms FROM shop.flowers",
            "name",
            "updated_ms",
            null,
            null);
    FeaturesOptions options =
        FeaturesOptions.of("input:name", source, List.of("petal_length"), "x")
            .withEntityType(EntityType.STRING)
            .withMaxAge(Duration.ofHours(1));
    try (FeatureStore store = FeatureStore.open(options, clock)) {
      FeatureRow row =
          store.get(List.of("flower-3", "nobody"), Duration.ofSeconds(2)).get("flower-3").row();
      assertThat(row.values()).containsExactly(3.3);
      // Updated two hours ago, a max-age of one hour.
      assertThat(row.status(0, clock.instant(), options.maxAge()))
          .isEqualTo(FeatureStatus.OUTSIDE_MAX_AGE);
    }
  }

  @Test
  void aStatementSlowerThanTheTimeoutIsUnavailableAtTheTimeout() {
    FeatureSourceConfig slow =
        new FeatureSourceConfig(
                url,
                database.user(),
                null,
                null,
                "SELECT id, sepal_length FROM shop.flowers, pg_sleep(5)",
                null,
                null,
                null,
                null)
            .withTimeout(Duration.ofMillis(300));
    FeaturesOptions options = FeaturesOptions.of("input:id", slow, List.of("sepal_length"), "x");
    try (FeatureStore store = FeatureStore.open(options, clock)) {
      long started = System.nanoTime();
      assertThatThrownBy(() -> store.get(List.of("1"), Duration.ofMillis(300)))
          .isInstanceOf(DependencyUnavailableException.class)
          .hasMessageContaining("is unavailable");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }
  }
}
