package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.monitoring.Baseline;
import io.mlsys.monitoring.BaselineFeature;
import io.mlsys.registry.DataProfile;
import io.mlsys.registry.DataProfiler;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A version's registered data profile as its monitoring baseline. */
class RegistryBaselinesTest {

  @Test
  void histogramsBecomeBinsAndCategoriesShares() {
    Random random = new Random(7);
    List<List<?>> rows = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      rows.add(List.of(10 + 2 * random.nextGaussian(), i % 4 == 0 ? "blue" : "red"));
    }
    DataProfile profile =
        DataProfiler.profile(
            List.of(DataProfiler.Column.numeric("x"), DataProfiler.Column.categorical("color")),
            rows);

    Baseline baseline = RegistryBaselines.of(profile, "registry:m/1");

    assertThat(baseline.names()).containsExactly("x", "color");
    BaselineFeature x = baseline.features().get(0);
    assertThat(x.kind()).isEqualTo(BaselineFeature.Kind.NUMERIC);
    assertThat(x.mean()).isCloseTo(10, org.assertj.core.data.Offset.offset(0.1));
    assertThat(x.stddev()).isCloseTo(2, org.assertj.core.data.Offset.offset(0.1));
    double total = 0;
    for (double share : x.probabilities()) {
      total += share;
    }
    assertThat(total).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(x.probabilities()[0]).isZero();
    assertThat(x.probabilities()[x.bins() - 1]).isZero();
    BaselineFeature color = baseline.features().get(1);
    assertThat(color.kind()).isEqualTo(BaselineFeature.Kind.CATEGORICAL);
    assertThat(color.categories()).containsExactly("red", "blue");
    assertThat(color.probabilities()[0]).isCloseTo(0.75, org.assertj.core.data.Offset.offset(1e-9));
  }
}
