package io.mlsys.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.DataType;
import io.mlsys.core.TensorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputSpecsTest {
  private static final TensorSpec IMAGE = new TensorSpec("image", DataType.BYTES, List.of(-1L));
  private static final TensorSpec FEATURES =
      new TensorSpec("features", DataType.FP32, List.of(-1L, 4L));
  private static final TensorSpec LOGITS =
      new TensorSpec("logits", DataType.FP32, List.of(-1L, 3L));

  @TempDir Path dir;

  private final List<String> violations = new ArrayList<>();

  private List<TensorSpec> specs(List<TensorSpec> inputs, TransformConfig... steps) {
    return Steps.pipeline(steps).outputSpecs(inputs, (p, m) -> violations.add(p + ": " + m));
  }

  private static TransformConfig.Image image(String layout) {
    return new TransformConfig.Image(
        "image", "x", 224, 112, "stretch", "RGB", "auto", 255.0, List.of(), List.of(), layout, 0.0);
  }

  @Test
  void imageGivesNchwOrNhwcFloats() {
    List<TensorSpec> nchw = specs(List.of(IMAGE), image("NCHW"));
    List<TensorSpec> nhwc = specs(List.of(IMAGE), image("NHWC"));

    assertThat(nchw.get(1))
        .isEqualTo(new TensorSpec("x", DataType.FP32, List.of(-1L, 3L, 112L, 224L)));
    assertThat(nhwc.get(1).shape()).containsExactly(-1L, 112L, 224L, 3L);
    assertThat(violations).isEmpty();
  }

  @Test
  void shapesFlowThroughEveryStep() throws IOException {
    Path labels = Files.writeString(dir.resolve("l.json"), "[\"a\", \"b\", \"c\"]");

    List<TensorSpec> out =
        specs(
            List.of(FEATURES, LOGITS),
            new TransformConfig.Scale("features", List.of(0.0), List.of(1.0), null),
            new TransformConfig.Cast("features", "FP64", null),
            new TransformConfig.Softmax("logits", -1, "p"),
            new TransformConfig.Argmax("p", "label", labels),
            new TransformConfig.TopK("p", 2, "top", null),
            new TransformConfig.Threshold("p", 0.5, 1, "second"),
            new TransformConfig.Rename(Map.of("label", "species")),
            new TransformConfig.Select(
                List.of("features", "species", "top_values", "top_indices", "second")));

    assertThat(out)
        .containsExactly(
            new TensorSpec("features", DataType.FP64, List.of(-1L, 4L)),
            new TensorSpec("species", DataType.BYTES, List.of(-1L)),
            new TensorSpec("top_values", DataType.FP32, List.of(-1L, 2L)),
            new TensorSpec("top_indices", DataType.INT64, List.of(-1L, 2L)),
            new TensorSpec("second", DataType.BOOL, List.of(-1L)));
    assertThat(violations).isEmpty();
  }

  @Test
  void concatAddsTheAxisAndOneHotGivesAColumnPerClass() {
    TensorSpec colour = new TensorSpec("colour", DataType.BYTES, List.of(-1L, 1L));

    List<TensorSpec> out =
        specs(
            List.of(FEATURES, colour),
            new TransformConfig.OneHot("colour", List.of("r", "g"), "hot"),
            new TransformConfig.Concat(List.of("features", "hot"), 1, "all"));

    assertThat(out.get(2).classes()).containsExactly("r", "g");
    assertThat(out.get(3)).isEqualTo(new TensorSpec("all", DataType.FP32, List.of(-1L, 6L)));
  }

  @Test
  void aMissingTensorIsReportedAndTheAnalysisGoesOn() {
    List<TensorSpec> out =
        specs(
            List.of(FEATURES),
            new TransformConfig.Softmax("logits", -1, null),
            new TransformConfig.Scale("nope", List.of(0.0), List.of(1.0), null),
            new TransformConfig.Cast("features", "INT32", null));

    assertThat(violations)
        .containsExactly(
            "[0].softmax.tensor: 'logits' (expected: one of the tensors: features)",
            "[1].scale.tensor: 'nope' (expected: one of the tensors: features)");
    assertThat(out).containsExactly(new TensorSpec("features", DataType.INT32, List.of(-1L, 4L)));
  }

  @Test
  void wrongDatatypesAndDimensionsAreReported() {
    specs(
        List.of(FEATURES, IMAGE, LOGITS),
        new TransformConfig.Scale("features", List.of(1.0, 2.0, 3.0), List.of(1.0), null),
        new TransformConfig.Softmax("image", -1, null),
        new TransformConfig.TopK("logits", 5, "top", null),
        new TransformConfig.Image(
            "features",
            null,
            8,
            8,
            "stretch",
            "RGB",
            "auto",
            255.0,
            List.of(),
            List.of(),
            "NCHW",
            0.0),
        new TransformConfig.Select(List.of("logits", "gone")));

    assertThat(violations)
        .containsExactly(
            "[0].scale.tensor: 'features' has last dimension 4 in shape [-1, 4] (expected: 3, one"
                + " per mean/std value)",
            "[1].softmax.tensor: 'image' is BYTES (expected: a numeric datatype: INT*, UINT*,"
                + " FP16, BF16, FP32 or FP64)",
            "[2].top-k.k: 5 (expected: at most the last dimension of 'logits', 3)",
            "[3].image.tensor: 'features' is FP32 (expected: BYTES, one encoded image per row)",
            "[4].select[1]: 'gone' (expected: one of the tensors: features, image, logits,"
                + " top_values, top_indices)");
  }

  @Test
  void tooFewLabelsForTheColumnsAreReported() throws IOException {
    Path labels = Files.writeString(dir.resolve("l.txt"), "a\nb\n");

    specs(List.of(LOGITS), new TransformConfig.Argmax("logits", null, labels));

    assertThat(violations)
        .containsExactly(
            "[0].argmax.labels: 2 labels (expected: at least one per column of" + " 'logits', 3)");
  }

  @Test
  void unknownDimensionsAreNotReported() {
    TensorSpec dynamic = new TensorSpec("x", DataType.FP32, List.of(-1L, -1L));

    specs(
        List.of(dynamic),
        new TransformConfig.Scale("x", List.of(1.0, 2.0), List.of(1.0, 1.0), null),
        new TransformConfig.TopK("x", 10, "t", null),
        new TransformConfig.Threshold("x", 0.0, 7, "c"));

    assertThat(violations).isEmpty();
  }
}
