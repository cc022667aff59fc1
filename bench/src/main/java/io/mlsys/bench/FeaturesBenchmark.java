package io.mlsys.bench;

import io.mlsys.features.FeatureCacheConfig;
import io.mlsys.features.FeatureSourceConfig;
import io.mlsys.features.FeatureStore;
import io.mlsys.features.FeaturesOptions;
import io.mlsys.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The data cache's latency: one id (and a batch of 64) read from the source on every call (the
 * reference: what a cold cache costs), from Redis, and from the in-process tier (a warm cache), on
 * the fixture's 12,000 iris rows in SQLite. Random ids, so the source is not answering the same
 * page every time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FeaturesBenchmark {
  static final List<String> FEATURES =
      List.of("sepal_length", "sepal_width", "petal_length", "petal_width");
  static final Duration BUDGET = Duration.ofSeconds(2);

  @Param({"sqlite"})
  public String database;

  Path dir;
  int rows;
  FeatureStore sourceOnly;
  FeatureStore redisOnly;
  FeatureStore memory;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("mlsys-features-bench");
    String url = "jdbc:sqlite:" + dir.resolve("features.db");
    rows = load(url, Fixtures.rootOrThrow().resolve("sklearn-iris/rand_iris.csv"));
    FeatureSourceConfig source = FeatureSourceConfig.table(url, "iris");
    FeaturesOptions options = FeaturesOptions.of("input:id", source, FEATURES, "input");
    sourceOnly =
        FeatureStore.open(
            options.withCache(FeatureCacheConfig.defaults().withMaxEntries(0)), Clock.systemUTC());
    redisOnly =
        FeatureStore.open(
            options.withCache(
                FeatureCacheConfig.defaults()
                    .withMaxEntries(0)
                    .withRedis(System.getProperty("redis", "redis://127.0.0.1:6379"))),
            Clock.systemUTC());
    memory = FeatureStore.open(options, Clock.systemUTC());
    FeatureStore.WarmResult warmed = redisOnly.warmAll(rows, Duration.ofSeconds(60));
    if (warmed.storedShared() != rows) {
      throw new IllegalStateException("Redis holds " + warmed.storedShared() + " of " + rows);
    }
    memory.warmAll(rows, Duration.ofSeconds(60));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    sourceOnly.close();
    redisOnly.close();
    memory.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private List<String> ids(int n) {
    List<String> ids = new ArrayList<>(n);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < n; i++) {
      ids.add(Integer.toString(1 + random.nextInt(rows)));
    }
    return ids;
  }

  @Benchmark
  public Map<String, FeatureStore.Served> oneIdSource() {
    return sourceOnly.get(ids(1), BUDGET);
  }

  @Benchmark
  public Map<String, FeatureStore.Served> oneIdRedis() {
    return redisOnly.get(ids(1), BUDGET);
  }

  @Benchmark
  public Map<String, FeatureStore.Served> oneIdMemory() {
    return memory.get(ids(1), BUDGET);
  }

  @Benchmark
  public Map<String, FeatureStore.Served> batch64Source() {
    return sourceOnly.get(ids(64), BUDGET);
  }

  @Benchmark
  public Map<String, FeatureStore.Served> batch64Redis() {
    return redisOnly.get(ids(64), BUDGET);
  }

  @Benchmark
  public Map<String, FeatureStore.Served> batch64Memory() {
    return memory.get(ids(64), BUDGET);
  }

  private static int load(String url, Path csv) throws Exception {
    List<String> lines = Files.readAllLines(csv);
    try (Connection connection = DriverManager.getConnection(url)) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.execute(
            "CREATE TABLE iris (id INTEGER PRIMARY KEY, sepal_length REAL, sepal_width REAL,"
                + " petal_length REAL, petal_width REAL)");
      }
      int id = 0;
      try (PreparedStatement insert =
          connection.prepareStatement("INSERT INTO iris VALUES (?, ?, ?, ?, ?)")) {
        for (String line : lines) {
          if (line.isBlank()) {
            continue;
          }
          String[] cells = line.split(",");
          insert.setLong(1, ++id);
          for (int i = 0; i < 4; i++) {
            insert.setDouble(2 + i, Double.parseDouble(cells[i].strip()));
          }
          insert.addBatch();
        }
        insert.executeBatch();
      }
      connection.commit();
      return id;
    }
  }
}
