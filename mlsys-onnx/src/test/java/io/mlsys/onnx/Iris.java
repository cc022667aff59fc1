package io.mlsys.onnx;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.testing.Fixtures;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * The iris rows and the outputs ONNX Runtime must give for them, copied from the table in
 * ../shared/fixtures/README.md (values computed upstream, not by this project).
 */
final class Iris {
  static final String INPUT = "float_input";
  static final String LABEL = "output_label";
  static final String PROBABILITY = "output_probability";
  static final double TOLERANCE = 1e-5;

  static final float[][] ROWS = {
    {5.1f, 3.5f, 1.4f, 0.2f},
    {1f, 2f, 3f, 4f},
    {6.7f, 3.0f, 5.2f, 2.3f},
    {50f, 30.1f, 111.4f, 110.2f}
  };

  /** iris_svc: P(setosa, versicolor, virginica) per row. */
  static final float[][] SVC_PROBABILITIES = {
    {0.9709316f, 0.015583082f, 0.0134853665f},
    {0.36133277f, 0.25747606f, 0.38119125f},
    {0.009793723f, 0.009877714f, 0.9803286f},
    {0.36135396f, 0.2574421f, 0.38120386f}
  };

  static final long[] SVC_LABELS = {0, 2, 2, 2};

  /** P(0) ("is this species") of the one-against-rest models, per row. */
  static final Map<String, float[]> ONE_VS_REST_P0 =
      Map.of(
          "iris_svc_0_setosa.onnx",
              new float[] {0.98241454f, 0.2897034f, 0.012861731f, 0.28977388f},
          "iris_svc_0_versicolor.onnx",
              new float[] {0.004614082f, 0.052821644f, 1.4e-5f, 0.05286036f},
          "iris_svc_0_virginica.onnx",
              new float[] {0.0115621f, 0.30421302f, 0.99581474f, 0.30402288f});

  /** iris_ocs: decision function score and label (+1 inlier, -1 outlier) per row. */
  static final float[] OCS_SCORES = {0.1915884f, -2.9410233f, 0.4404359f, -2.9413142f};

  static final long[] OCS_LABELS = {1, -1, 1, -1};

  static final CallContext CONTEXT =
      CallContext.of(Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));

  private Iris() {}

  static OnnxModel load(String file) {
    return OnnxModel.load(
        Fixtures.require("sklearn-iris/" + file), OnnxModelOptions.defaults("iris", "1"));
  }

  static OnnxModel load(String file, OnnxModelOptions options) {
    return OnnxModel.load(Fixtures.require("sklearn-iris/" + file), options);
  }

  static Tensor row(int index) {
    return Tensor.ofFloats(INPUT, new long[] {1, 4}, ROWS[index].clone());
  }

  static Tensor allRows() {
    float[] values = new float[ROWS.length * 4];
    for (int i = 0; i < ROWS.length; i++) {
      System.arraycopy(ROWS[i], 0, values, i * 4, 4);
    }
    return Tensor.ofFloats(INPUT, new long[] {ROWS.length, 4}, values);
  }

  static InferRequest request(Tensor input, String... outputs) {
    return new InferRequest(
        "req-1",
        List.of(input),
        java.util.Arrays.stream(outputs).map(RequestedOutput::named).toList(),
        Map.of());
  }
}
