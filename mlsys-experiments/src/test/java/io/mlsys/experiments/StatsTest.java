package io.mlsys.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void wilsonMatchesThePublishedInterval() {
    // Newcombe (1998), example: 81 of 263 -> 0.2553 to 0.3662.
    double[] interval = Stats.wilson(81, 263, Stats.Z_95);

    assertThat(interval[0]).isCloseTo(0.2553, within(1e-4));
    assertThat(interval[1]).isCloseTo(0.3662, within(1e-4));
  }

  @Test
  void wilsonStaysInsideZeroAndOne() {
    assertThat(Stats.wilson(10, 10, Stats.Z_95)[1])
        .isCloseTo(1.0, within(1e-12))
        .isLessThanOrEqualTo(1);
    assertThat(Stats.wilson(0, 10, Stats.Z_95)[0]).isEqualTo(0.0);
    assertThat(Stats.wilson(0, 0, Stats.Z_95)).containsExactly(0, 1);
  }

  @Test
  void chiSquareOfAFairSplitAndOfASkewedOne() {
    double[] fair = Stats.chiSquare(new long[] {500, 500}, new double[] {0.5, 0.5});
    double[] skewed = Stats.chiSquare(new long[] {550, 450}, new double[] {0.5, 0.5});

    assertThat(fair).containsExactly(0, 1);
    // (50^2/500) * 2 = 10 on 1 degree of freedom: p = 0.00157.
    assertThat(skewed[0]).isCloseTo(10.0, within(1e-9));
    assertThat(skewed[1]).isCloseTo(0.001565, within(1e-5));
  }

  @Test
  void armsExpectedToGetNothingAreLeftOut() {
    double[] result = Stats.chiSquare(new long[] {500, 500, 0}, new double[] {0.5, 0.5, 0});

    assertThat(result[1]).isEqualTo(1.0);
  }

  @Test
  void chiSquareOverPeriodsSumsTheStatisticsAndTheirDegreesOfFreedom() {
    double[] sound =
        Stats.chiSquare(
            new long[][] {{500, 500}, {800, 200}}, new double[][] {{0.5, 0.5}, {0.8, 0.2}});
    double[] skewed =
        Stats.chiSquare(
            new long[][] {{550, 450}, {800, 200}, {300, 0}},
            new double[][] {{0.5, 0.5}, {0.8, 0.2}, {1, 0}});

    assertThat(sound).containsExactly(0, 2, 1);
    // 10 + 0 on 2 degrees of freedom (a period with one arm has none): p = exp(-10 / 2).
    assertThat(skewed[0]).isCloseTo(10.0, within(1e-9));
    assertThat(skewed[1]).isEqualTo(2);
    assertThat(skewed[2]).isCloseTo(Math.exp(-5), within(1e-9));
  }
}
