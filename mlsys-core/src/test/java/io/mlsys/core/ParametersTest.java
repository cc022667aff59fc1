package io.mlsys.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ParametersTest {

  @Test
  void flagReadsBooleansAndTheirStrings() {
    assertThat(Parameters.flag(Map.of("binary_data", true), "binary_data", false)).isTrue();
    assertThat(Parameters.flag(Map.of("binary_data", "FALSE"), "binary_data", true)).isFalse();
    assertThat(Parameters.flag(Map.of(), "binary_data", true)).isTrue();
  }

  @Test
  void flagRejectsOtherValuesNamingTheParameter() {
    assertThatThrownBy(() -> Parameters.flag(Map.of("binary_data", 3L), "binary_data", false))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("parameters.binary_data: 3 (expected: true or false)");
  }

  @Test
  void copyKeepsInsertionOrder() {
    Map<String, Object> ordered = new java.util.LinkedHashMap<>();
    ordered.put("b", 1);
    ordered.put("a", "x");

    assertThat(Parameters.copyOf(ordered, "parameters").keySet()).containsExactly("b", "a");
  }
}
