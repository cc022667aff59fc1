package io.mlsys.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A real deep-learning model (PaddleOCR text direction classifier) loads and runs. */
class PaddleOcrClassifierTest {
  private static final String FILE = "paddleocr/ch_ppocr_mobile_v2.0_cls_infer.onnx";

  @Test
  void signatureComesFromTheModel() {
    try (OnnxModel model =
        OnnxModel.load(Fixtures.require(FILE), OnnxModelOptions.defaults("cls", "1"))) {
      // The fixtures README documents inputs as [N, 3, 48, W], but the model file itself declares
      // the height as a symbolic dimension (p2o.DynamicDimension.1), so it is -1 here.
      assertThat(model.metadata().inputs())
          .containsExactly(new TensorSpec("x", DataType.FP32, List.of(-1L, 3L, -1L, -1L)));
      assertThat(model.metadata().outputs())
          .containsExactly(new TensorSpec("softmax_0.tmp_0", DataType.FP32, List.of(-1L, 2L)));
    }
  }

  @Test
  void zeroImageGivesTwoProbabilitiesThatSumToOne() {
    try (OnnxModel model =
        OnnxModel.load(Fixtures.require(FILE), OnnxModelOptions.defaults("cls", "1"))) {
      long[] shape = {1, 3, 48, 192};
      Tensor image = Tensor.ofFloats("x", shape, new float[3 * 48 * 192]);

      Tensor softmax = model.infer(InferRequest.of(image), Iris.CONTEXT).outputs().get(0);

      assertThat(softmax.name()).isEqualTo("softmax_0.tmp_0");
      assertThat(softmax.shape()).containsExactly(1, 2);
      assertThat((double) (softmax.floats()[0] + softmax.floats()[1])).isCloseTo(1.0, within(1e-5));
      assertThat(softmax.floats()[0]).isBetween(0f, 1f);
      assertThat(softmax.floats()[1]).isBetween(0f, 1f);
    }
  }
}
