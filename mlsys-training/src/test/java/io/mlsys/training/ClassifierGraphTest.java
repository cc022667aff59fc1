package io.mlsys.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ONNXExportable;
import org.tribuo.classification.Label;

class ClassifierGraphTest {
  private static DemoModel model;
  private static OnnxMl.ModelProto tribuoExport;

  @BeforeAll
  static void train() {
    model = IrisDemo.train(IrisDemoConfig.DEFAULT_SEED);
    tribuoExport = ((ONNXExportable) model.tribuoModel()).exportONNXModel("test", 1);
  }

  @Test
  void tribuoExportsTheOpsetTheRewriteNeeds() {
    assertThat(tribuoExport.getOpsetImportList())
        .anySatisfy(
            opset -> {
              assertThat(opset.getDomain()).isEmpty();
              assertThat(opset.getVersion()).isGreaterThanOrEqualTo(ClassifierGraph.MIN_OPSET);
            });
  }

  @Test
  void keepsTribuosColumnOrdersWithoutGatherWhenAskedForThem() throws Exception {
    OnnxMl.ModelProto rewritten =
        ClassifierGraph.rewrite(
            tribuoExport, new int[] {0, 1, 2, 3}, new int[] {0, 1, 2}, "label", "probs", Map.of());

    assertThat(rewritten.getGraph().getNodeList())
        .extracting(OnnxMl.NodeProto::getOpType)
        .doesNotContain("Gather")
        .endsWith("ArgMax");
    // Fed in Tribuo's feature order, it gives Tribuo's class columns: the demo's, reordered.
    ImmutableFeatureMap features = model.tribuoModel().getFeatureIDMap();
    float[] demoRow = IrisDemo.exampleRow();
    float[] tribuoRow = new float[demoRow.length];
    for (int id = 0; id < tribuoRow.length; id++) {
      tribuoRow[id] = demoRow[model.featureNames().indexOf(features.get(id).getName())];
    }
    float[] tribuoProbabilities = probabilities(rewritten, "probs", tribuoRow);
    float[] demo = probabilities(model.onnxModel(), IrisDemo.PROBABILITIES_OUTPUT, demoRow);
    for (int c = 0; c < model.classNames().size(); c++) {
      int tribuoId =
          model.tribuoModel().getOutputIDInfo().getID(new Label(model.classNames().get(c)));
      assertThat(tribuoProbabilities[tribuoId]).isCloseTo(demo[c], within(1e-6f));
    }
  }

  @Test
  void rejectsColumnsThatAreNotAPermutation() {
    assertThatThrownBy(
            () ->
                ClassifierGraph.rewrite(
                    tribuoExport,
                    new int[] {0, 0, 1, 2},
                    new int[] {0, 1, 2},
                    "label",
                    "probabilities",
                    Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("inputColumns: [0, 0, 1, 2] (expected: a permutation of 0..3)");
  }

  @Test
  void rejectsAColumnCountThatDoesNotFitTheGraph() {
    assertThatThrownBy(
            () ->
                ClassifierGraph.rewrite(
                    tribuoExport,
                    new int[] {0, 1, 2},
                    new int[] {0, 1, 2},
                    "label",
                    "probabilities",
                    Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("(expected: FLOAT [batch, 3])");
  }

  @Test
  void rejectsAnOutputNameTheGraphAlreadyUses() {
    String inputName = tribuoExport.getGraph().getInput(0).getName();

    assertThatThrownBy(
            () ->
                ClassifierGraph.rewrite(
                    tribuoExport,
                    new int[] {0, 1, 2, 3},
                    new int[] {0, 1, 2},
                    inputName,
                    "probabilities",
                    Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("(expected: distinct and unused in Tribuo's graph");
  }

  @Test
  void addsTheGivenMetadataAndKeepsTribuos() {
    OnnxMl.ModelProto rewritten =
        ClassifierGraph.rewrite(
            tribuoExport,
            new int[] {0, 1, 2, 3},
            new int[] {0, 1, 2},
            "label",
            "probabilities",
            Map.of("k", "v"));

    assertThat(rewritten.getMetadataPropsList())
        .extracting(OnnxMl.StringStringEntryProto::getKey)
        .containsExactlyElementsOf(List.of(ONNXExportable.PROVENANCE_METADATA_FIELD, "k"));
  }

  private static float[] probabilities(OnnxMl.ModelProto onnx, String output, float[] row)
      throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(onnx.toByteArray());
        OnnxTensor input = OnnxTensor.createTensor(env, new float[][] {row});
        OrtSession.Result result = session.run(Map.of(IrisDemo.INPUT_NAME, input))) {
      return ((float[][]) result.get(output).orElseThrow().getValue())[0];
    }
  }
}
