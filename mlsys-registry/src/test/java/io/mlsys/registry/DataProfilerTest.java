package io.mlsys.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mlsys.core.InvalidInputException;
import io.mlsys.registry.DataProfiler.Column;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DataProfilerTest {

  private static List<List<?>> column(Object... values) {
    List<List<?>> rows = new ArrayList<>();
    for (Object value : values) {
      rows.add(Arrays.asList(value));
    }
    return rows;
  }

  @Test
  void numericSummaryOfOneToTen() {
    DataProfile profile =
        DataProfiler.profile(List.of(Column.numeric("x")), column(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));

    DataProfile.Feature x = profile.features().get(0);
    assertThat(profile.rows()).isEqualTo(10);
    assertThat(x.count()).isEqualTo(10);
    assertThat(x.missing()).isZero();
    assertThat(x.numeric().min()).isEqualTo(1.0);
    assertThat(x.numeric().max()).isEqualTo(10.0);
    assertThat(x.numeric().mean()).isCloseTo(5.5, within(1e-12));
    // Sample standard deviation of 1..10: sqrt(82.5 / 9).
    assertThat(x.numeric().stddev()).isCloseTo(Math.sqrt(82.5 / 9), within(1e-12));
    assertThat(x.numeric().quantiles())
        .containsEntry("0.5", 5.0)
        .containsEntry("0.25", 3.0)
        .containsEntry("0.99", 10.0)
        .containsOnlyKeys("0.01", "0.05", "0.25", "0.5", "0.75", "0.95", "0.99");
  }

  @Test
  void histogramHasTenEqualWidthBinsTheLastIncludingTheMaximum() {
    DataProfile profile =
        DataProfiler.profile(List.of(Column.numeric("x")), column(0, 0.5, 1, 2, 3, 9.99, 10));

    DataProfile.Numeric x = profile.features().get(0).numeric();
    assertThat(x.binEdges())
        .containsExactly(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0);
    // [0,1): 0, 0.5; [1,2): 1; [2,3): 2; [3,4): 3; [9,10]: 9.99, 10.
    assertThat(x.binCounts()).containsExactly(2L, 1L, 1L, 1L, 0L, 0L, 0L, 0L, 0L, 2L);
  }

  @Test
  void constantColumnHasOneBin() {
    DataProfile.Numeric x =
        DataProfiler.profile(List.of(Column.numeric("x")), column(4, 4, 4))
            .features()
            .get(0)
            .numeric();

    assertThat(x.binEdges()).containsExactly(4.0, 4.0);
    assertThat(x.binCounts()).containsExactly(3L);
    assertThat(x.stddev()).isZero();
  }

  @Test
  void missingValuesAreNullBlankNaNAndInfinity() {
    DataProfile profile =
        DataProfiler.profile(
            List.of(Column.numeric("x")),
            column(1.0, null, "", "  ", Double.NaN, "NaN", Double.POSITIVE_INFINITY, "3"));

    DataProfile.Feature x = profile.features().get(0);
    assertThat(x.count()).isEqualTo(2);
    assertThat(x.missing()).isEqualTo(6);
    assertThat(x.missingRate()).isCloseTo(0.75, within(1e-12));
    assertThat(x.numeric().mean()).isCloseTo(2.0, within(1e-12));
  }

  @Test
  void allMissingNumericHasNoSummary() {
    DataProfile.Feature x =
        DataProfiler.profile(List.of(Column.numeric("x")), column(null, "")).features().get(0);

    assertThat(x.count()).isZero();
    assertThat(x.missing()).isEqualTo(2);
    assertThat(x.numeric()).isNull();
  }

  @Test
  void categoriesAreCountedAndBoundedToTheMostFrequent() {
    DataProfile.Feature species =
        DataProfiler.of(List.of(Column.categorical("species")), DataProfiler.DEFAULT_BINS, 2)
            .add(List.of("setosa"))
            .add(List.of("setosa"))
            .add(List.of("setosa"))
            .add(List.of("virginica"))
            .add(List.of("virginica"))
            .add(List.of("versicolor"))
            .add(Arrays.asList((Object) null))
            .profile()
            .features()
            .get(0);

    assertThat(species.count()).isEqualTo(6);
    assertThat(species.missing()).isEqualTo(1);
    assertThat(species.numeric()).isNull();
    assertThat(species.categories()).containsOnly(entry("setosa", 3L), entry("virginica", 2L));
  }

  @Test
  void manyCategoriesKeepTheTopN() {
    DataProfiler profiler = DataProfiler.of(List.of(Column.categorical("c")));
    for (int category = 0; category < 2000; category++) {
      // category 0 is the most frequent: 10 times more than any other.
      for (int i = 0; i < (category == 0 ? 100 : 10); i++) {
        profiler.add(List.of("c" + category));
      }
    }

    DataProfile.Feature c = profiler.profile().features().get(0);

    assertThat(c.count()).isEqualTo(100 + 1999 * 10);
    assertThat(c.categories()).hasSizeLessThanOrEqualTo(DataProfiler.DEFAULT_TOP_CATEGORIES);
    // Beyond the sketch's exact range the counts are estimates; the heavy hitter leads.
    assertThat(c.categories()).containsKey("c0");
    assertThat(c.categories().get("c0")).isGreaterThanOrEqualTo(100L);
  }

  @Test
  void largeColumnsStayWithinTheSketchError() {
    DataProfiler profiler = DataProfiler.of(List.of(Column.numeric("u")));
    SplittableRandom random = new SplittableRandom(7);
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      profiler.add(List.of(random.nextDouble()));
    }

    DataProfile.Numeric u = profiler.profile().features().get(0).numeric();

    // Uniform on [0, 1): the median near 0.5, each of 10 bins near n / 10.
    assertThat(u.quantiles().get("0.5")).isCloseTo(0.5, within(0.02));
    assertThat(u.binCounts().stream().mapToLong(Long::longValue).sum()).isEqualTo(n);
    assertThat(u.binCounts()).allSatisfy(count -> assertThat(count).isBetween(8_000L, 12_000L));
    assertThat(u.mean()).isCloseTo(0.5, within(0.01));
    assertThat(u.stddev()).isCloseTo(Math.sqrt(1.0 / 12), within(0.01));
  }

  @Test
  void mixedColumnsInOrder() {
    DataProfile profile =
        DataProfiler.profile(
            List.of(Column.numeric("length"), Column.categorical("species")),
            List.of(List.of(1.5, "setosa"), List.of("2.5", "virginica")));

    assertThat(profile.features())
        .extracting(DataProfile.Feature::name)
        .containsExactly("length", "species");
    assertThat(profile.features().get(0).numeric().mean()).isCloseTo(2.0, within(1e-12));
    assertThat(profile.features().get(1).categories()).hasSize(2);
  }

  @Test
  void textThatIsNotANumberNamesRowAndColumn() {
    DataProfiler profiler = DataProfiler.of(List.of(Column.numeric("length")));
    profiler.add(List.of("1.0"));

    assertThatThrownBy(() -> profiler.add(List.of("long")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("row 2, column length")
        .hasMessageContaining("'long' is not a number");
  }

  @Test
  void rowOfTheWrongWidthIsRefused() {
    DataProfiler profiler = DataProfiler.of(List.of(Column.numeric("a"), Column.numeric("b")));

    assertThatThrownBy(() -> profiler.add(List.of(1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("row 1")
        .hasMessageContaining("expected: 2 values");
  }

  @Test
  void duplicateColumnsAndBadSizesAreRefused() {
    assertThatThrownBy(() -> DataProfiler.of(List.of(Column.numeric("a"), Column.numeric("a"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'a' twice");
    assertThatThrownBy(() -> DataProfiler.of(List.of(Column.numeric("a")), 0, 5))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("bins: 0");
  }

  private static java.util.Map.Entry<String, Long> entry(String key, long value) {
    return java.util.Map.entry(key, value);
  }
}
