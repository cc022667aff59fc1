package io.mlsys.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigViolationTest {
  @Test
  void aKeyJoinsWithADot() {
    assertThat(ConfigViolation.join("server", "port")).isEqualTo("server.port");
  }

  @Test
  void anIndexJoinsWithoutADot() {
    assertThat(ConfigViolation.join("graphs.g.transform", "[1].scale"))
        .isEqualTo("graphs.g.transform[1].scale");
  }

  @Test
  void anEmptySideIsLeftOut() {
    assertThat(ConfigViolation.join("", "server")).isEqualTo("server");
    assertThat(ConfigViolation.join("[0].argmax", "")).isEqualTo("[0].argmax");
  }

  @Test
  void underPutsTheViolationBelowItsParent() {
    assertThat(new ConfigViolation("[1].scale.std", "bad").under("graphs.g.transform"))
        .isEqualTo(new ConfigViolation("graphs.g.transform[1].scale.std", "bad"));
    assertThat(new ConfigViolation("", "bad").under("models.iris"))
        .isEqualTo(new ConfigViolation("models.iris", "bad"));
  }
}
