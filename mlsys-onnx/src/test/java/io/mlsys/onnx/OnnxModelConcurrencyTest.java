package io.mlsys.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.InferResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One shared session answers many virtual threads at once, each correctly. */
class OnnxModelConcurrencyTest {
  private static final int THREADS = 8;
  private static final int CALLS_PER_THREAD = 500;

  @Test
  void eightVirtualThreadsShareOneModel() throws Exception {
    try (OnnxModel model = Iris.load("iris_svc.onnx");
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Integer>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        workers.add(
            executor.submit(
                () -> {
                  int wrong = 0;
                  for (int call = 0; call < CALLS_PER_THREAD; call++) {
                    int row = (thread + call) % Iris.ROWS.length;
                    InferResponse response = model.infer(Iris.request(Iris.row(row)), Iris.CONTEXT);
                    long label = response.output(Iris.LABEL).orElseThrow().longs()[0];
                    float[] probabilities =
                        response.output(Iris.PROBABILITY).orElseThrow().floats();
                    if (label != Iris.SVC_LABELS[row]
                        || !close(probabilities, Iris.SVC_PROBABILITIES[row])) {
                      wrong++;
                    }
                  }
                  return wrong;
                }));
      }
      for (Future<Integer> worker : workers) {
        assertThat(worker.get()).as("wrong answers from one thread").isZero();
      }
    }
  }

  private static boolean close(float[] actual, float[] expected) {
    if (actual.length != expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (Math.abs(actual[i] - expected[i]) > Iris.TOLERANCE) {
        return false;
      }
    }
    return true;
  }
}
