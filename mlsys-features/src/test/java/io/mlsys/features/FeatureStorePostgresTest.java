package io.mlsys.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.features.FeatureStore.Served;
import io.mlsys.features.FeatureStore.Tier;
import io.mlsys.features.FeaturesOptions.EntityType;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
  @Timeout(value = 60, unit = TimeUnit.SECONDS) // stops a hang only; nothing waits on time
  void concurrentMissesOfTheSameIdsAreOneQuery() throws Exception {
    FeaturesOptions options =
        FeaturesOptions.of("input:id", source(), List.of("sepal_width", "petal_width"), "x");
    int callers = 4;
    try (FeatureStore store = FeatureStore.open(options, clock);
        Connection locker = DriverManager.getConnection(url, database.user(), null);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      // The table locked by another transaction: the first caller's query waits for it, and the
      // others find the ids in flight.
      locker.setAutoCommit(false);
      try (Statement statement = locker.createStatement()) {
        statement.execute("LOCK TABLE shop.flowers IN ACCESS EXCLUSIVE MODE");
      }
      List<Future<Map<String, Served>>> answers = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        answers.add(threads.submit(() -> store.get(List.of("10", "20"), Duration.ofSeconds(30))));
      }
      while (store.stats().singleFlightJoins() < 2L * (callers - 1)) {
        Thread.onSpinWait();
      }
      locker.commit();

      for (Future<Map<String, Served>> answer : answers) {
        assertThat(answer.get().get("10").row().values()).containsExactly(10.2, 10.4);
        assertThat(answer.get().get("20").row().values()).containsExactly(20.2, 20.4);
      }
      assertThat(store.stats().queries()).isEqualTo(1);
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
