package io.mlsys.onnx;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import java.nio.file.Path;
import java.time.Clock;

/** Run in a child JVM by {@link LongCommandLineTest}: loads a model, answers one row, prints it. */
public final class LongCommandLineMain {
  private LongCommandLineMain() {}

  public static void main(String[] args) {
    try (OnnxModel model =
        OnnxModel.load(Path.of(args[0]), OnnxModelOptions.defaults("child", "1"))) {
      Tensor row = Tensor.ofFloats("float_input", new long[] {1, 4}, 5.1f, 3.5f, 1.4f, 0.2f);
      InferResponse response = model.infer(InferRequest.of(row), CallContext.of(Clock.systemUTC()));
      System.out.println(
          "label="
              + response.output("output_label").orElseThrow().longs()[0]
              + " p0="
              + response.output("output_probability").orElseThrow().floats()[0]);
    }
  }
}
