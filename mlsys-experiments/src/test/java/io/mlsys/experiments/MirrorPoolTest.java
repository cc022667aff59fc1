package io.mlsys.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MirrorPoolTest {
  private static final long MS = 1_000_000;

  private final AtomicLong ticker = new AtomicLong();

  /** A task that "works" {@code nanos} on the fake ticker. */
  private Runnable working(long nanos) {
    return () -> ticker.addAndGet(nanos);
  }

  private static void awaitTokens(MirrorPool pool, long expected) {
    long deadline = System.nanoTime() + 10_000 * MS;
    while (pool.tokens() != expected) {
      assertThat(System.nanoTime()).as("tokens %d", pool.tokens()).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void aCandidateBudgetShedsCallsOnceTheCandidatesSpentTheirShareOfTheTime() {
    // 10% of one core: a burst of 2 ms of candidate time, refilled at 0.1 ms per ms.
    try (MirrorPool pool = new MirrorPool(100, 1, Thread.ofVirtual().factory(), 0.1, ticker::get)) {
      assertThat(pool.offer(working(3 * MS / 2))).isTrue();
      awaitTokens(pool, MS / 2);
      assertThat(pool.offer(working(3 * MS / 2))).isTrue(); // 0.5 + 0.15 ms left: admitted
      awaitTokens(pool, MS * 65 / 100 - 3 * MS / 2);

      assertThat(pool.offer(working(MS))).isFalse(); // -0.7 ms after the refill: shed
      ticker.addAndGet(7 * MS);
      assertThat(pool.offer(working(MS))).isFalse(); // back to 0: still shed
      ticker.addAndGet(MS);
      assertThat(pool.offer(working(MS))).isTrue();
    }
  }

  @Test
  void withoutABudgetOnlyTheQueueBounds() {
    try (MirrorPool pool =
        new MirrorPool(100, 1, Thread.ofVirtual().factory(), null, ticker::get)) {
      for (int i = 0; i < 50; i++) {
        assertThat(pool.offer(working(10 * MS))).isTrue();
      }
    }
  }
}
