package io.mlsys.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full warm-up of a few thousand rows stores every one in Redis. */
class WarmAllRedisTest {
  @TempDir Path dir;

  @Test
  void everyRowIsStored() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("features.db");
    FeatureTables.create(url, null, 3000, 0);
    FeaturesOptions options =
        FeaturesOptions.of(
                "input:id", FeatureSourceConfig.table(url, "flowers"), List.of("sepal_length"), "x")
            .withCache(
                FeatureCacheConfig.defaults()
                    .withMaxEntries(0)
                    .withRedis("redis://127.0.0.1:6379"));
    try (FeatureStore store = FeatureStore.open(options, Clock.systemUTC())) {
      FeatureStore.WarmResult result = store.warmAll(10_000, Duration.ofSeconds(30));
      assertThat(result.requested()).isEqualTo(3000);
      assertThat(result.storedShared()).isEqualTo(3000);
    }
  }
}
