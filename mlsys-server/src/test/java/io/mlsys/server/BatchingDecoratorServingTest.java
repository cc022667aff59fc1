package io.mlsys.server;

import io.mlsys.repository.ModelConfig;
import io.mlsys.resilience.BatchingConfig;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link BatchedServingTest} with batching listed as a decorator: {@code decorators: [batching]}.
 */
class BatchingDecoratorServingTest {
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
                              .withDecorators(List.of(BatchingConfig.defaults())))));

  @Test
  void concurrentCallersEachGetTheirOwnRowAndBatchesAreMetered() throws Exception {
    BatchedServingTest.assertBatchedAndMetered(server);
  }
}
