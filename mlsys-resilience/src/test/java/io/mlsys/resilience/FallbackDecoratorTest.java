package io.mlsys.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.config.ConfigBinder;
import io.mlsys.config.ConfigDocument;
import io.mlsys.config.ConfigException;
import io.mlsys.core.CallContext;
import io.mlsys.core.CapacityExceededException;
import io.mlsys.core.CircuitOpenException;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Model;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.Predictor;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.core.spi.DecoratorOptions;
import io.mlsys.core.spi.ModelDirectory;
import io.mlsys.core.spi.SharedResources;
import io.mlsys.core.spi.StaleAnswers;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.StubModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fallback chain: cache, cheaper model, default, each saying so in the answer. */
class FallbackDecoratorTest {
  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SharedResources resources = SharedResources.create();
  private final Map<String, Predictor> served = new HashMap<>();
  private final AtomicReference<RuntimeException> refusal =
      new AtomicReference<>(new CircuitOpenException("ocr", Duration.ofSeconds(3)));
  private final StubModel stub =
      GuardTesting.model(
          "ocr",
          (request, context) -> {
            RuntimeException error = refusal.get();
            if (error != null) {
              throw error;
            }
            return GuardTesting.echo("ocr", request);
          });
  private final List<Duration> stalenessAsked = new ArrayList<>();

  FallbackDecoratorTest() {
    resources.computeIfAbsent(
        ModelDirectory.class,
        () ->
            name -> {
              Predictor predictor = served.get(name);
              if (predictor == null) {
                throw new ModelNotFoundException(name, null);
              }
              return predictor;
            });
  }

  @AfterEach
  void tearDown() {
    resources.close();
  }

  private Model withFallback(FallbackOptions options) {
    return GuardTesting.decorate(stub, clock, registry, resources, options);
  }

  private static final FallbackOptions.DefaultOutput UNKNOWN =
      new FallbackOptions.DefaultOutput("label", "BYTES", List.of(), List.of("unknown"));
  private static final FallbackOptions.DefaultOutput SCORES =
      new FallbackOptions.DefaultOutput("scores", "FP32", List.of(2L), List.of(0.5, 0.5));

  /** A cache lookup of our own, as a prediction cache registers it. */
  private void cacheKeeps(InferResponse answer) {
    resources
        .computeIfAbsent(StaleAnswers.class, StaleAnswers::new)
        .register(
            "ocr",
            (request, maxStaleness) -> {
              stalenessAsked.add(maxStaleness);
              return Optional.of(answer);
            });
  }

  @Test
  void theCachesKeptAnswerComesFirstAndSaysSo() {
    InferResponse kept =
        new InferResponse(
            "ocr",
            "1",
            "earlier",
            List.of(Tensor.ofStrings("label", new long[] {1}, "cat")),
            Map.of("cache", "stale"));
    cacheKeeps(kept);
    served.put("ocr-lite", (request, context) -> GuardTesting.echo("ocr-lite", request));
    Model model =
        withFallback(
            FallbackOptions.defaults()
                .withCacheMaxStaleness(Duration.ofMinutes(5))
                .withModel("ocr-lite"));

    InferRequest request = new InferRequest("r-1", GuardTesting.rows(1).inputs(), null, null);
    InferResponse answer = model.infer(request, CallContext.of(clock));

    assertThat(answer.outputs()).isEqualTo(kept.outputs());
    assertThat(answer.id()).isEqualTo("r-1");
    assertThat(answer.parameters())
        .containsEntry("degraded", true)
        .containsEntry("fallback", "cache")
        .containsEntry("fallback-reason", "circuit-open")
        .containsEntry("cache", "stale");
    assertThat(stalenessAsked).containsExactly(Duration.ofMinutes(5));
    assertThat(
            registry
                .get("mlsys.fallback")
                .tags("model", "ocr", "fallback", "cache", "outcome", "answered")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void withoutACachedAnswerTheCheaperModelAnswers() {
    served.put("ocr-lite", (request, context) -> GuardTesting.echo("ocr-lite", request));
    refusal.set(new CapacityExceededException("model 'ocr'", Duration.ofSeconds(1)));
    Model model = withFallback(FallbackOptions.defaults().withModel("ocr-lite"));

    InferResponse answer = model.infer(GuardTesting.rows(2), CallContext.of(clock));

    assertThat(answer.modelName()).isEqualTo("ocr-lite");
    assertThat(answer.outputs()).isEqualTo(GuardTesting.rows(2).inputs());
    assertThat(answer.parameters())
        .containsEntry("degraded", true)
        .containsEntry("fallback", "ocr-lite")
        .containsEntry("fallback-reason", "overload");
  }

  @Test
  void whenTheCheaperModelFailsTheDefaultAnswersOneRowPerRequestRow() {
    served.put(
        "ocr-lite",
        (request, context) -> {
          throw new ModelExecutionException("ocr-lite", "down", null);
        });
    Model model =
        withFallback(
            FallbackOptions.defaults()
                .withModel("ocr-lite")
                .withDefaultOutputs(List.of(UNKNOWN, SCORES)));

    InferResponse answer = model.infer(GuardTesting.rows(3), CallContext.of(clock));

    assertThat(answer.modelName()).isEqualTo("ocr");
    assertThat(answer.parameters()).containsEntry("fallback", "default");
    Tensor label = answer.output("label").orElseThrow();
    assertThat(label.shape()).containsExactly(3);
    assertThat(label.strings()).containsExactly("unknown", "unknown", "unknown");
    Tensor scores = answer.output("scores").orElseThrow();
    assertThat(scores.shape()).containsExactly(3, 2);
    assertThat(scores.floats()).containsExactly(0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f);
  }

  @Test
  void theDefaultKeepsOnlyTheOutputsAsked() {
    Model model =
        withFallback(FallbackOptions.defaults().withDefaultOutputs(List.of(UNKNOWN, SCORES)));
    InferRequest request =
        GuardTesting.rows(1).withOutputs(List.of(RequestedOutput.named("scores")));

    InferResponse answer = model.infer(request, CallContext.of(clock));

    assertThat(answer.outputs()).extracting(Tensor::name).containsExactly("scores");
  }

  @Test
  void whenNoStepAnswersTheRefusalItselfReachesTheCaller() {
    Model model = withFallback(FallbackOptions.defaults().withModel("missing"));

    assertThatThrownBy(() -> model.infer(GuardTesting.rows(1), CallContext.of(clock)))
        .isSameAs(refusal.get());
    assertThat(
            registry
                .get("mlsys.fallback")
                .tags("model", "ocr", "fallback", "model", "outcome", "missed")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void theCallersMistakesAndUnlistedRefusalsNeverFallBack() {
    Model model = withFallback(FallbackOptions.defaults().withDefaultOutputs(List.of(UNKNOWN)));
    refusal.set(new InvalidInputException("x", "bad"));
    assertThatThrownBy(() -> model.infer(GuardTesting.rows(1), CallContext.of(clock)))
        .isInstanceOf(InvalidInputException.class);

    refusal.set(new ModelExecutionException("ocr", "boom", null));
    assertThatThrownBy(() -> model.infer(GuardTesting.rows(1), CallContext.of(clock)))
        .isInstanceOf(ModelExecutionException.class);

    Model onFailure =
        withFallback(
            FallbackOptions.defaults()
                .withOn(List.of(FallbackOptions.Trigger.FAILURE))
                .withDefaultOutputs(List.of(UNKNOWN)));
    assertThat(onFailure.infer(GuardTesting.rows(1), CallContext.of(clock)).parameters())
        .containsEntry("fallback-reason", "failure");
  }

  @Test
  void aCallPastItsDeadlineIsNotAnsweredByAFallback() {
    Model model = withFallback(FallbackOptions.defaults().withDefaultOutputs(List.of(UNKNOWN)));
    CallContext context = CallContext.of(clock).withTimeout(Duration.ofMillis(10));
    clock.advance(Duration.ofMillis(10));

    assertThatThrownBy(() -> model.infer(GuardTesting.rows(1), context))
        .isInstanceOf(CircuitOpenException.class);
  }

  @Test
  void fallbacksDoNotChainTwoModelsThatFallBackToEachOther() {
    // ocr-lite is itself refused and would fall back to ocr: it must not.
    Model lite =
        GuardTesting.decorate(
            GuardTesting.model(
                "ocr-lite",
                (request, context) -> {
                  throw new CircuitOpenException("ocr-lite");
                }),
            clock,
            registry,
            resources,
            FallbackOptions.defaults().withModel("ocr"));
    Model model = withFallback(FallbackOptions.defaults().withModel("ocr-lite"));
    served.put("ocr", model);
    served.put("ocr-lite", lite);

    assertThatThrownBy(() -> model.infer(GuardTesting.rows(1), CallContext.of(clock)))
        .isSameAs(refusal.get());
  }

  @Test
  void aModelCannotBeItsOwnFallback() {
    assertThatThrownBy(() -> withFallback(FallbackOptions.defaults().withModel("ocr")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("is the model itself");
  }

  @Test
  void aFallbackWithNoStepFailsToLoadSayingWhatItNeeds() {
    assertThatThrownBy(() -> withFallback(FallbackOptions.defaults()))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(
            "decorator fallback: no step (expected: at least one of cache-max-staleness, model"
                + " and default-outputs)");
  }

  @Test
  void withoutCacheMaxStalenessTheCacheIsNotAsked() {
    cacheKeeps(GuardTesting.echo("ocr", GuardTesting.rows(1)));
    Model model = withFallback(FallbackOptions.defaults().withDefaultOutputs(List.of(UNKNOWN)));

    assertThat(model.infer(GuardTesting.rows(1), CallContext.of(clock)).parameters())
        .containsEntry("fallback", "default");
    assertThat(stalenessAsked).isEmpty();
  }

  record Served(List<DecoratorOptions> decorators) {}

  @Test
  void theChainBindsFromConfigWithEveryKeyKebabCase() {
    Served config =
        ConfigBinder.bind(
            ConfigDocument.parse(
                """
                decorators:
                  - fallback:
                      cache-max-staleness: 10m
                      model: ocr-lite
                      default-outputs: [{name: label, datatype: BYTES, data: [unknown]}]
                  - rate-limit: {requests-per-second: 50, per-caller: {requests-per-second: 5}}
                  - concurrency-limit: {max-in-flight: 2, max-queued: 4, max-queue-wait: 20ms}
                  - circuit-breaker: {window: 5s, minimum-calls: 10, slow-call-threshold: 250ms}
                """,
                "mlsys.yaml",
                Path.of("/srv"),
                Map.of()),
            Served.class);

    assertThat(config.decorators())
        .containsExactly(
            FallbackOptions.defaults()
                .withCacheMaxStaleness(Duration.ofMinutes(10))
                .withModel("ocr-lite")
                .withDefaultOutputs(List.of(UNKNOWN)),
            RateLimitOptions.defaults()
                .withRequestsPerSecond(50, 0)
                .withPerCaller(new RateLimitOptions.Rate(5, null)),
            ConcurrencyLimitOptions.defaults()
                .withMaxInFlight(2)
                .withMaxQueued(4)
                .withMaxQueueWait(Duration.ofMillis(20)),
            CircuitBreakerOptions.defaults()
                .withWindow(Duration.ofSeconds(5), 10)
                .withSlowCalls(
                    Duration.ofMillis(250), CircuitBreakerOptions.DEFAULT_SLOW_CALL_RATIO));
  }

  @Test
  void aDefaultOutputWhoseDataDoesNotFitItsDatatypeNamesTheValue() {
    assertThatThrownBy(
            () ->
                ConfigBinder.bind(
                    ConfigDocument.parse(
                        "decorators: [{fallback: {default-outputs: [{name: n, datatype: INT8,"
                            + " data: [1000]}]}}]",
                        "mlsys.yaml",
                        Path.of("/srv"),
                        Map.of()),
                    Served.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "decorators[0].fallback.default-outputs[0].data[0]: 1000 (expected: an integer that"
                + " fits INT8)");
  }
}
