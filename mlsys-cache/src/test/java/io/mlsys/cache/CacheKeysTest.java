package io.mlsys.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.InferRequest;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheKeysTest {
  private final CacheKeys keys = new CacheKeys("iris", "1", "", List.of("top_k"));
  private final Tensor x = Tensor.ofFloats("x", new long[] {1, 2}, 1, 2);
  private final Tensor names = Tensor.ofStrings("names", new long[] {2}, "ab", "c");

  private static InferRequest request(String id, List<Tensor> inputs, Map<String, Object> params) {
    return new InferRequest(id, inputs, List.of(), params);
  }

  @Test
  void aKeyIsSixtyFourHexDigitsAndIgnoresTheRequestIdAndInputOrder() {
    String key = keys.of(request("a", List.of(x, names), Map.of()));

    assertThat(key).matches("[0-9a-f]{64}");
    assertThat(keys.of(request("b", List.of(names, x), Map.of()))).isEqualTo(key);
  }

  @Test
  void modelVersionAndFingerprintAreInTheKey() {
    InferRequest request = request(null, List.of(x), Map.of());
    String key = keys.of(request);

    assertThat(new CacheKeys("iris", "2", "", List.of()).of(request)).isNotEqualTo(key);
    assertThat(new CacheKeys("iris2", "1", "", List.of()).of(request)).isNotEqualTo(key);
    assertThat(new CacheKeys("iris", "1", "{digest=x}", List.of()).of(request)).isNotEqualTo(key);
  }

  @Test
  void bytesShapesDatatypesAndNamesChangeTheKey() {
    String key = keys.of(request(null, List.of(x), Map.of()));

    assertThat(
            keys.of(
                request(null, List.of(Tensor.ofFloats("x", new long[] {1, 2}, 1, 3)), Map.of())))
        .isNotEqualTo(key);
    assertThat(
            keys.of(
                request(null, List.of(Tensor.ofFloats("x", new long[] {2, 1}, 1, 2)), Map.of())))
        .isNotEqualTo(key);
    assertThat(
            keys.of(
                request(null, List.of(Tensor.ofFloats("z", new long[] {1, 2}, 1, 2)), Map.of())))
        .isNotEqualTo(key);
    assertThat(
            keys.of(request(null, List.of(Tensor.ofInts("x", new long[] {1, 2}, 1, 2)), Map.of())))
        .isNotEqualTo(key);
  }

  @Test
  void byteStringsAreLengthPrefixed() {
    String split =
        keys.of(request(null, List.of(Tensor.ofStrings("s", new long[] {2}, "ab", "c")), Map.of()));
    String moved =
        keys.of(request(null, List.of(Tensor.ofStrings("s", new long[] {2}, "a", "bc")), Map.of()));

    assertThat(split).isNotEqualTo(moved);
  }

  @Test
  void requestedOutputsCountButNotTheirEncoding() {
    InferRequest all = request(null, List.of(x), Map.of());
    InferRequest label = all.withOutputs(List.of(RequestedOutput.named("label")));
    InferRequest labelBinary =
        all.withOutputs(List.of(new RequestedOutput("label", Map.of("binary_data", true))));
    InferRequest labelTop =
        all.withOutputs(List.of(new RequestedOutput("label", Map.of("classification", 2))));

    assertThat(keys.of(label)).isNotEqualTo(keys.of(all));
    assertThat(keys.of(labelBinary)).isEqualTo(keys.of(label));
    assertThat(keys.of(labelTop)).isNotEqualTo(keys.of(label));
  }

  @Test
  void onlyListedParametersCountAndTheirTypesToo() {
    String plain = keys.of(request(null, List.of(x), Map.of()));

    assertThat(keys.of(request(null, List.of(x), Map.of("timeout", 5)))).isEqualTo(plain);
    assertThat(keys.of(request(null, List.of(x), Map.of("top_k", 5)))).isNotEqualTo(plain);
    assertThat(keys.of(request(null, List.of(x), Map.of("top_k", "5"))))
        .isNotEqualTo(keys.of(request(null, List.of(x), Map.of("top_k", 5))));
  }
}
