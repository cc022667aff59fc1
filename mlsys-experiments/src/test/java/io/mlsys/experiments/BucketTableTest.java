package io.mlsys.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BucketTableTest {
  private static final List<String> AB = List.of("a", "b");

  private static int moved(BucketTable before, BucketTable after) {
    int moved = 0;
    for (int bucket = 0; bucket < BucketTable.BUCKETS; bucket++) {
      if (!before.arm(bucket).equals(after.arm(bucket))) {
        moved++;
      }
    }
    return moved;
  }

  @Test
  void aNewTableGivesEachArmItsShareOfTheBuckets() {
    BucketTable table = BucketTable.initial(List.of("a", "b", "c"), new double[] {1, 1, 1});

    // 10,000 / 3: the leftover bucket goes to the first of the equal remainders.
    assertThat(table.counts()).containsExactly(3334, 3333, 3333);
  }

  @Test
  void aWeightChangeMovesOnlyTheBucketsItMustAndOnlyTowardsTheGrowingArm() {
    BucketTable before = BucketTable.initial(AB, new double[] {50, 50});

    BucketTable after = before.rebalance(AB, new double[] {70, 30});

    assertThat(after.counts()).containsExactly(7000, 3000);
    assertThat(moved(before, after)).isEqualTo(2000);
    for (int bucket = 0; bucket < BucketTable.BUCKETS; bucket++) {
      if (before.arm(bucket).equals("a")) {
        assertThat(after.arm(bucket)).isEqualTo("a");
      }
    }
  }

  @Test
  void changingBackAndForthKeepsUnitsWhereTheyCanStay() {
    BucketTable start = BucketTable.initial(List.of("a", "b", "c"), new double[] {1, 1, 1});

    BucketTable off = start.rebalance(List.of("a", "b", "c"), new double[] {1, 1, 0});
    BucketTable on = off.rebalance(List.of("a", "b", "c"), new double[] {1, 1, 1});

    // c's buckets went to a and b (3333 moves), and 3333 come back to c: no other bucket moved.
    assertThat(moved(start, off)).isEqualTo(3333);
    assertThat(moved(off, on)).isEqualTo(3333);
    assertThat(on.counts()).containsExactly(3334, 3333, 3333);
  }

  @Test
  void aNewArmTakesItsShareFromTheOthersAndADroppedArmGivesAllOfItsAway() {
    BucketTable before = BucketTable.initial(AB, new double[] {1, 1});

    BucketTable added = before.rebalance(List.of("a", "b", "c"), new double[] {1, 1, 2});
    BucketTable dropped = added.rebalance(List.of("a", "c"), new double[] {1, 1});

    assertThat(added.counts()).containsExactly(2500, 2500, 5000);
    assertThat(moved(before, added)).isEqualTo(5000);
    assertThat(dropped.counts()).containsExactly(5000, 5000);
    assertThat(moved(added, dropped)).isEqualTo(2500);
  }

  @Test
  void theRebalanceIsDeterministicSoReplicasMakingTheSameChangeAgree() {
    BucketTable before = BucketTable.initial(AB, new double[] {3, 7});

    assertThat(before.rebalance(AB, new double[] {5, 5}))
        .isEqualTo(before.rebalance(AB, new double[] {5, 5}));
  }

  @Test
  void aUnitsBucketIsStableAndDependsOnTheSalt() {
    // Persisted behaviour: these values must not change between releases.
    assertThat(BucketTable.bucket("iris-ab", "alice"))
        .isEqualTo(BucketTable.bucket("iris-ab", "alice"));
    assertThat(BucketTable.bucket("iris-ab", "alice")).isBetween(0, BucketTable.BUCKETS - 1);
    int differ = 0;
    for (int i = 0; i < 100; i++) {
      if (BucketTable.bucket("one", "u" + i) != BucketTable.bucket("two", "u" + i)) {
        differ++;
      }
    }
    assertThat(differ).isGreaterThan(95);
  }

  @Test
  void bucketsSpreadUnitsEvenly() {
    int[] halves = new int[2];
    for (int i = 0; i < 20_000; i++) {
      halves[BucketTable.bucket("salt", "user-" + i) < BucketTable.BUCKETS / 2 ? 0 : 1]++;
    }
    // Binomial(20000, 0.5): sd 71; 5 sd either way.
    assertThat(halves[0]).isBetween(10_000 - 355, 10_000 + 355);
  }

  @Test
  void allWeightsZeroIsRefused() {
    assertThatThrownBy(() -> BucketTable.targets(new double[] {0, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("every weight is 0");
  }
}
