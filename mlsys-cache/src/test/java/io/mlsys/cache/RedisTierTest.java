package io.mlsys.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.core.CallContext;
import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.ModelDecorators;
import io.mlsys.core.spi.SharedResources;
import io.mlsys.redis.RedisBreaker;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.PrivateRedis;
import io.mlsys.testing.StubModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Redis tier against real servers: the shared Redis on 6379 for two replicas sharing answers, a
 * private redis-server that the test stops and restarts for an outage.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisTierTest {
  private static final String SHARED_REDIS = "redis://127.0.0.1:6379";

  // A name of this run's own, so runs and other users of the shared Redis never meet.
  private final String modelName = "cache-test-" + UUID.randomUUID();
  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable closeable : toClose.reversed()) {
      closeable.close();
    }
  }

  private ModelMetadata metadata() {
    return new ModelMetadata(
        modelName,
        "1",
        "test",
        List.of(new TensorSpec("x", DataType.FP32, List.of(-1L, 2L))),
        List.of(new TensorSpec("y", DataType.FP32, List.of(-1L, 2L))),
        Map.of(),
        Map.of());
  }

  private StubModel doubler() {
    return multiplier(2);
  }

  /** Another model under the same name and version: a reload that brought new bytes. */
  private StubModel multiplier(float factor) {
    return new StubModel(
        metadata(),
        (request, context) -> {
          float[] y = request.inputs().getFirst().floats().clone();
          for (int i = 0; i < y.length; i++) {
            y[i] *= factor;
          }
          return new InferResponse(
              modelName,
              "1",
              request.id(),
              List.of(Tensor.ofFloats("y", new long[] {1, 2}, y)),
              Map.of());
        });
  }

  /** One server's cache of the model: its own shared resources and meters. */
  private record Replica(
      CachedModel cache, SimpleMeterRegistry registry, SharedResources resources) {
    double count(String name, String... tags) {
      var counter = registry.find(name).tags(tags).counter();
      return counter == null ? 0 : counter.count();
    }

    double invalidations(String modelName, String reason) {
      return count("mlsys.cache.invalidations", "model", modelName, "reason", reason);
    }

    double resubscriptions() {
      return count("mlsys.cache.invalidations", "reason", "resubscribed");
    }
  }

  private Replica replica(StubModel model, PredictionCacheOptions options) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SharedResources resources = SharedResources.create();
    toClose.add(resources);
    Replica replica = new Replica(load(model, options, registry, resources), registry, resources);
    PrivateRedis.await(() -> replica.cache().redis().commands() != null, "the connection to Redis");
    // Subscribing empties the in-process entries (messages may have been missed before it).
    PrivateRedis.await(() -> replica.resubscriptions() >= 1, "the invalidation subscription");
    return replica;
  }

  /** Loads version 1 of the model behind its cache in one server, as the repository does. */
  private CachedModel load(
      StubModel model,
      PredictionCacheOptions options,
      SimpleMeterRegistry registry,
      SharedResources resources) {
    Model decorated =
        ModelDecorators.installed()
            .decorate(
                model,
                List.of(options),
                new DecoratorContext(modelName, "1", clock, registry, resources));
    toClose.add(decorated);
    return (CachedModel) decorated;
  }

  private static InferRequest request(String id, float a, float b) {
    return new InferRequest(
        id, List.of(Tensor.ofFloats("x", new long[] {1, 2}, a, b)), List.of(), Map.of());
  }

  private CallContext context() {
    return CallContext.of(clock);
  }

  private StatefulRedisConnection<String, String> inspect(String uri) {
    RedisClient client = RedisClient.create(uri);
    toClose.add(client::shutdown);
    return client.connect();
  }

  private List<String> keys(StatefulRedisConnection<String, String> redis) {
    return redis.sync().keys(RedisTier.modelPrefix(modelName) + "*");
  }

  @Test
  void twoReplicasShareAnswersThroughRedisAndTheApiDeletesThem() {
    PredictionCacheOptions options = PredictionCacheOptions.defaults().withRedis(SHARED_REDIS);
    StubModel modelA = doubler();
    StubModel modelB = doubler();
    Replica a = replica(modelA, options);
    Replica b = replica(modelB, options);
    StatefulRedisConnection<String, String> redis = inspect(SHARED_REDIS);

    assertThat(a.cache().infer(request("1", 1, 2), context()).parameters())
        .containsEntry("cache", "miss");
    PrivateRedis.await(() -> keys(redis).size() == 1, "the answer in Redis");
    long ttlMillis = redis.sync().pttl(keys(redis).getFirst());
    assertThat(ttlMillis).isPositive().isLessThanOrEqualTo(60_000);

    InferResponse fromRedis = b.cache().infer(request("2", 1, 2), context());
    assertThat(fromRedis.parameters()).containsEntry("cache", "hit");
    assertThat(fromRedis.id()).isEqualTo("2");
    assertThat(fromRedis.outputs().getFirst().floats()).containsExactly(2, 4);
    assertThat(modelB.calls()).isZero();
    assertThat(b.count("mlsys.cache.hits", "model", modelName, "tier", "redis")).isEqualTo(1);
    // Now in B's memory too (near cache).
    b.cache().infer(request("3", 1, 2), context());
    assertThat(b.count("mlsys.cache.hits", "model", modelName, "tier", "memory")).isEqualTo(1);

    PrivateRedis.await(() -> b.cache().redis().isSubscribed(), "B listening for invalidations");
    assertThat(b.cache().entries()).isEqualTo(1);

    PredictionCaches.Invalidation done =
        a.resources().find(PredictionCaches.class).orElseThrow().invalidate(modelName);
    assertThat(done.redisKeys()).isEqualTo(1);
    assertThat(keys(redis)).isEmpty();
    // B (another server) heard of it over Redis and dropped its in-process copy too.
    PrivateRedis.await(() -> b.cache().entries() == 0, "B's in-process entry dropped");
    assertThat(b.cache().infer(request("4", 1, 2), context()).parameters())
        .containsEntry("cache", "miss");
    assertThat(modelB.calls()).isEqualTo(1);
  }

  @Test
  void aReloadOfTheSameVersionDropsItsEntriesHereInRedisAndOnTheOtherReplica() throws Exception {
    PrivateRedis privateRedis = new PrivateRedis();
    toClose.add(privateRedis);
    PredictionCacheOptions options =
        PredictionCacheOptions.defaults().withRedis(privateRedis.uri());
    Replica a = replica(doubler(), options);
    StubModel modelB = doubler();
    Replica b = replica(modelB, options);
    StatefulRedisConnection<String, String> redis = inspect(privateRedis.uri());
    // A first subscription drops the in-process entries too (and a message published before it is
    // not heard): both listen before anything is cached.
    PrivateRedis.await(() -> a.cache().redis().isSubscribed(), "A listening for invalidations");
    PrivateRedis.await(() -> b.cache().redis().isSubscribed(), "B listening for invalidations");
    assertThat(a.cache().infer(request("1", 1, 2), context()).parameters())
        .containsEntry("cache", "miss");
    PrivateRedis.await(() -> keys(redis).size() == 1, "the answer in Redis");
    assertThat(b.cache().infer(request("2", 1, 2), context()).parameters())
        .containsEntry("cache", "hit");
    assertThat(b.cache().entries()).isEqualTo(1);

    // Server A reloads version 1 and gets new bytes: a new chain, then the old one closes.
    StubModel reloaded = multiplier(3);
    CachedModel a2 = load(reloaded, options, a.registry(), a.resources());
    assertThat(a.cache().entries()).isZero();
    assertThat(a.invalidations(modelName, "reload")).isEqualTo(1);
    PrivateRedis.await(() -> keys(redis).isEmpty(), "version 1's entries deleted from Redis");
    PrivateRedis.await(() -> b.cache().entries() == 0, "B's in-process entry dropped");
    assertThat(b.invalidations(modelName, "remote")).isEqualTo(1);
    a.cache().close();

    InferResponse answer = a2.infer(request("3", 1, 2), context());
    assertThat(answer.parameters()).containsEntry("cache", "miss");
    assertThat(answer.outputs().getFirst().floats()).containsExactly(3, 6);
    assertThat(reloaded.calls()).isEqualTo(1);
  }

  @Test
  void aNewVersionTellsTheOtherReplicasButLeavesTheOldVersionsRedisEntries() throws Exception {
    PrivateRedis privateRedis = new PrivateRedis();
    toClose.add(privateRedis);
    PredictionCacheOptions options =
        PredictionCacheOptions.defaults().withRedis(privateRedis.uri());
    Replica a = replica(doubler(), options);
    Replica b = replica(doubler(), options);
    StatefulRedisConnection<String, String> redis = inspect(privateRedis.uri());
    a.cache().infer(request("1", 1, 2), context());
    PrivateRedis.await(() -> keys(redis).size() == 1, "the answer in Redis");
    b.cache().infer(request("2", 1, 2), context());
    assertThat(b.cache().entries()).isEqualTo(1);

    // A registry alias moved: server A now serves version 2 of the model.
    Model version2 =
        ModelDecorators.installed()
            .decorate(
                multiplier(3),
                List.of(options),
                new DecoratorContext(modelName, "2", clock, a.registry(), a.resources()));
    toClose.add(version2);
    PrivateRedis.await(() -> b.cache().entries() == 0, "B's in-process entry dropped");
    assertThat(a.invalidations(modelName, "reload")).isEqualTo(1);
    // Version 2's keys differ: version 1's entries stay for the servers that still serve it.
    assertThat(keys(redis)).hasSize(1);
    assertThat(version2.infer(request("3", 1, 2), context()).outputs().getFirst().floats())
        .containsExactly(3, 6);
  }

  @Test
  void aReplicaThatMissedAnInvalidationWhileDisconnectedDropsItsEntriesOnReconnect()
      throws Exception {
    PrivateRedis privateRedis = new PrivateRedis();
    toClose.add(privateRedis);
    CuttableProxy proxy = new CuttableProxy(privateRedis.port());
    toClose.add(proxy);
    Replica a = replica(doubler(), PredictionCacheOptions.defaults().withRedis(privateRedis.uri()));
    StubModel modelB = doubler();
    // B reaches the same Redis through a link the test cuts: B alone is disconnected.
    Replica b = replica(modelB, PredictionCacheOptions.defaults().withRedis(proxy.uri()));
    StatefulRedisConnection<String, String> redis = inspect(privateRedis.uri());
    a.cache().infer(request("1", 1, 2), context());
    PrivateRedis.await(() -> keys(redis).size() == 1, "the answer in Redis");
    assertThat(b.cache().infer(request("2", 1, 2), context()).parameters())
        .containsEntry("cache", "hit");
    double subscribedBefore = b.resubscriptions();

    proxy.cut();
    PredictionCaches.Invalidation done =
        a.resources().find(PredictionCaches.class).orElseThrow().invalidate(modelName);
    assertThat(done.redisKeys()).isEqualTo(1);
    // B could not hear it: its stale entry is still there while it is cut off.
    assertThat(b.cache().entries()).isEqualTo(1);

    proxy.restore();
    PrivateRedis.await(
        () -> b.resubscriptions() > subscribedBefore, "B subscribed again after reconnecting");
    assertThat(b.cache().entries()).isZero();
    InferResponse answer = b.cache().infer(request("3", 1, 2), context());
    assertThat(answer.parameters()).containsEntry("cache", "miss");
    assertThat(modelB.calls()).isEqualTo(1);
  }

  @Test
  void anExpiredAnswerInRedisIsNotServed() {
    PredictionCacheOptions options =
        PredictionCacheOptions.defaults()
            .withRedis(SHARED_REDIS)
            .withMaxStale(Duration.ofMinutes(5));
    Replica a = replica(doubler(), options);
    StatefulRedisConnection<String, String> redis = inspect(SHARED_REDIS);
    a.cache().infer(request("1", 1, 2), context());
    PrivateRedis.await(() -> keys(redis).size() == 1, "the answer in Redis");

    clock.advance(Duration.ofSeconds(61));
    StubModel modelB = doubler();
    Replica b = replica(modelB, options);

    assertThat(b.cache().infer(request("2", 1, 2), context()).parameters())
        .containsEntry("cache", "miss");
    assertThat(modelB.calls()).isEqualTo(1);
  }

  @Test
  void servingGoesOnWhileRedisIsDownAndUsesItAgainWhenItIsBack() throws Exception {
    PrivateRedis privateRedis = new PrivateRedis();
    toClose.add(privateRedis);
    Duration openPeriod = Duration.ofSeconds(5);
    PredictionCacheOptions options =
        PredictionCacheOptions.defaults()
            .withRedis(privateRedis.uri())
            .withRedisBreaker(Duration.ofMillis(500), 1, openPeriod);
    StubModel model = doubler();
    Replica replica = replica(model, options);
    CachedModel cache = replica.cache();
    StatefulRedisConnection<String, String> redis = inspect(privateRedis.uri());
    cache.infer(request("1", 1, 2), context());
    PrivateRedis.await(() -> keys(redis).size() == 1, "the answer in Redis");

    privateRedis.stop();
    // The first call after the outage meets it (a failed or timed-out GET) and opens the breaker.
    assertThat(cache.infer(request("2", 3, 4), context()).outputs().getFirst().floats())
        .containsExactly(6, 8);
    assertThat(cache.redisTier().breaker().state()).isEqualTo(RedisBreaker.State.OPEN);
    // While open, calls do not ask Redis at all; in-process hits go on.
    assertThat(cache.infer(request("3", 5, 6), context()).parameters())
        .containsEntry("cache", "miss");
    assertThat(cache.infer(request("4", 1, 2), context()).parameters())
        .containsEntry("cache", "hit");
    assertThat(replica.count("mlsys.cache.redis.skipped", "model", modelName)).isPositive();
    assertThat(replica.count("mlsys.cache.redis.errors", "model", modelName)).isPositive();

    privateRedis.start();
    StatefulRedisConnection<String, String> restarted = inspect(privateRedis.uri());
    float[] next = {100};
    PrivateRedis.await(
        () -> {
          // Each open period lets one call probe Redis; Lettuce reconnects in the background.
          clock.advance(openPeriod);
          next[0]++;
          cache.infer(request("probe", next[0], 0), context());
          return !keys(restarted).isEmpty();
        },
        "the cache to write to Redis again");
    assertThat(cache.redisTier().breaker().state()).isEqualTo(RedisBreaker.State.CLOSED);
  }
}
