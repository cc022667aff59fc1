package io.mlsys.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PropertyCapTest {
  @Test
  void aShortTextIsKept() {
    assertThat(OrtOnnxModel.capped("sklearn SVC")).isEqualTo("sklearn SVC");
    assertThat(OrtOnnxModel.capped(null)).isNull();
  }

  @Test
  void aProvenanceDumpIsCutAndSaysHowLongItWas() {
    String provenance = "Model(class-name=org.tribuo...)".repeat(1000);

    String capped = OrtOnnxModel.capped(provenance);

    assertThat(capped)
        .startsWith(provenance.substring(0, OrtOnnxModel.MAX_PROPERTY_CHARS))
        .endsWith("... (" + provenance.length() + " characters)")
        .hasSizeLessThan(OrtOnnxModel.MAX_PROPERTY_CHARS + 30);
  }
}
