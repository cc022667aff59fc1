package io.mlsys.bench;

import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading the largest example's mlsys.yaml ({@code examples/condition-based}: four models, a switch
 * with CEL rules, an ensemble, sequences and transforms), run from the checkout root.
 *
 * <ul>
 *   <li>{@code firstLoad}: the first load in a fresh JVM (one shot per fork), what a server start
 *       pays: class loading, the YAML parser, CEL's compiler;
 *   <li>{@code warmLoad}: a load after warm-up, what a config reload pays.
 * </ul>
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ConfigLoadBenchmark {
  private Path file;
  private Map<String, String> environment;

  @Setup
  public void setUp() {
    file = Path.of(System.getProperty("mlsys.config", "examples/condition-based/mlsys.yaml"));
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          file.toAbsolutePath() + " is missing: run from the checkout root");
    }
    environment = Map.of();
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Fork(10)
  @Warmup(iterations = 0)
  @Measurement(iterations = 1)
  public MlsysConfig firstLoad() {
    return MlsysConfigLoader.load(file, environment);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Fork(1)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public MlsysConfig warmLoad() {
    return MlsysConfigLoader.load(file, environment);
  }
}
