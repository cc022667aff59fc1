package io.mlsys.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import io.mlsys.predictionlog.JsonlSinkConfig;
import io.mlsys.predictionlog.KafkaSinkConfig;
import io.mlsys.predictionlog.PredictionCall;
import io.mlsys.predictionlog.PredictionLog;
import io.mlsys.predictionlog.PredictionLogConfig;
import io.mlsys.predictionlog.PredictionLogOptions;
import io.mlsys.predictionlog.StoreSinkConfig;
import io.mlsys.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Events per second one prediction log sink sustains: each operation records {@value #EVENTS}
 * one-row iris events (inputs and outputs in full) and waits until the sink has them ({@link
 * PredictionLog#flush()}), so the figure is the whole path, writer thread and sink, not only the
 * buffer's offer. Sinks: {@code jsonl} (files in a temporary folder), {@code sqlite} (the store's
 * embedded default), {@code postgresql} ({@code -Dmlsys.bench.postgres}, default the machine's
 * {@code jdbc:postgresql://127.0.0.1:5432/test}, in a schema of its own dropped afterwards) and
 * {@code kafka} ({@code -Dmlsys.bench.kafka=host:port}; {@code bench/sink-throughput.sh} starts a
 * private broker for it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class SinkThroughputBenchmark {
  static final int EVENTS = 1000;

  @Param({"jsonl", "sqlite", "postgresql", "kafka"})
  public String sink;

  private Path folder;
  private PredictionLog log;
  private String postgresSchema;
  private long sequence;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    folder = Files.createTempDirectory("sink-bench");
    PredictionLogConfig config = PredictionLogConfig.defaults();
    StoreConfig store = StoreConfig.defaults();
    StoreSinkConfig storeSink = StoreSinkConfig.defaults().withEnabled(true);
    switch (sink) {
      case "jsonl" -> config = config.withJsonl(JsonlSinkConfig.in(folder.resolve("events")));
      case "sqlite" -> config = config.withStore(storeSink);
      case "postgresql" -> {
        postgresSchema = "bench" + System.nanoTime();
        store = StoreConfig.postgresql(postgresUrl(), "postgres", null).withSchema(postgresSchema);
        config = config.withStore(storeSink);
      }
      case "kafka" -> {
        String servers = System.getProperty("mlsys.bench.kafka");
        if (servers == null) {
          throw new IllegalStateException(
              "sink=kafka needs -Dmlsys.bench.kafka=host:port (bench/sink-throughput.sh starts a"
                  + " broker)");
        }
        config =
            config.withKafka(
                KafkaSinkConfig.defaults()
                    .withBootstrapServers(servers)
                    .withTopic("bench-" + System.nanoTime())
                    .withTimeout(Duration.ofSeconds(30)));
      }
      default -> throw new IllegalArgumentException("sink: " + sink);
    }
    log = PredictionLog.open(config, store, folder, Clock.systemUTC(), new SimpleMeterRegistry());
  }

  private static String postgresUrl() {
    return System.getProperty("mlsys.bench.postgres", "jdbc:postgresql://127.0.0.1:5432/test");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException, SQLException {
    if (log != null) {
      log.close();
    }
    if (postgresSchema != null) {
      try (Connection connection = DriverManager.getConnection(postgresUrl(), "postgres", null);
          Statement statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA IF EXISTS " + postgresSchema + "_predictionlog CASCADE");
      }
    }
    PredictionLogBenchmark.deleteTree(folder);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void recordAndFlush() throws InterruptedException {
    for (int i = 0; i < EVENTS; i++) {
      log.record(call("r" + sequence++));
    }
    log.flush();
  }

  private static PredictionCall call(String requestId) {
    Instant start = Instant.now();
    InferRequest request =
        new InferRequest(
            requestId,
            List.of(Tensor.ofFloats("float_input", new long[] {1, 4}, 5.1f, 3.5f, 1.4f, 0.2f)),
            List.of(),
            Map.of());
    InferResponse response =
        new InferResponse(
            "iris",
            "1",
            requestId,
            List.of(Tensor.ofLongs("output_label", new long[] {1}, 0L)),
            Map.of());
    return new PredictionCall(
        "iris",
        "1",
        request,
        response,
        null,
        start,
        start.plusNanos(250_000),
        null,
        "4bf92f3577b34da6a3ce929d0e0e4736",
        null,
        null,
        null,
        Map.of(),
        PredictionLogOptions.defaults(),
        false,
        null);
  }
}
