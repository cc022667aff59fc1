package io.mlsys.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigBinder;
import io.mlsys.config.ConfigDocument;
import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigViolation;
import io.mlsys.core.DataType;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Transform steps bound from YAML through the installed family: the built-in kinds, and each
 * installed custom transform under its own name (the test provider {@code add-constant}).
 */
class TransformFamilyTest {
  /** A document holding one transform list. */
  record Pipeline(List<TransformConfig> transform) {}

  private static final Tensor X = Tensor.ofFloats("x", new long[] {1, 2}, 1f, 2f);

  private static List<TransformConfig> steps(String yaml) {
    ConfigDocument document =
        ConfigDocument.parse("transform:\n" + yaml.indent(2), "t.yaml", Path.of("/srv"), Map.of());
    return ConfigBinder.bind(document, Pipeline.class).transform();
  }

  private static List<String> violations(String yaml) {
    try {
      steps(yaml);
    } catch (ConfigException e) {
      return e.violations().stream().map(ConfigViolation::toString).toList();
    }
    throw new AssertionError("expected violations");
  }

  private static final String BUILT_IN =
      "rename, select, concat, cast, scale, min-max, one-hot, image, softmax, argmax, threshold,"
          + " top-k, custom";

  @Test
  void theKindsAreTheBuiltInStepsThenTheInstalledTransforms() {
    assertThat(String.join(", ", new TransformFamily().kinds().keySet()))
        .isEqualTo(BUILT_IN + ", add-constant");
    assertThat(ConfigBinder.installedFamilies()).containsKey(TransformConfig.class);
  }

  @Test
  void anInstalledTransformIsAKindUnderItsOwnName() {
    List<TransformConfig> steps = steps("- add-constant: { tensor: x, value: 0.5 }");

    assertThat(steps)
        .containsExactly(
            new TransformConfig.Plugin("add-constant", Map.of("tensor", "x", "value", 0.5)));
    TransformPipeline pipeline = TransformPipeline.compile(steps);
    assertThat(pipeline.apply(List.of(X)).getFirst().floats()).containsExactly(1.5f, 2.5f);
    assertThat(pipeline.kinds()).containsExactly("custom add-constant");
  }

  @Test
  void customWithANameStillWorks() {
    List<TransformConfig> steps =
        steps("- custom: { name: add-constant, options: { tensor: x, value: 1 } }");

    assertThat(steps)
        .containsExactly(
            new TransformConfig.Custom("add-constant", Map.of("tensor", "x", "value", 1L)));
    assertThat(TransformPipeline.compile(steps).apply(List.of(X)).getFirst().floats())
        .containsExactly(2f, 3f);
  }

  @Test
  void anInstalledTransformsProblemsAreAtItsOwnKeys() {
    assertThatThrownBy(
            () -> TransformPipeline.compile(steps("- add-constant: { tensor: x, value: lots }")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("[0].add-constant: value: lots (expected: a number)");

    List<String> found = new ArrayList<>();
    TransformPipeline.compile(steps("- add-constant: { tensor: x, value: 1 }"))
        .outputSpecs(
            List.of(new TensorSpec("x", DataType.INT64, List.of(-1L))),
            (path, problem) -> found.add(path + ": " + problem));
    assertThat(found).containsExactly("[0].add-constant.tensor: 'x' is INT64 (expected: FP32)");
  }

  @Test
  void anUnknownKindListsTheInstalledKinds() {
    assertThat(violations("- blur: { radius: 2 }"))
        .containsExactly(
            "transform[0].blur: unknown kind (expected a transform step, one of the installed"
                + " kinds: "
                + BUILT_IN
                + ", add-constant)");
  }

  @Test
  void optionsArePlainValues() {
    assertThat(steps("- add-constant: { a: [1, { b: true }], c: 2.5, d: text }").getFirst())
        .isEqualTo(
            new TransformConfig.Plugin(
                "add-constant",
                Map.of("a", List.of(1L, Map.of("b", true)), "c", 2.5, "d", "text")));
    assertThat(violations("- custom: { name: t, options: { a: null } }"))
        .containsExactly(
            "transform[0].custom.options.a: null (expected: a value: text, a number, true, false,"
                + " a list or a mapping)");
    assertThatThrownBy(() -> new TransformConfig.Custom("t", Map.of("n", 3)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "options.n: Integer (expected: a String, Long, Double, Boolean, or a List or Map of"
                + " them)");
  }

  @Test
  void oneHotClassesAreACountOrAList() {
    assertThat(steps("- one-hot: { tensor: c, classes: 3 }"))
        .containsExactly(new TransformConfig.OneHot("c", List.of("0", "1", "2"), null));
    assertThat(steps("- one-hot: { tensor: c, classes: [red, 7] }"))
        .containsExactly(new TransformConfig.OneHot("c", List.of("red", "7"), null));
    assertThat(violations("- one-hot: { tensor: c, classes: 0 }"))
        .containsExactly(
            "transform[0].one-hot.classes: 0 (expected: a count from 1 to 65536, or a list of"
                + " class values (text or integers))");
    assertThatThrownBy(() -> new TransformConfig.OneHot("x", List.of(), null))
        .hasMessage("classes: 0 classes (expected: 1 to 65536 classes)");
  }

  @Test
  void labelsResolveAgainstTheFilesFolder() {
    assertThat(steps("- argmax: { tensor: p, labels: labels/classes.json }"))
        .containsExactly(
            new TransformConfig.Argmax("p", null, Path.of("/srv/labels/classes.json")));
  }
}
