package io.mlsys.resilience;

import io.micrometer.core.instrument.MeterRegistry;
import io.mlsys.core.CallContext;
import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.DecoratorOptions;
import io.mlsys.core.spi.ModelDecorators;
import io.mlsys.core.spi.SharedResources;
import io.mlsys.testing.StubModel;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Models and chains for the guard decorators' tests. */
final class GuardTesting {
  private GuardTesting() {}

  static ModelMetadata metadata(String name) {
    return new ModelMetadata(
        name,
        "1",
        "test",
        List.of(new TensorSpec("x", DataType.FP32, List.of(-1L, 2L))),
        List.of(new TensorSpec("y", DataType.FP32, List.of(-1L, 2L))),
        Map.of(),
        Map.of());
  }

  /** A model answering with {@code answer}, named {@code name}. */
  static StubModel model(String name, BiFunction<InferRequest, CallContext, InferResponse> answer) {
    return new StubModel(metadata(name), answer);
  }

  /** An answer echoing the inputs. */
  static InferResponse echo(String name, InferRequest request) {
    return new InferResponse(name, "1", request.id(), request.inputs(), Map.of());
  }

  static InferRequest rows(int rows) {
    float[] values = new float[rows * 2];
    for (int i = 0; i < values.length; i++) {
      values[i] = i;
    }
    return InferRequest.of(Tensor.ofFloats("x", new long[] {rows, 2}, values));
  }

  /** The model behind the installed decorators these options name, outermost first. */
  static Model decorate(
      Model model,
      Clock clock,
      MeterRegistry registry,
      SharedResources resources,
      DecoratorOptions... chain) {
    return ModelDecorators.installed()
        .decorate(
            model,
            List.of(chain),
            new DecoratorContext(model.metadata().name(), "1", clock, registry, resources));
  }
}
