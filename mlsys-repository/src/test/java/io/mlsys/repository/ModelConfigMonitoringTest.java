package io.mlsys.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.monitoring.MonitoringConfig;
import io.mlsys.resilience.BatchingConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code monitoring:} is shorthand for the outermost monitor decorator of a model's chain. */
class ModelConfigMonitoringTest {

  @Test
  void monitoringGoesOutermostAndBatchingInnermost() {
    ModelConfig config =
        ModelConfig.of("m.onnx")
            .withBatching(BatchingConfig.defaults())
            .withMonitoring(MonitoringConfig.defaults());
    assertThat(config.decoratorChain(ModelDefaultsConfig.defaults()))
        .containsExactly(MonitoringConfig.defaults(), BatchingConfig.defaults());
  }

  @Test
  void monitoringNextToAMonitorDecoratorIsRefusedAtItsKey() {
    assertThatThrownBy(
            () ->
                ModelConfig.of("m.onnx")
                    .withDecorators(List.of(MonitoringConfig.defaults()))
                    .withMonitoring(MonitoringConfig.defaults()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("monitoring: given next to a monitor decorator in decorators[0]");
  }
}
