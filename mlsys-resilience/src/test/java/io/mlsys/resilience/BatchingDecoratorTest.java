package io.mlsys.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.core.CallContext;
import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.ModelDecorators;
import io.mlsys.core.spi.SharedResources;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.StubModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Dynamic batching as the {@code batching} decorator, found through the SPI. */
// The timeout only stops a hung test; no assertion depends on time.
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchingDecoratorTest {
  private static final ModelMetadata METADATA =
      new ModelMetadata(
          "doubler",
          "4",
          "test",
          List.of(new TensorSpec("x", DataType.FP32, List.of(-1L, 2L))),
          List.of(new TensorSpec("y", DataType.FP32, List.of(-1L, 2L))),
          Map.of(),
          Map.of());

  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SharedResources resources = SharedResources.create();
  private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Model> models = new ArrayList<>();

  @AfterEach
  void tearDown() {
    models.forEach(Model::close);
    callers.close();
    resources.close();
  }

  /** {@code y = 2x} for any number of rows. */
  private static StubModel doubler() {
    return new StubModel(
        METADATA,
        (request, context) -> {
          Tensor x = request.inputs().getFirst();
          float[] y = x.floats().clone();
          for (int i = 0; i < y.length; i++) {
            y[i] *= 2;
          }
          return new InferResponse(
              "doubler", "4", request.id(), List.of(Tensor.ofFloats("y", x.shape(), y)), Map.of());
        });
  }

  private Model batched(Model model, String version, BatchingConfig options) {
    Model decorated =
        ModelDecorators.installed()
            .decorate(
                model,
                List.of(options),
                new DecoratorContext("doubler", version, clock, registry, resources));
    models.add(decorated);
    return decorated;
  }

  private static InferRequest row(int i) {
    return new InferRequest(
        "r" + i,
        List.of(Tensor.ofFloats("x", new long[] {1, 2}, i, i + 0.5f)),
        List.of(),
        Map.of());
  }

  @Test
  void theBatchingKindIsInstalledWithItsConfigRecord() {
    ModelDecorators installed = ModelDecorators.installed();

    assertThat(installed.kinds()).containsEntry("batching", BatchingConfig.class);
    assertThat(installed.decorator("batching")).isInstanceOf(BatchingDecorator.class);
  }

  @Test
  void everyConcurrentCallerGetsItsOwnRowsAndTheBatchesAreMetered() {
    StubModel model = doubler();
    Model decorated = batched(model, "4", BatchingConfig.defaults().withMaxBatchSize(8));
    List<CompletableFuture<InferResponse>> answers = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      InferRequest request = row(i);
      answers.add(
          CompletableFuture.supplyAsync(
              () -> decorated.infer(request, CallContext.of(clock)), callers));
    }

    for (int i = 0; i < 64; i++) {
      InferResponse answer = answers.get(i).join();
      assertThat(answer.id()).isEqualTo("r" + i);
      assertThat(answer.outputs().getFirst().floats()).containsExactly(2f * i, 2f * i + 1);
    }
    var sizes = registry.get("mlsys.batch.size").tag("model", "doubler").summary();
    assertThat(sizes.count()).isEqualTo(model.calls());
    assertThat(sizes.totalAmount()).isEqualTo(64.0);
    assertThat(registry.get("mlsys.batch.cap").tag("model", "doubler").gauge().value())
        .isBetween(1.0, 8.0);
  }

  @Test
  void metadataAndReadinessAreTheModelsAndClosingClosesIt() {
    StubModel model = doubler();
    Model decorated = batched(model, "4", BatchingConfig.defaults());

    assertThat(decorated.metadata()).isSameAs(METADATA);
    assertThat(decorated.isReady()).isTrue();
    decorated.close();

    assertThat(model.isClosed()).isTrue();
    assertThat(decorated.isReady()).isFalse();
    assertThatThrownBy(() -> decorated.infer(row(1), CallContext.of(clock)))
        .isInstanceOf(ModelNotReadyException.class);
  }

  @Test
  void aNewVersionGetsItsOwnBatcherAndTheMetricsOutliveTheOldOne() {
    Model first = batched(doubler(), "4", BatchingConfig.defaults().withMaxBatchSize(4));
    first.infer(row(1), CallContext.of(clock));
    first.close();

    Model second = batched(doubler(), "5", BatchingConfig.defaults().withMaxBatchSize(16));
    // The gauge reads the shared value: the new batcher starts at its max-batch-size.
    assertThat(registry.get("mlsys.batch.cap").tag("model", "doubler").gauge().value())
        .isEqualTo(16.0);
    InferResponse answer = second.infer(row(2), CallContext.of(clock));

    assertThat(answer.outputs().getFirst().floats()).containsExactly(4f, 5f);
    assertThat(resources.find(BatchingMetrics.class)).isPresent();
    assertThat(registry.get("mlsys.batch.size").tag("model", "doubler").summary().count())
        .isEqualTo(2);
  }
}
