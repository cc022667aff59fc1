package io.mlsys.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading failures, closing, and calls racing a close. */
class OnnxModelLifecycleTest {

  @Test
  void missingFileFailsToLoadWithTheReason(@TempDir Path dir) {
    Path missing = dir.resolve("nope.onnx");

    assertThatThrownBy(() -> OnnxModel.load(missing, OnnxModelOptions.defaults("nope", "1")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("model 'nope' failed to load")
        .hasMessageContaining(missing + " does not exist");
  }

  @Test
  void corruptFileFailsToLoadWithTheReason(@TempDir Path dir) throws IOException {
    Path corrupt = Files.writeString(dir.resolve("corrupt.onnx"), "this is not a model");

    assertThatThrownBy(() -> OnnxModel.load(corrupt, OnnxModelOptions.defaults("bad", "1")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("model 'bad' failed to load: cannot read " + corrupt)
        .hasMessageContaining("not a valid ONNX protobuf");
  }

  @Test
  void truncatedModelFailsToLoad(@TempDir Path dir) throws IOException {
    byte[] model = Files.readAllBytes(Fixtures.require("sklearn-iris/iris_svc.onnx"));
    Path truncated = dir.resolve("truncated.onnx");
    Files.write(truncated, java.util.Arrays.copyOf(model, model.length / 2));

    assertThatThrownBy(() -> OnnxModel.load(truncated, OnnxModelOptions.defaults("cut", "1")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("model 'cut' failed to load");
  }

  @Test
  void defaultOutputThatTheModelLacksFailsTheLoad() {
    OnnxModelOptions options =
        OnnxModelOptions.defaults("iris", "1").withDefaultOutputs(List.of("proba"));

    Path file = Fixtures.require("sklearn-iris/iris_svc.onnx");

    assertThatThrownBy(() -> OnnxModel.load(file, options))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("defaultOutputs[0]: 'proba' is not an output of the model")
        .hasMessageContaining("expected: one of output_label, output_probability");
  }

  @Test
  void closedModelIsNotReady() {
    OnnxModel model = Iris.load("iris_svc.onnx");
    assertThat(model.isReady()).isTrue();

    model.close();

    assertThat(model.isReady()).isFalse();
    assertThatThrownBy(() -> model.infer(InferRequest.of(Iris.row(0)), Iris.CONTEXT))
        .isInstanceOf(ModelNotReadyException.class)
        .hasMessageContaining("model 'iris' is not ready");
  }

  @Test
  void closingTwiceIsHarmless() {
    OnnxModel model = Iris.load("iris_svc.onnx");
    model.close();
    model.close();

    assertThat(model.isReady()).isFalse();
  }

  @Test
  void callsRacingACloseEitherAnswerOrAreNotReady() throws Exception {
    OnnxModel model = Iris.load("iris_svc.onnx");
    int callers = 4;
    CountDownLatch started = new CountDownLatch(callers);
    ConcurrentLinkedQueue<Long> labels = new ConcurrentLinkedQueue<>();
    List<Future<Integer>> results = new ArrayList<>();
    // Platform threads: virtual threads are not time-sliced, so callers spinning on a CPU-bound
    // model would keep the others from ever starting on a 2-core machine.
    try (ExecutorService executor = Executors.newFixedThreadPool(callers)) {
      for (int i = 0; i < callers; i++) {
        results.add(
            executor.submit(
                () -> {
                  // One answer before the close starts, then keep calling until it lands.
                  labels.add(
                      model
                          .infer(Iris.request(Iris.row(1), Iris.LABEL), Iris.CONTEXT)
                          .outputs()
                          .get(0)
                          .longs()[0]);
                  started.countDown();
                  int answered = 1;
                  while (true) {
                    try {
                      InferResponse response =
                          model.infer(Iris.request(Iris.row(1), Iris.LABEL), Iris.CONTEXT);
                      labels.add(response.outputs().get(0).longs()[0]);
                      answered++;
                    } catch (ModelNotReadyException e) {
                      return answered;
                    }
                  }
                }));
      }
      started.await();
      model.close();
      for (Future<Integer> result : results) {
        result.get(); // any exception but "not ready" fails the test here
      }
    }

    assertThat(labels).hasSizeGreaterThanOrEqualTo(callers).containsOnly(2L);
  }
}
