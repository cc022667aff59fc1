package io.mlsys.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.cache.PredictionCacheOptions;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.Tensor;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.ModelDecorators;
import io.mlsys.core.spi.SharedResources;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
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
 * What the {@code cache} decorator saves and costs, in process, one caller: the same request to the
 * bare model ({@code model}), answered by the in-process tier ({@code hit}: hashing the request,
 * the Caffeine lookup, the answer with its own id), and by the Redis tier ({@code redis}: a cache
 * whose in-process tier keeps nothing ({@code max-bytes: 1}), so every call hashes, asks Redis,
 * decodes), beside a raw Lettuce {@code GET} of the same value on the same Redis ({@code
 * lettuce-get}: the floor of any Redis tier). Models: the iris SVC (one row, ~10 us) and the
 * PP-OCRv4 recognizer (one 48x320 text line, 184 KB of input to hash). Redis: {@code
 * $MLSYS_BENCH_REDIS}, else {@code redis://127.0.0.1:6379}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class PredictionCacheBenchmark {
  @Param({"iris", "ocr"})
  public String model;

  @Param({"model", "hit", "redis", "lettuce-get"})
  public String path;

  private final String name = "bench-" + UUID.randomUUID();
  private final CallContext context = CallContext.of(Clock.systemUTC());
  private SharedResources resources;
  private Model served;
  private InferRequest request;
  private RedisClient client;
  private RedisCommands<String, byte[]> raw;
  private String key;
  private Supplier<Object> call;

  @Setup(Level.Trial)
  public void setUp() {
    String redis = System.getenv().getOrDefault("MLSYS_BENCH_REDIS", "redis://127.0.0.1:6379");
    resources = SharedResources.create();
    Model onnx =
        BatchingBenchmark.loadModel(
            model.equals("iris") ? BatchingBenchmark.IRIS : BatchingBenchmark.OCR);
    request =
        model.equals("iris")
            ? InferRequest.of(
                Tensor.ofFloats("float_input", new long[] {1, 4}, 5.1f, 3.5f, 1.4f, 0.2f))
            : BatchingBenchmark.textLines(1);
    PredictionCacheOptions options =
        switch (path) {
          case "model" -> null;
          case "hit" -> PredictionCacheOptions.defaults().withTtl(Duration.ofHours(1));
          default ->
              PredictionCacheOptions.defaults()
                  .withTtl(Duration.ofHours(1))
                  .withMaxBytes(1L)
                  .withRedis(redis)
                  .withRedisBreaker(Duration.ofSeconds(1), 3, Duration.ofSeconds(5));
        };
    served =
        options == null
            ? onnx
            : ModelDecorators.installed()
                .decorate(
                    onnx,
                    List.of(options),
                    new DecoratorContext(
                        name, "1", Clock.systemUTC(), new SimpleMeterRegistry(), resources));
    if (path.equals("redis") || path.equals("lettuce-get")) {
      client = RedisClient.create(redis);
      StatefulRedisConnection<String, byte[]> connection =
          client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
      raw = connection.sync();
      // Until the cache is connected and its first answer is in Redis.
      Instant giveUp = Instant.now().plusSeconds(30);
      while (key == null) {
        served.infer(request, context);
        List<String> keys = raw.keys("mlsys:cache:" + name + ":*");
        if (!keys.isEmpty()) {
          key = keys.getFirst();
        } else if (Instant.now().isAfter(giveUp)) {
          throw new IllegalStateException("no answer reached Redis " + redis);
        } else {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
      }
    }
    if (path.equals("hit")) {
      served.infer(request, context);
    }
    InferResponse check = served.infer(request, context);
    if (!path.equals("model") && !path.equals("lettuce-get")) {
      if (!"hit".equals(check.parameters().get("cache"))) {
        throw new IllegalStateException(path + ": not a hit: " + check.parameters());
      }
    }
    call = path.equals("lettuce-get") ? () -> raw.get(key) : () -> served.infer(request, context);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (served != null) {
      served.close();
    }
    if (raw != null) {
      raw.del(key);
    }
    if (client != null) {
      client.shutdown();
    }
    resources.close();
  }

  @Benchmark
  public Object call() {
    return call.get();
  }
}
