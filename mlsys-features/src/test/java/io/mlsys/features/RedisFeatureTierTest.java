package io.mlsys.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.features.FeatureStore.Served;
import io.mlsys.features.FeatureStore.Tier;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.PrivateRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redis tier: shared between stores (server replicas, the warm-up command), one MGET per batch,
 * and serving that goes on without Redis when it stops and uses it again when it is back.
 */
class RedisFeatureTierTest {
  static final List<String> FEATURES = List.of("sepal_length", "petal_width");
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @TempDir Path dir;
  ManualClock clock = new ManualClock(NOW);
  String url;

  @BeforeEach
  void table() throws Exception {
    url = "jdbc:sqlite:" + dir.resolve("features.db");
    FeatureTables.create(url, null, 100, NOW.toEpochMilli());
  }

  private FeaturesOptions options(String redis) {
    return FeaturesOptions.of("input:id", FeatureSourceConfig.table(url, "flowers"), FEATURES, "x")
        .withCache(
            FeatureCacheConfig.defaults()
                .withRedis(redis)
                .withRedisTimeout(Duration.ofMillis(500))
                // No in-process tier: every read goes to Redis, as a new replica's would.
                .withMaxEntries(0));
  }

  /**
   * Waits for the store's Redis connection; a first connect that fails (a busy machine's cold JVM)
   * is tried again after the pause, as a server's next call would.
   */
  private void connect(FeatureStore store) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    boolean connected = store.awaitShared(Duration.ofSeconds(5));
    while (!connected && System.nanoTime() < deadline) {
      clock.advance(Duration.ofMillis(RedisFeatureTier.RETRY_PAUSE_MS + 1));
      connected = store.awaitShared(Duration.ofSeconds(5));
    }
    assertThat(connected).as("connected to Redis").isTrue();
  }

  @Test
  void aWarmUpFillsRedisAndAnotherReplicaReadsItWithoutAQuery() {
    try (FeatureStore warmer = FeatureStore.open(options("redis://127.0.0.1:6379"), clock);
        FeatureStore replica = FeatureStore.open(options("redis://127.0.0.1:6379"), clock)) {
      FeatureStore.WarmResult result =
          warmer.warm(List.of("1", "2", "3", "404"), Duration.ofSeconds(5));
      assertThat(result.found()).isEqualTo(3);
      assertThat(result.storedShared()).isEqualTo(4);

      connect(replica);
      var rows = replica.get(List.of("1", "2", "3", "404"), Duration.ofSeconds(1));
      assertThat(rows.values()).extracting(Served::tier).containsOnly(Tier.REDIS);
      assertThat(rows.get("2").row().values()).containsExactly(2.1, 2.4);
      assertThat(rows.get("404").row().found()).isFalse();
      assertThat(replica.stats().queries()).isZero();
      assertThat(replica.stats().redisHits()).isEqualTo(4);
    }
  }

  @Test
  void servingGoesOnWithoutRedisAndUsesItAgainWhenItIsBack() throws Exception {
    try (PrivateRedis redis = new PrivateRedis();
        FeatureStore store = FeatureStore.open(options(redis.uri()), clock)) {
      connect(store);
      store.warm(List.of("1", "2"), Duration.ofSeconds(5));
      assertThat(store.get(List.of("1"), Duration.ofSeconds(1)).get("1").tier())
          .isEqualTo(Tier.REDIS);

      redis.stop();
      long started = System.nanoTime();
      Served fromSource = store.get(List.of("2"), Duration.ofSeconds(1)).get("2");
      assertThat(fromSource.tier()).isEqualTo(Tier.SOURCE);
      assertThat(fromSource.row().values()).containsExactly(2.1, 2.4);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
      // While the tier is paused, calls do not even try it.
      long failures = store.stats().redisFailures();
      assertThat(failures).isPositive();
      assertThat(store.get(List.of("3"), Duration.ofSeconds(1)).get("3").tier())
          .isEqualTo(Tier.SOURCE);
      assertThat(store.stats().redisFailures()).isEqualTo(failures);

      redis.start();
      // Lettuce reconnects in the background; each round moves the clock past the pause.
      Tier tier = Tier.SOURCE;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (tier != Tier.REDIS && System.nanoTime() < deadline) {
        clock.advance(Duration.ofMillis(RedisFeatureTier.RETRY_PAUSE_MS + 1));
        store.warm(List.of("4"), Duration.ofSeconds(1));
        tier = store.get(List.of("4"), Duration.ofSeconds(1)).get("4").tier();
      }
      assertThat(tier).isEqualTo(Tier.REDIS);
    }
  }
}
