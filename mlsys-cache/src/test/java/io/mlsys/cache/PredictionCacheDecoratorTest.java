package io.mlsys.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.core.CallContext;
import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Model;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.ModelDecorators;
import io.mlsys.core.spi.SharedResources;
import io.mlsys.core.spi.StaleAnswers;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.StubModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@code cache} decorator in process, found through the SPI, on a manual clock. */
// The timeout only stops a hung test; no assertion depends on time.
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PredictionCacheDecoratorTest {
  private static final ModelMetadata METADATA =
      new ModelMetadata(
          "doubler",
          "1",
          "test",
          List.of(new TensorSpec("x", DataType.FP32, List.of(-1L, 2L))),
          List.of(new TensorSpec("y", DataType.FP32, List.of(-1L, 2L))),
          Map.of(),
          Map.of());

  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SharedResources resources = SharedResources.create();
  private final List<Model> models = new ArrayList<>();

  @AfterEach
  void tearDown() {
    models.forEach(Model::close);
    resources.close();
  }

  /** {@code y = 2x}, counting calls. */
  private static StubModel doubler(String version) {
    return new StubModel(
        METADATA,
        (request, context) -> {
          Tensor x = request.inputs().getFirst();
          float[] y = x.floats().clone();
          for (int i = 0; i < y.length; i++) {
            y[i] *= 2;
          }
          return new InferResponse(
              "doubler",
              version,
              request.id(),
              List.of(Tensor.ofFloats("y", x.shape(), y)),
              Map.of("classes", "a,b"));
        });
  }

  private Model cached(Model model, String version, PredictionCacheOptions options) {
    Model decorated =
        ModelDecorators.installed()
            .decorate(
                model,
                List.of(options),
                new DecoratorContext("doubler", version, clock, registry, resources));
    models.add(decorated);
    return decorated;
  }

  private static InferRequest request(String id, float... x) {
    return new InferRequest(
        id, List.of(Tensor.ofFloats("x", new long[] {x.length / 2, 2}, x)), List.of(), Map.of());
  }

  private CallContext context() {
    return CallContext.of(clock);
  }

  private double count(String name, String... tags) {
    var counter = registry.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aRepeatedRequestIsAnsweredFromTheCacheWithItsOwnId() {
    StubModel model = doubler("1");
    Model cache = cached(model, "1", PredictionCacheOptions.defaults());

    InferResponse first = cache.infer(request("a", 1, 2), context());
    InferResponse second = cache.infer(request("b", 1, 2), context());

    assertThat(model.calls()).isEqualTo(1);
    assertThat(first.parameters()).containsEntry("cache", "miss").containsEntry("classes", "a,b");
    assertThat(second.parameters()).containsEntry("cache", "hit").containsEntry("classes", "a,b");
    assertThat(second.id()).isEqualTo("b");
    assertThat(second.outputs().getFirst().floats()).containsExactly(2, 4);
    assertThat(count("mlsys.cache.hits", "model", "doubler", "tier", "memory")).isEqualTo(1);
    assertThat(count("mlsys.cache.misses", "model", "doubler")).isEqualTo(1);
    assertThat(registry.get("mlsys.cache.hit.ratio").gauge().value()).isEqualTo(0.5);
    assertThat(registry.get("mlsys.cache.entries").gauge().value()).isEqualTo(1);
    assertThat(registry.get("mlsys.cache.size").gauge().value()).isPositive();
  }

  @Test
  void differentInputsAreDifferentEntries() {
    StubModel model = doubler("1");
    Model cache = cached(model, "1", PredictionCacheOptions.defaults());

    cache.infer(request("a", 1, 2), context());
    InferResponse other = cache.infer(request("a", 1, 3), context());

    assertThat(model.calls()).isEqualTo(2);
    assertThat(other.outputs().getFirst().floats()).containsExactly(2, 6);
  }

  @Test
  void anAnswerExpiresAfterItsTtl() {
    StubModel model = doubler("1");
    Model cache =
        cached(model, "1", PredictionCacheOptions.defaults().withTtl(Duration.ofSeconds(10)));

    cache.infer(request("a", 1, 2), context());
    clock.advance(Duration.ofSeconds(9));
    assertThat(cache.infer(request("a", 1, 2), context()).parameters())
        .containsEntry("cache", "hit");
    clock.advance(Duration.ofSeconds(1));
    assertThat(cache.infer(request("a", 1, 2), context()).parameters())
        .containsEntry("cache", "miss");
    assertThat(model.calls()).isEqualTo(2);
  }

  @Test
  void theEntryBoundEvictsAndCountsIt() {
    StubModel model = doubler("1");
    Model cache = cached(model, "1", PredictionCacheOptions.defaults().withMaxEntries(2L));

    for (int i = 0; i < 5; i++) {
      cache.infer(request("a", i, i), context());
    }

    assertThat(registry.get("mlsys.cache.entries").gauge().value()).isLessThanOrEqualTo(2);
    assertThat(count("mlsys.cache.evictions", "model", "doubler", "cause", "size")).isEqualTo(3);
  }

  @Test
  void theByteBoundWeighsEntriesByTheirEncodedSize() {
    StubModel model = doubler("1");
    int oneEntry =
        AnswerCodec.size(
            new InferResponse(
                "doubler",
                "1",
                null,
                List.of(Tensor.ofFloats("y", new long[] {1, 2}, 0, 0)),
                Map.of("classes", "a,b")));
    Model cache = cached(model, "1", PredictionCacheOptions.defaults().withMaxBytes(3L * oneEntry));

    for (int i = 0; i < 10; i++) {
      cache.infer(request("a", i, i), context());
    }

    assertThat(registry.get("mlsys.cache.size").gauge().value())
        .isLessThanOrEqualTo(3.0 * oneEntry);
    assertThat(count("mlsys.cache.evictions", "model", "doubler", "cause", "size")).isEqualTo(7);
  }

  @Test
  void concurrentIdenticalMissesRunTheModelOnce() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    StubModel inner = doubler("1");
    AtomicInteger runs = new AtomicInteger();
    StubModel model =
        new StubModel(
            METADATA,
            (request, context) -> {
              runs.incrementAndGet();
              entered.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
              return inner.infer(request, context);
            });
    Model cache = cached(model, "1", PredictionCacheOptions.defaults());
    int callers = 8;
    List<Future<InferResponse>> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      answers.add(pool.submit(() -> cache.infer(request("r0", 1, 2), context())));
      entered.await();
      for (int i = 1; i < callers; i++) {
        String id = "r" + i;
        answers.add(pool.submit(() -> cache.infer(request(id, 1, 2), context())));
      }
      // The followers are waiting on the leader (not running the model): let it finish.
      while (((CachedModel) cache).followers() < callers - 1) {
        Thread.onSpinWait();
      }
      release.countDown();
      for (int i = 0; i < callers; i++) {
        InferResponse answer = answers.get(i).get();
        assertThat(answer.id()).isEqualTo("r" + i);
        assertThat(answer.outputs().getFirst().floats()).containsExactly(2, 4);
      }
    }
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void errorsAreNotCachedByDefault() {
    AtomicInteger calls = new AtomicInteger();
    StubModel model =
        new StubModel(
            METADATA,
            (request, context) -> {
              calls.incrementAndGet();
              throw new InvalidInputException("x", "bad");
            });
    Model cache = cached(model, "1", PredictionCacheOptions.defaults());

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> cache.infer(request("a", 1, 2), context()))
          .isInstanceOf(InvalidInputException.class);
    }
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void aNegativeTtlKeepsAnErrorForThatLong() {
    AtomicInteger calls = new AtomicInteger();
    StubModel model =
        new StubModel(
            METADATA,
            (request, context) -> {
              calls.incrementAndGet();
              throw new InvalidInputException("x", "bad");
            });
    Model cache =
        cached(
            model, "1", PredictionCacheOptions.defaults().withNegativeTtl(Duration.ofSeconds(5)));

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> cache.infer(request("a", 1, 2), context()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("bad");
    }
    assertThat(calls.get()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(5));
    assertThatThrownBy(() -> cache.infer(request("a", 1, 2), context()))
        .isInstanceOf(InvalidInputException.class);
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void aNewVersionNeverAnswersFromTheOldVersionsEntries() {
    StubModel v1 = doubler("1");
    Model cache1 = cached(v1, "1", PredictionCacheOptions.defaults());
    cache1.infer(request("a", 1, 2), context());

    StubModel v2 = doubler("2");
    Model cache2 = cached(v2, "2", PredictionCacheOptions.defaults());
    InferResponse answer = cache2.infer(request("a", 1, 2), context());

    assertThat(answer.parameters()).containsEntry("cache", "miss");
    assertThat(answer.modelVersion()).isEqualTo("2");
    assertThat(v2.calls()).isEqualTo(1);
  }

  @Test
  void closingAVersionFreesItsEntriesAndItsStaleLookup() {
    StubModel model = doubler("1");
    Model cache =
        cached(model, "1", PredictionCacheOptions.defaults().withMaxStale(Duration.ofMinutes(5)));
    cache.infer(request("a", 1, 2), context());
    StaleAnswers stale = resources.find(StaleAnswers.class).orElseThrow();
    assertThat(stale.find("doubler", request("z", 1, 2), Duration.ZERO)).isPresent();

    cache.close();

    assertThat(model.isClosed()).isTrue();
    assertThat(((CachedModel) cache).entries()).isZero();
    assertThat(((CachedModel) cache).bytes()).isZero();
    assertThat(stale.find("doubler", request("z", 1, 2), Duration.ofDays(1))).isEmpty();
    assertThat(resources.find(PredictionCaches.class).orElseThrow().hasCache("doubler")).isFalse();
  }

  @Test
  void staleAnswersAreKeptForFallbacksUpToMaxStaleButNeverServedNormally() {
    StubModel model = doubler("1");
    Model cache =
        cached(
            model,
            "1",
            PredictionCacheOptions.defaults()
                .withTtl(Duration.ofSeconds(10))
                .withMaxStale(Duration.ofSeconds(60)));
    cache.infer(request("a", 1, 2), context());
    StaleAnswers stale = resources.find(StaleAnswers.class).orElseThrow();

    clock.advance(Duration.ofSeconds(30));
    InferResponse kept =
        stale.find("doubler", request("f", 1, 2), Duration.ofSeconds(30)).orElseThrow();
    assertThat(kept.parameters()).containsEntry("cache", "stale");
    assertThat(kept.id()).isEqualTo("f");
    assertThat(stale.find("doubler", request("f", 1, 2), Duration.ofSeconds(19))).isEmpty();

    clock.advance(Duration.ofSeconds(41));
    assertThat(stale.find("doubler", request("f", 1, 2), Duration.ofDays(1))).isEmpty();

    assertThat(cache.infer(request("a", 1, 2), context()).parameters())
        .containsEntry("cache", "miss");
    assertThat(stale.find("doubler", request("f", 1, 2), Duration.ZERO)).isPresent();
  }

  @Test
  void theApiEmptiesEveryLoadedVersionOfTheModel() {
    StubModel model = doubler("1");
    Model cache = cached(model, "1", PredictionCacheOptions.defaults());
    cache.infer(request("a", 1, 2), context());
    cache.infer(request("a", 3, 4), context());
    PredictionCaches caches = resources.find(PredictionCaches.class).orElseThrow();

    PredictionCaches.Invalidation done = caches.invalidate("doubler");

    assertThat(done.entries()).isEqualTo(2);
    assertThat(done.redisKeys()).isZero();
    assertThat(cache.infer(request("a", 1, 2), context()).parameters())
        .containsEntry("cache", "miss");
    assertThatThrownBy(() -> caches.invalidate("other"))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("other");
  }

  @Test
  void onlyListedParametersAreInTheKey() {
    StubModel model = doubler("1");
    Model cache =
        cached(model, "1", PredictionCacheOptions.defaults().withKeyParameters(List.of("top_k")));
    Tensor x = Tensor.ofFloats("x", new long[] {1, 2}, 1, 2);

    cache.infer(new InferRequest("a", List.of(x), List.of(), Map.of("top_k", 1)), context());
    InferResponse sameTopK =
        cache.infer(
            new InferRequest("b", List.of(x), List.of(), Map.of("top_k", 1, "timeout", 5)),
            context());
    InferResponse otherTopK =
        cache.infer(new InferRequest("c", List.of(x), List.of(), Map.of("top_k", 2)), context());

    assertThat(sameTopK.parameters()).containsEntry("cache", "hit");
    assertThat(otherTopK.parameters()).containsEntry("cache", "miss");
  }
}
