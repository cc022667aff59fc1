package io.mlsys.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.core.DataType;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.transform.spi.TensorAccess;
import io.mlsys.transform.spi.Transform;
import io.mlsys.transform.spi.TransformProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CustomTransformTest {
  private static final Tensor X = Tensor.ofFloats("x", new long[] {1, 2}, 1f, 2f);

  private static TransformConfig.Custom addConstant(Object value) {
    return new TransformConfig.Custom("add-constant", Map.of("tensor", "x", "value", value));
  }

  /** A provider of another name, to show what the error lists. */
  private record Named(String name) implements TransformProvider {
    @Override
    public Transform create(Map<String, Object> options) {
      throw new UnsupportedOperationException("never created in these tests");
    }
  }

  @Test
  void findsAnInstalledTransformThroughTheServiceLoader() {
    TransformPipeline pipeline = TransformPipeline.compile(List.of(addConstant(0.5)));

    assertThat(pipeline.apply(List.of(X)).getFirst().floats()).containsExactly(1.5f, 2.5f);
  }

  @Test
  void usesExplicitProvidersInsteadOfInstalledOnes() {
    List<TransformConfig> steps = List.of(addConstant(1.0));
    List<TransformProvider> none = List.of(new Named("other"));

    assertThatThrownBy(() -> TransformPipeline.compile(steps, none))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "[0].custom.name: 'add-constant' (expected: one of the installed transforms: other)");
  }

  @Test
  void anUnknownNameListsTheInstalledTransforms() {
    List<TransformConfig> steps =
        List.of(
            new TransformConfig.Select(List.of("x")), new TransformConfig.Custom("foo", Map.of()));

    assertThatThrownBy(
            () ->
                TransformPipeline.compile(
                    steps, List.of(new Named("b"), new AddConstantProvider(), new Named("a"))))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "[1].custom.name: 'foo' (expected: one of the installed transforms: a, add-constant,"
                + " b)");
  }

  @Test
  void twoProvidersOfOneNameAreAmbiguous() {
    List<TransformConfig> steps = List.of(addConstant(1.0));
    List<TransformProvider> twice = List.of(new AddConstantProvider(), new AddConstantProvider());

    assertThatThrownBy(() -> TransformPipeline.compile(steps, twice))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "[0].custom.name: 'add-constant' (expected: one installed transform of that name, not"
                + " 2: ");
  }

  @Test
  void aBadOptionIsAViolationOfTheStepsOptions() {
    List<TransformConfig> steps = List.of(addConstant("lots"));

    assertThatThrownBy(() -> TransformPipeline.compile(steps))
        .isInstanceOf(ConfigException.class)
        .hasMessage("[0].custom.options: value: lots (expected: a number)");
  }

  @Test
  void aCustomStepThatSaysNothingMayReadAnythingAndIsNamedInItsKind() {
    TransformPipeline pipeline = TransformPipeline.compile(List.of(addConstant(0.5)));

    assertThat(pipeline.access()).containsExactly(TensorAccess.unknown());
    assertThat(pipeline.kinds()).containsExactly("custom add-constant");
  }

  @Test
  void violationsOfACustomStepCarryItsPath() {
    List<String> violations = new ArrayList<>();
    TransformPipeline pipeline =
        TransformPipeline.compile(
            List.of(new TransformConfig.Select(List.of("x")), addConstant(1.0)));

    pipeline.outputSpecs(
        List.of(new TensorSpec("x", DataType.INT64, List.of(-1L))),
        (path, problem) -> violations.add(path + ": " + problem));

    assertThat(violations)
        .containsExactly("[1].custom.options.tensor: 'x' is INT64 (expected: FP32)");
  }
}
