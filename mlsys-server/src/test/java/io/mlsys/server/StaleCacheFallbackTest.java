package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.cache.PredictionCacheOptions;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.QuotaExceededException;
import io.mlsys.core.Tensor;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.ModelDecorators;
import io.mlsys.core.spi.SharedResources;
import io.mlsys.onnx.OnnxModel;
import io.mlsys.onnx.OnnxModelOptions;
import io.mlsys.resilience.FallbackOptions;
import io.mlsys.resilience.RateLimitOptions;
import io.mlsys.testing.Fixtures;
import io.mlsys.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The two halves of the fallback chain's first step, as installed together: the prediction cache
 * ({@code mlsys-cache}) keeps an answer past its TTL, and when the model behind a {@code fallback}
 * cannot answer (here its rate is spent) the fallback serves that kept answer, marked degraded,
 * through the shared {@code StaleAnswers} contract; past {@code cache-max-staleness} it does not.
 */
class StaleCacheFallbackTest {
  private final ManualClock clock = ManualClock.startingAt("2026-12-07T10:00:00Z");

  @Test
  void anExpiredCachedAnswerIsServedDegradedWhileTheModelCannotAnswer() {
    OnnxModel iris =
        OnnxModel.load(
            Fixtures.require("sklearn-iris/iris_svc.onnx"), OnnxModelOptions.defaults("iris", "1"));
    try (SharedResources resources = SharedResources.create();
        Model guarded =
            ModelDecorators.installed()
                .decorate(
                    iris,
                    List.of(
                        PredictionCacheOptions.defaults()
                            .withTtl(Duration.ofSeconds(10))
                            .withMaxStale(Duration.ofMinutes(10)),
                        FallbackOptions.defaults().withCacheMaxStaleness(Duration.ofMinutes(5)),
                        // One call, then nothing for 1000 s: the model answers once.
                        RateLimitOptions.defaults().withRequestsPerSecond(0.001, 1)),
                    new DecoratorContext(
                        "iris", "1", clock, new SimpleMeterRegistry(), resources))) {
      InferRequest row =
          InferRequest.of(
              Tensor.ofFloats("float_input", new long[] {1, 4}, 6.7f, 3.0f, 5.2f, 2.3f));
      CallContext context = CallContext.of(clock);

      InferResponse fresh = guarded.infer(row, context);
      assertThat(fresh.parameters()).containsEntry("cache", "miss").doesNotContainKey("degraded");

      clock.advance(Duration.ofMinutes(1));
      InferResponse stale = guarded.infer(row, context);
      assertThat(stale.parameters())
          .containsEntry("degraded", true)
          .containsEntry("fallback", "cache")
          .containsEntry("fallback-reason", "overload");
      assertThat(stale.output("output_label").orElseThrow().toLongArray())
          .containsExactly(fresh.output("output_label").orElseThrow().toLongArray());

      // The degraded answer was not cached as the model's: past cache-max-staleness nothing
      // answers.
      clock.advance(Duration.ofMinutes(5));
      assertThatThrownBy(() -> guarded.infer(row, context))
          .isInstanceOf(io.mlsys.core.MlsysException.class)
          .isNotInstanceOf(QuotaExceededException.class);
    }
  }
}
