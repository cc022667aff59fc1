package io.mlsys.server;

import static io.mlsys.server.IrisComponentTest.LABELS;
import static io.mlsys.server.IrisComponentTest.ROWS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.repository.ModelConfig;
import io.mlsys.resilience.BatchingConfig;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.testing.Fixtures;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A model with {@code batching} in its config (shorthand for the {@code batching} decorator),
 * served by {@link MlsysServer#fromConfig}: many concurrent callers each get their own row's
 * answer, and the batches show in the metrics. {@link BatchingDecoratorServingTest} does the same
 * with the decorator listed under {@code decorators}.
 */
class BatchedServingTest {
  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          () ->
              MlsysServer.fromConfig(
                  MlsysConfig.defaults()
                      .withServer(MlsysServerExtension.config())
                      .withModel(
                          "iris",
                          ModelConfig.of(Fixtures.require("sklearn-iris/iris_svc.onnx").toString())
                              .withBatching(BatchingConfig.defaults()))));

  private static String request(int row) {
    float[] values = ROWS[row];
    return String.format(
        Locale.ROOT,
        "{\"id\": \"r%d\", \"inputs\": [{\"name\": \"float_input\", \"shape\": [1, 4],"
            + " \"datatype\": \"FP32\", \"data\": [%s, %s, %s, %s]}],"
            + " \"outputs\": [{\"name\": \"output_label\"}]}",
        row,
        values[0],
        values[1],
        values[2],
        values[3]);
  }

  @Test
  void concurrentCallersEachGetTheirOwnRowAndBatchesAreMetered() throws Exception {
    assertBatchedAndMetered(server);
  }

  /** 200 concurrent callers of model {@code iris} get their rows, and batches are metered. */
  static void assertBatchedAndMetered(MlsysServerExtension server) throws Exception {
    List<Future<HttpResponse<String>>> calls = new ArrayList<>();
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 200; i++) {
        int row = i % ROWS.length;
        calls.add(callers.submit(() -> server.postJson("/v2/models/iris/infer", request(row))));
      }
    }

    for (int i = 0; i < calls.size(); i++) {
      HttpResponse<String> response = calls.get(i).get();
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode json = Stubs.json(response.body());
      int row = i % ROWS.length;
      assertThat(json.get("id").asText()).isEqualTo("r" + row);
      assertThat(json.get("outputs").get(0).get("data").get(0).asLong()).isEqualTo(LABELS[row]);
    }
    String metrics = server.get("/metrics").body();
    assertThat(metrics)
        .contains("mlsys_batch_size_count{model=\"iris\"}")
        .contains("mlsys_batch_queue_seconds_count{model=\"iris\"}")
        .containsPattern("mlsys_batch_cap_rows\\{model=\"iris\"\\} [1-9]");
  }
}
