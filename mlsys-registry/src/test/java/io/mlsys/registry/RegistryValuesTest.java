package io.mlsys.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.DataType;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.TensorSpec;
import io.mlsys.registry.RegistryConfig.MetricThreshold;
import io.mlsys.registry.RegistryConfig.PromotionRule;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry's values: version names, references, promotion rules, signature compatibility. */
class RegistryValuesTest {

  @Test
  void versionNamesParseCompareAndNameTheFieldWhenMalformed() {
    VersionName name = VersionName.parse("1.2.0-3.1", "version_name");
    assertThat(name).isEqualTo(new VersionName(1, 2, 0, 3, 1));
    assertThat(name.toString()).isEqualTo("1.2.0-3.1");
    assertThat(VersionName.parse("1.10.0-0.0", "v"))
        .isGreaterThan(VersionName.parse("1.9.9-9.9", "v"));
    assertThatThrownBy(() -> VersionName.parse("1.2-3", "version_name"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "version_name: '1.2-3' is not a version name (expected x.y.z-data.split");
  }

  @Test
  void referencesAreNameAtAliasOrNameSlashVersion() {
    assertThat(RegistryReference.parse("iris@champion", "registry"))
        .isEqualTo(new RegistryReference("iris", "champion", 0));
    assertThat(RegistryReference.parse("iris/3", "registry"))
        .isEqualTo(new RegistryReference("iris", null, 3));
    assertThat(RegistryReference.parse("iris/3", "registry").followsAlias()).isFalse();
    for (String bad : List.of("iris", "iris@", "@a", "iris/0", "iris/x", "a/b@c", "../x/1")) {
      assertThatThrownBy(() -> RegistryReference.parse(bad, "model"))
          .as(bad)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("model: ");
    }
  }

  @Test
  void aPromotionRuleComparesWithTheHolderAndSaysItsNumbers() {
    PromotionCheck check =
        new PromotionCheck(
            Map.of(
                "champion",
                new PromotionRule(
                    Map.of(
                        "accuracy", new MetricThreshold(0.01, 0.8, false),
                        "loss", new MetricThreshold(0.05, null, true)))));
    ModelVersion holder = version(1, Map.of("accuracy", 0.95, "loss", 0.20));

    PromotionCheck.Result ok =
        check.check("champion", version(2, Map.of("accuracy", 0.945, "loss", 0.22)), holder);
    assertThat(ok.passed()).isTrue();
    assertThat(ok.detail())
        .contains("accuracy 0.945000 >= 0.800000 (ok)")
        .contains(
            "accuracy 0.945000 vs holder version 1 0.950000: drop 0.00500000 <= 0.0100000 (ok)")
        .contains("loss 0.220000 vs holder version 1 0.200000: rise 0.0200000 <= 0.0500000 (ok)");

    PromotionCheck.Result worse =
        check.check("champion", version(3, Map.of("accuracy", 0.93, "loss", 0.2)), holder);
    assertThat(worse.passed()).isFalse();
    assertThat(worse.detail()).contains("drop 0.0200000 <= 0.0100000 (FAIL)");

    assertThat(check.check("champion", version(4, Map.of("loss", 0.1)), holder).detail())
        .contains("accuracy missing from the candidate's metrics (FAIL)");
    assertThat(check.check("challenger", version(5, Map.of()), holder))
        .isEqualTo(new PromotionCheck.Result(true, null));
    assertThat(
            check
                .check("champion", version(6, Map.of("accuracy", 0.9, "loss", 1.0)), null)
                .passed())
        .as("no holder: only the absolute minimum applies")
        .isTrue();
  }

  @Test
  void aCompatibleSignatureKeepsInputsAndOutputs() {
    ModelMetadata served =
        new ModelMetadata(
            "iris",
            "1",
            "onnxruntime_onnx",
            List.of(new TensorSpec("input", DataType.FP32, List.of(-1L, 4L))),
            List.of(new TensorSpec("label", DataType.INT64, List.of(-1L))),
            Map.of(),
            Map.of());
    ModelSignature same =
        new ModelSignature(
            "onnxruntime_onnx",
            served.inputs(),
            List.of(
                new TensorSpec("label", DataType.INT64, List.of(-1L)),
                new TensorSpec("probabilities", DataType.FP32, List.of(-1L, 3L))),
            Map.of());
    assertThat(AliasFollower.incompatibility(served, same)).isNull();

    ModelSignature wider =
        new ModelSignature(
            "onnxruntime_onnx",
            List.of(new TensorSpec("input", DataType.FP32, List.of(-1L, 5L))),
            served.outputs(),
            Map.of());
    assertThat(AliasFollower.incompatibility(served, wider))
        .isEqualTo("input 'input' changes shape from [-1, 4] to [-1, 5]");

    ModelSignature retyped =
        new ModelSignature(
            "onnxruntime_onnx",
            List.of(new TensorSpec("input", DataType.FP64, List.of(-1L, 4L))),
            served.outputs(),
            Map.of());
    assertThat(AliasFollower.incompatibility(served, retyped))
        .isEqualTo("input 'input' changes type from FP32 to FP64");

    ModelSignature lostOutput =
        new ModelSignature("onnxruntime_onnx", served.inputs(), List.of(), Map.of());
    assertThat(AliasFollower.incompatibility(served, lostOutput))
        .isEqualTo("output 'label' is missing (the served version has it)");

    ModelSignature extraInput =
        new ModelSignature(
            "onnxruntime_onnx",
            List.of(
                served.inputs().getFirst(), new TensorSpec("age", DataType.FP32, List.of(-1L, 1L))),
            served.outputs(),
            Map.of());
    assertThat(AliasFollower.incompatibility(served, extraInput))
        .isEqualTo("it requires inputs the served version does not take: [age]");
  }

  private static ModelVersion version(long number, Map<String, Double> metrics) {
    Lineage lineage = new Lineage("run", null, null, null, Map.of(), metrics, null, Map.of());
    return new ModelVersion(
        "iris",
        number,
        null,
        VersionStatus.READY,
        null,
        null,
        null,
        "src",
        "sha256:x",
        "onnxruntime_onnx",
        null,
        lineage,
        null,
        null,
        Map.of(),
        List.of(),
        "ann",
        Instant.EPOCH,
        Instant.EPOCH,
        false);
  }
}
