package io.mlsys.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import io.mlsys.onnx.OnnxModel;
import io.mlsys.onnx.OnnxModelOptions;
import io.mlsys.testing.Fixtures;
import io.mlsys.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The real iris SVC answers a batch of many callers exactly as it answers each alone. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DynamicBatcherOnnxTest {

  @Test
  void batchedAnswersOfTheIrisSvcEqualOneAtATimeAnswers() throws IOException {
    Path file = Fixtures.require("sklearn-iris/iris_svc.onnx");
    List<float[]> rows =
        new ArrayList<>(
            List.of(
                new float[] {5.1f, 3.5f, 1.4f, 0.2f},
                new float[] {1, 2, 3, 4},
                new float[] {6.7f, 3.0f, 5.2f, 2.3f},
                new float[] {50, 30.1f, 111.4f, 110.2f}));
    try (var lines = Files.lines(Fixtures.require("sklearn-iris/rand_iris.csv"))) {
      lines
          .limit(12)
          .forEach(
              line -> {
                String[] cells = line.split(",");
                float[] row = new float[4];
                for (int c = 0; c < 4; c++) {
                  row[c] = Float.parseFloat(cells[c].trim());
                }
                rows.add(row);
              });
    }
    ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
    RecordingListener listener = new RecordingListener();
    BatchingConfig config =
        BatchingConfig.defaults()
            .withMaxBatchSize(rows.size())
            .withMaxQueueDelayMicros(Duration.ofHours(1).toNanos() / 1000);

    try (OnnxModel model = OnnxModel.load(file, OnnxModelOptions.defaults("iris", "1"));
        DynamicBatcher batcher =
            QueueingDynamicBatcher.start(
                "iris", model, config, clock, listener, new ManualDispatcherWait());
        ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      List<CompletableFuture<InferResponse>> batched = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        InferRequest request = request("r" + i, rows.get(i));
        batched.add(
            CompletableFuture.supplyAsync(
                () -> batcher.infer(request, CallContext.of(clock)), callers));
      }

      for (int i = 0; i < rows.size(); i++) {
        InferResponse together = batched.get(i).join();
        InferResponse alone = model.infer(request("r" + i, rows.get(i)), CallContext.of(clock));
        assertThat(together.id()).isEqualTo("r" + i);
        assertThat(together.output("output_label").orElseThrow().longs())
            .containsExactly(alone.output("output_label").orElseThrow().longs());
        Tensor probabilities = together.output("output_probability").orElseThrow();
        assertThat(probabilities.shape()).containsExactly(1, 3);
        assertThat(probabilities.parameters())
            .isEqualTo(alone.output("output_probability").orElseThrow().parameters());
        float[] expected = alone.output("output_probability").orElseThrow().floats();
        for (int c = 0; c < 3; c++) {
          assertThat(probabilities.floats()[c]).isCloseTo(expected[c], within(1e-5f));
        }
      }
      // The batcher held every caller until the group was full: one call to the model.
      assertThat(listener.runs).containsExactly(rows.size() + "/" + rows.size());
    }
  }

  private static InferRequest request(String id, float[] row) {
    return new InferRequest(
        id, List.of(Tensor.ofFloats("float_input", new long[] {1, 4}, row)), List.of(), Map.of());
  }
}
