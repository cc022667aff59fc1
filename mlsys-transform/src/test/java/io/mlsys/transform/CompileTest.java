package io.mlsys.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigViolation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What compiling adds to the records' own checks: labels files, providers and fields checked
 * together, every problem listed with its path in the list.
 */
class CompileTest {

  private static ConfigException failure(TransformConfig... steps) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> Steps.pipeline(steps));
    assertThat(e).as("compilation should fail").isNotNull();
    return e;
  }

  @Test
  void reportsEveryProblemOfEveryStepWithItsPath() {
    ConfigException e =
        failure(
            new TransformConfig.Select(List.of("x")),
            new TransformConfig.Argmax("x", null, Path.of("/no/such/labels.json")),
            new TransformConfig.Custom("foo", Map.of()));

    assertThat(e.violations())
        .extracting(ConfigViolation::toString)
        .containsExactly(
            "[1].argmax.labels: '/no/such/labels.json' (expected: a readable labels file: no such"
                + " file)",
            "[2].custom.name: 'foo' (expected: one of the installed transforms: none is"
                + " installed)");
    assertThat(e.source()).isNull();
  }

  @Test
  void scaleNeedsAsManyStdsAsMeansOrOne() {
    ConfigException e =
        failure(new TransformConfig.Scale("x", List.of(1.0, 2.0, 3.0), List.of(1.0, 2.0), null));

    assertThat(e)
        .hasMessage("[0].scale.std: [1.0, 2.0] (expected: 1 value or as many as mean (3), not 2)");
  }

  @Test
  void oneStdGoesWithManyMeans() {
    TransformPipeline pipeline =
        Steps.pipeline(new TransformConfig.Scale("x", List.of(1.0, 2.0, 3.0), List.of(2.0), null));

    assertThat(pipeline).isNotNull();
  }

  @Test
  void eachStepNamingAMissingLabelsFileIsReported() {
    ConfigException e =
        failure(
            new TransformConfig.Argmax("x", null, Path.of("/no/such.txt")),
            new TransformConfig.TopK("x", 2, "t", Path.of("/no/such.txt")));

    assertThat(e.violations())
        .extracting(ConfigViolation::path)
        .containsExactly("[0].argmax.labels", "[1].top-k.labels");
  }
}
