package io.mlsys.monitoring;

import io.mlsys.core.CallContext;
import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.onnx.OnnxModel;
import io.mlsys.onnx.OnnxModelOptions;
import java.nio.file.Path;
import java.time.Clock;

/**
 * An ONNX outlier model (such as scikit-learn's OneClassSVM exported by skl2onnx): fed the
 * monitored input (as FP32 when the model takes floats), a row is an outlier when {@code output} is
 * below 0 ({@code label} -1, or a negative decision {@code scores}).
 */
final class OnnxOutlierDetector implements OutlierDetector {
  private final OnnxModel model;
  private final String inputName;
  private final DataType inputType;
  private final String output;
  private final CallContext context;

  OnnxOutlierDetector(OnnxModel model, String output, Clock clock) {
    this.model = model;
    this.inputName = model.metadata().inputs().get(0).name();
    this.inputType = model.metadata().inputs().get(0).datatype();
    this.output = output;
    this.context = CallContext.of(clock);
    if (model.metadata().outputs().stream().noneMatch(spec -> spec.name().equals(output))) {
      String names =
          String.join(", ", model.metadata().outputs().stream().map(spec -> spec.name()).toList());
      model.close();
      throw new IllegalArgumentException(
          "outlier-output: '"
              + output
              + "' is not an output of the outlier model (expected: one of "
              + names
              + ")");
    }
  }

  /**
   * @throws ModelLoadException when the file is not an ONNX model
   * @throws IllegalArgumentException when it has no such output
   */
  static OnnxOutlierDetector load(Path file, String output, Clock clock) {
    return new OnnxOutlierDetector(
        OnnxModel.load(file, OnnxModelOptions.defaults("outlier-model", "1")), output, clock);
  }

  @Override
  public boolean[] outliers(Tensor input) {
    Tensor fed = input;
    if (inputType == DataType.FP32 && input.datatype() != DataType.FP32) {
      float[] values = new float[input.data().size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) input.doubleAt(i);
      }
      fed = new Tensor(inputName, DataType.FP32, input.shape(), new TensorData.Floats(values));
    } else {
      fed = input.withName(inputName);
    }
    InferResponse response = model.infer(InferRequest.of(fed), context);
    Tensor flags = response.output(output).orElseThrow();
    int rows = (int) fed.batchSize();
    int width = rows == 0 ? 0 : flags.data().size() / rows;
    boolean[] outliers = new boolean[rows];
    for (int row = 0; row < rows; row++) {
      outliers[row] = flags.doubleAt(row * width) < 0;
    }
    return outliers;
  }

  @Override
  public void close() {
    model.close();
  }
}
