package io.mlsys.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "7ns, PT0.000000007S",
    "15us, PT0.000015S",
    "250ms, PT0.25S",
    "2s, PT2S",
    "5m, PT5M",
    "1h, PT1H",
    "1d, PT24H",
    "-1s, PT-1S",
    "PT1.5S, PT1.5S",
    "P1D, PT24H"
  })
  void parsesShortAndIsoForms(String text, String iso) {
    assertThat(Durations.parse(text)).contains(Duration.parse(iso));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "2", "1.5s", "2 sec", "s", "PT", "2S", "99999999999999999999s"})
  void rejectsAnythingElse(String text) {
    assertThat(Durations.parse(text)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"PT0S, 0s", "PT0.25S, 250ms", "PT90S, 90s", "PT5M, 5m", "PT2H, 2h", "PT48H, 2d"})
  void formatsInTheShortestExactUnit(String iso, String text) {
    assertThat(Durations.format(Duration.parse(iso))).isEqualTo(text);
  }
}
