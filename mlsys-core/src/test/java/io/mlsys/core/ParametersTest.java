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

  @Test
  void anOuterKeyJoinsTheInnerOneOutermostFirst() {
    Map<String, Object> inner = Map.of("route", "svc", "degraded", false, "model_version", 2L);

    assertThat(Parameters.withAdded(inner, "route", "premium"))
        .containsEntry("route", "premium/svc");
    assertThat(Parameters.withAdded(inner, "degraded", true)).containsEntry("degraded", true);
    assertThat(Parameters.withAdded(Map.of("degraded", true), "degraded", false))
        .containsEntry("degraded", true);
    assertThat(Parameters.withAdded(inner, "model_version", 3L)).containsEntry("model_version", 3L);
    assertThat(Parameters.withAdded(Map.of(), "stage", "fast"))
        .containsExactly(Map.entry("stage", "fast"));
  }

  @Test
  void childrenOfAFanOutAreQualifiedByName() {
    Map<String, Object> into = new java.util.LinkedHashMap<>();
    Parameters.addQualified(into, "versicolor", Map.of("route", "svc"));

    assertThat(into).containsExactly(Map.entry("versicolor.route", "svc"));
  }
}
