package io.mlsys.monitoring;

import java.util.Arrays;

/**
 * How often each input row was seen in the current window: an open-addressing table of 64-bit row
 * hashes with a fixed capacity. Once it is three quarters full, new rows are no longer remembered
 * (counted as untracked), so a flood of distinct rows cannot grow it. Not thread-safe.
 */
final class RepeatTable {
  private final long[] keys;
  private final int[] counts;
  private final int mask;
  private final int limit;
  private int size;
  long untracked;
  int maxCount;

  RepeatTable(int distinctInputs) {
    int capacity = Integer.highestOneBit(Math.max(16, distinctInputs * 4 / 3 - 1)) << 1;
    keys = new long[capacity];
    counts = new int[capacity];
    mask = capacity - 1;
    limit = distinctInputs;
  }

  /** Records one row; true when it was seen before in this window. */
  boolean add(long hash) {
    // 0 marks a free slot.
    long key = hash == 0 ? 1 : hash;
    int slot = (int) (mix(key) & mask);
    while (keys[slot] != 0) {
      if (keys[slot] == key) {
        counts[slot]++;
        maxCount = Math.max(maxCount, counts[slot]);
        return true;
      }
      slot = (slot + 1) & mask;
    }
    if (size >= limit) {
      untracked++;
      return false;
    }
    keys[slot] = key;
    counts[slot] = 1;
    maxCount = Math.max(maxCount, 1);
    size++;
    return false;
  }

  void clear() {
    Arrays.fill(keys, 0);
    Arrays.fill(counts, 0);
    size = 0;
    untracked = 0;
    maxCount = 0;
  }

  int capacity() {
    return keys.length;
  }

  private static long mix(long x) {
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    return x;
  }
}
