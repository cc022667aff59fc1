package io.mlsys.bench;

import io.mlsys.core.DataType;
import io.mlsys.core.TensorSpec;
import io.mlsys.registry.ModelSignature;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.NewVersion;
import io.mlsys.registry.RegistryStore;
import io.mlsys.registry.RegistryStores;
import io.mlsys.store.StoreConfig;
import io.mlsys.testing.PostgresDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Registry operations one caller sees, on the embedded SQLite store (a file in a temp folder) and
 * on PostgreSQL (a database of its own on the machine's server, {@code -Dmlsys.postgres.url} to
 * point elsewhere):
 *
 * <ul>
 *   <li>{@code register}: createPendingVersion + completeRegistration, the two transactions of a
 *       registration without copying or loading the artifact;
 *   <li>{@code aliasMove}: setAlias between two versions (with its history and audit rows);
 *   <li>{@code lookupByAlias}: versionByAlias, what a server resolving {@code iris@champion} pays.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RegistryStoreBenchmark {
  private static final String DIGEST = "sha256:" + "a".repeat(64);
  private static final ModelSignature SIGNATURE =
      new ModelSignature(
          "onnxruntime_onnx",
          List.of(new TensorSpec("float_input", DataType.FP32, List.of(-1L, 4L))),
          List.of(new TensorSpec("label", DataType.INT64, List.of(-1L))),
          Map.of());

  @Param({"sqlite", "postgresql"})
  public String database;

  private Path dataDir;
  private PostgresDatabase postgres;
  private RegistryStores stores;
  private RegistryStore registry;
  private long next;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dataDir = Files.createTempDirectory("mlsys-registry-bench");
    StoreConfig config;
    if (database.equals("sqlite")) {
      config = StoreConfig.defaults();
    } else {
      postgres = PostgresDatabase.create("bench");
      config = StoreConfig.postgresql(postgres.url(), postgres.user(), null);
    }
    stores = RegistryStores.open(config, dataDir, Clock.systemUTC());
    registry = stores.registry();
    register();
    register();
    registry.setAlias("iris", "champion", 1, RegistryStore.AliasRule.NONE, null, "bench");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    stores.close();
    if (postgres != null) {
      postgres.close();
    }
    try (Stream<Path> paths = Files.walk(dataDir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  @Benchmark
  public ModelVersion register() {
    ModelVersion pending =
        registry.createPendingVersion(
            new NewVersion("iris", "/models/iris.onnx", null, null, null, null, null, null),
            "bench");
    return registry.completeRegistration(
        "iris", pending.version(), DIGEST, "onnxruntime_onnx", SIGNATURE);
  }

  @Benchmark
  public ModelVersion aliasMove() {
    next = next == 1 ? 2 : 1;
    return registry.setAlias("iris", "challenger", next, RegistryStore.AliasRule.NONE, null, "b");
  }

  @Benchmark
  public ModelVersion lookupByAlias() {
    return registry.versionByAlias("iris", "champion");
  }

  /**
   * The floor the operations above stand on: one read transaction of {@code SELECT 1} through the
   * same store (pool, transaction, retries), no registry work.
   */
  @Benchmark
  public int roundTripFloor() {
    return stores
        .store()
        .read(
            connection -> {
              try (Statement statement = connection.createStatement();
                  ResultSet result = statement.executeQuery("SELECT 1")) {
                result.next();
                return result.getInt(1);
              }
            });
  }
}
