package io.mlsys.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandInFixturesTest {
  @TempDir Path dir;

  @Test
  void theIrisClassifierHasTheScikitLearnNamesAndAnswersLikeTheDemo() throws Exception {
    StandInFixtures.write(dir, IrisDemoConfig.defaults());
    Path model = dir.resolve("sklearn-iris/iris_svc.onnx");

    assertThat(Files.readString(dir.resolve("sklearn-iris/label.json")))
        .contains("\"0\" : \"setosa\"", "\"1\" : \"versicolor\"", "\"2\" : \"virginica\"");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(model.toString());
        OnnxTensor input = OnnxTensor.createTensor(env, new float[][] {IrisDemo.exampleRow()});
        OrtSession.Result result = session.run(Map.of("float_input", input))) {
      assertThat(session.getInputNames()).containsExactly("float_input");
      assertThat(session.getOutputNames()).containsExactly("output_label", "output_probability");
      assertThat((long[]) result.get("output_label").orElseThrow().getValue()).containsExactly(0);
      float[][] probabilities =
          (float[][]) result.get("output_probability").orElseThrow().getValue();
      assertThat(probabilities[0]).hasSize(3);
      assertThat(probabilities[0][0]).isGreaterThan(0.5f);
    }
  }

  @Test
  void eachOneAgainstRestModelPutsItsSpeciesInColumnZero() throws Exception {
    StandInFixtures.write(dir, IrisDemoConfig.defaults());
    float[][] rows = {IrisDemo.exampleRow(), {6.7f, 3.0f, 5.2f, 2.3f}};
    OrtEnvironment env = OrtEnvironment.getEnvironment();

    float[][] setosa = probabilities(env, "setosa", rows);
    float[][] virginica = probabilities(env, "virginica", rows);

    assertThat(setosa[0]).hasSize(2);
    assertThat(setosa[0][0]).isGreaterThan(0.5f);
    assertThat(setosa[1][0]).isLessThan(0.5f);
    assertThat(virginica[0][0]).isLessThan(0.5f);
    assertThat(virginica[1][0]).isGreaterThan(0.5f);
  }

  @Test
  void theOutlierDetectorHasTheOneClassSvmSignatureAndKeepsEveryTrainingRowIn() throws Exception {
    StandInFixtures.write(dir, IrisDemoConfig.defaults());
    Path model = dir.resolve("sklearn-iris").resolve(StandInFixtures.IRIS_OCS);
    float[][] rows = StandInFixtures.irisRows().toArray(float[][]::new);
    float[][] far = {{50f, 30.1f, 111.4f, 110.2f}};
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(model.toString());
        OnnxTensor input = OnnxTensor.createTensor(env, rows);
        OnnxTensor outlier = OnnxTensor.createTensor(env, far);
        OrtSession.Result inliers = session.run(Map.of("float_input", input));
        OrtSession.Result outliers = session.run(Map.of("float_input", outlier))) {
      assertThat(session.getOutputNames()).containsExactly("label", "scores");
      long[][] labels = (long[][]) inliers.get("label").orElseThrow().getValue();
      assertThat(labels).hasNumberOfRows(rows.length);
      for (long[] label : labels) {
        assertThat(label).containsExactly(1);
      }
      long[][] outlierLabels = (long[][]) outliers.get("label").orElseThrow().getValue();
      assertThat(outlierLabels[0]).containsExactly(-1);
      assertThat(((float[][]) outliers.get("scores").orElseThrow().getValue())[0][0]).isNegative();
    }
  }

  @Test
  void theTextDirectionStandInCallsALineUprightWhenItsLowerHalfIsDarker() throws Exception {
    StandInFixtures.write(dir, IrisDemoConfig.defaults());
    Path model =
        dir.resolve(StandInFixtures.PADDLEOCR_FOLDER).resolve(StandInFixtures.TEXT_DIRECTION);
    // White is 1, ink -1: a band of ink across rows 28 to 40, as letters on a baseline.
    float[][][][] upright = new float[1][3][48][192];
    float[][][][] turned = new float[1][3][48][192];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 48; y++) {
        java.util.Arrays.fill(upright[0][c][y], y >= 28 && y < 40 ? -1f : 1f);
        java.util.Arrays.fill(turned[0][c][47 - y], y >= 28 && y < 40 ? -1f : 1f);
      }
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(model.toString());
        OnnxTensor up = OnnxTensor.createTensor(env, upright);
        OnnxTensor down = OnnxTensor.createTensor(env, turned);
        OrtSession.Result first = session.run(Map.of("x", up));
        OrtSession.Result second = session.run(Map.of("x", down))) {
      assertThat(session.getOutputNames()).containsExactly("softmax_0.tmp_0");
      float[] upProbabilities = ((float[][]) first.get(0).getValue())[0];
      float[] downProbabilities = ((float[][]) second.get(0).getValue())[0];
      assertThat(upProbabilities[0]).isGreaterThan(0.9f);
      assertThat(downProbabilities[1]).isGreaterThan(0.9f);
      assertThat(upProbabilities[0] + upProbabilities[1]).isCloseTo(1f, within(1e-5f));
    }
  }

  private float[][] probabilities(OrtEnvironment env, String species, float[][] rows)
      throws Exception {
    Path model = dir.resolve("sklearn-iris").resolve(StandInFixtures.oneAgainstRest(species));
    try (OrtSession session = env.createSession(model.toString());
        OnnxTensor input = OnnxTensor.createTensor(env, rows);
        OrtSession.Result result = session.run(Map.of("float_input", input))) {
      return (float[][]) result.get("output_probability").orElseThrow().getValue();
    }
  }
}
