package io.mlsys.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdaptiveBatchCapTest {
  private static final long MS = 1_000_000;

  @Test
  void beforeAnyBatchRunsTheCapIsMaxBatchSize() {
    AdaptiveBatchCap cap = new AdaptiveBatchCap(32);

    assertThat(cap.cap()).isEqualTo(32);
    assertThat(cap.limit()).isEqualTo(32);
  }

  @Test
  void capFallsToOneWhenTheCostPerRowRisesWithBatchSize() {
    AdaptiveBatchCap cap = new AdaptiveBatchCap(32);
    // Like the OCR recognizer on 2 cores: each row costs more in a larger batch.
    cap.record(32, 32 * 45 * MS);
    cap.record(8, 8 * 27 * MS);
    assertThat(cap.cap()).isEqualTo(8);

    cap.record(1, 20 * MS);

    assertThat(cap.cap()).isEqualTo(1);
    // Two rows were never measured, so they are tried next; once they cost more, the cap stays.
    assertThat(cap.limit()).isEqualTo(2);
    cap.record(2, 2 * 22 * MS);
    assertThat(cap.cap()).isEqualTo(1);
    assertThat(cap.limit()).isEqualTo(1);
  }

  @Test
  void capRisesStepByStepWhileLargerBatchesAreCheaperPerRow() {
    AdaptiveBatchCap cap = new AdaptiveBatchCap(32);
    cap.record(1, 20_000);

    // A fixed 16 us a call plus 1 us a row: each larger bucket is cheaper, so each is tried next.
    for (int size = 2; size <= 32; size *= 2) {
      assertThat(cap.limit()).isEqualTo(size);
      cap.record(size, (16 + size) * 1000L);
      assertThat(cap.cap()).isEqualTo(size);
    }
    assertThat(cap.limit()).isEqualTo(32);
  }

  @Test
  void aDearerNeighbourIsTriedLessAndLessOften() {
    AdaptiveBatchCap cap = new AdaptiveBatchCap(32);
    cap.record(1, 20 * MS);
    cap.record(2, 2 * 25 * MS);

    List<Integer> gaps = new ArrayList<>();
    int lastTry = 0;
    for (int run = 1; run <= 2000; run++) {
      int rows = cap.limit();
      if (rows == 2) {
        gaps.add(run - lastTry);
        lastTry = run;
      }
      cap.started(rows);
      cap.record(rows, rows * (rows == 1 ? 20 : 25) * MS);
    }

    assertThat(cap.cap()).isEqualTo(1);
    assertThat(gaps)
        .startsWith(2 * AdaptiveBatchCap.MIN_TRY_INTERVAL_RUNS)
        .isSorted()
        .endsWith(AdaptiveBatchCap.MAX_TRY_INTERVAL_RUNS, AdaptiveBatchCap.MAX_TRY_INTERVAL_RUNS);
  }

  @Test
  void theCapRisesWhenALargerBucketBecomesCheaper() {
    AdaptiveBatchCap cap = new AdaptiveBatchCap(8);
    cap.record(1, 20 * MS);
    cap.record(2, 2 * 25 * MS);

    // Two rows got cheaper (say another tenant left the machine): the next try sees it.
    int run = 0;
    while (cap.cap() == 1 && run++ < 1000) {
      int rows = cap.limit();
      cap.started(rows);
      cap.record(rows, rows * (rows == 1 ? 20 : 10) * MS);
    }

    assertThat(cap.cap()).isEqualTo(2);
    assertThat(run).isEqualTo(2 * AdaptiveBatchCap.MIN_TRY_INTERVAL_RUNS);
    // Four rows never ran: they are tried next.
    assertThat(cap.limit()).isEqualTo(4);
  }

  @Test
  void aTryThatHasStartedIsNotOfferedAgainWhileItRuns() {
    AdaptiveBatchCap cap = new AdaptiveBatchCap(32);
    cap.record(1, 20 * MS);
    assertThat(cap.limit()).isEqualTo(2);

    cap.started(2);

    assertThat(cap.limit()).isEqualTo(1);
  }

  @Test
  void aBucketHoldsTheBatchesUpToItsSizeAboveTheBucketBelow() {
    AdaptiveBatchCap cap = new AdaptiveBatchCap(12);
    cap.record(5, 5 * 10 * MS);
    cap.record(8, 8 * 20 * MS);
    cap.record(9, 9 * 7 * MS);

    // 5 and 8 rows share the bucket of 8; 9 rows fall in the last bucket, max-batch-size 12.
    assertThat(cap.nanosPerRow(6)).isCloseTo(15 * MS, within(1.0));
    assertThat(cap.nanosPerRow(12)).isCloseTo(7 * MS, within(1.0));
    assertThat(cap.nanosPerRow(1)).isNaN();
    assertThat(cap.cap()).isEqualTo(12);
  }

  @Test
  void aBucketAveragesItsFirstRunsThenMovesWithEachNewRun() {
    AdaptiveBatchCap cap = new AdaptiveBatchCap(2);
    for (long millis : new long[] {10, 20, 30, 40, 50}) {
      cap.record(2, 2 * millis * MS);
    }
    assertThat(cap.nanosPerRow(2)).isCloseTo(30 * MS, within(1.0));

    cap.record(2, 2 * 80 * MS);

    assertThat(cap.nanosPerRow(2))
        .isCloseTo(30 * MS + AdaptiveBatchCap.COST_WEIGHT * 50 * MS, within(1.0));
  }

  @Test
  void theBucketBelowTheCapIsTriedAgainSoTheCapFallsWhenItBecomesCheaper() {
    AdaptiveBatchCap cap = new AdaptiveBatchCap(4);
    // A cold first run makes one row look dear; two rows then look cheapest.
    cap.record(1, 300 * MS);
    cap.record(2, 2 * 25 * MS);
    cap.record(4, 4 * 27 * MS);
    assertThat(cap.cap()).isEqualTo(2);

    int tries = 0;
    while (cap.cap() == 2 && tries < 100) {
      int rows = cap.limit();
      if (rows == 1) {
        tries++;
      }
      cap.started(rows);
      cap.record(rows, rows * (rows == 1 ? 20 : rows == 2 ? 25 : 27) * MS);
    }

    // The tries cost less than the cap, so they keep coming one batch in 16 until the cap falls.
    assertThat(cap.cap()).isEqualTo(1);
    assertThat(tries).isLessThan(20);
  }

  @Test
  void aBucketFarBelowTheCapIsTriedAgainSoTheCapCanFallAllTheWay() {
    AdaptiveBatchCap cap = new AdaptiveBatchCap(8);
    // A busy start: one row looked dearer than it is, and larger batches all cost about the same.
    long[] startMillis = {35, 29, 0, 28, 0, 0, 0, 27};
    for (int rows : new int[] {1, 2, 4, 8}) {
      cap.record(rows, rows * startMillis[rows - 1] * MS);
    }
    assertThat(cap.cap()).isEqualTo(8);

    long[] nowMillis = {22, 29, 0, 28, 0, 0, 0, 27};
    int run = 0;
    while (cap.cap() != 1 && run++ < 1000) {
      int rows = cap.limit();
      cap.started(rows);
      cap.record(rows, rows * nowMillis[rows - 1] * MS);
    }

    assertThat(cap.cap()).isEqualTo(1);
    assertThat(run).isLessThan(4 * AdaptiveBatchCap.MIN_TRY_INTERVAL_RUNS);
  }

  @Test
  void aBucketBelowTheCapThatNeverRanIsNotTried() {
    AdaptiveBatchCap cap = new AdaptiveBatchCap(8);
    for (int run = 0; run < 2 * AdaptiveBatchCap.MAX_TRY_INTERVAL_RUNS; run++) {
      cap.record(8, 8 * MS);
    }

    assertThat(cap.limit()).isEqualTo(8);
  }

  @Test
  void onATieTheLargerBatchWins() {
    AdaptiveBatchCap cap = new AdaptiveBatchCap(8);
    cap.record(8, 0);
    cap.record(1, 0);

    assertThat(cap.cap()).isEqualTo(8);
  }

  @Test
  void rowsOutsideOneToMaxBatchSizeAreIgnored() {
    AdaptiveBatchCap cap = new AdaptiveBatchCap(4);
    cap.record(0, 5 * MS);
    cap.record(5, 5 * MS);
    cap.started(5);

    assertThat(cap.cap()).isEqualTo(4);
    assertThat(cap.nanosPerRow(4)).isNaN();
  }

  @Test
  void aMaxBatchSizeOfOneAlwaysCapsAtOne() {
    AdaptiveBatchCap cap = new AdaptiveBatchCap(1);
    cap.record(1, 5 * MS);

    assertThat(cap.cap()).isEqualTo(1);
    assertThat(cap.limit()).isEqualTo(1);
  }
}
