package io.mlsys.features;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * One entity's row as the source gave it (or its absence), as both cache tiers hold it. Immutable:
 * the arrays are never changed after construction.
 *
 * @param found whether the source has a row for the entity
 * @param values the feature values in column order; 0 where {@code nulls} says NULL
 * @param nulls which features were NULL in the row
 * @param eventTimeMillis the row's timestamp column (epoch ms); {@link #NO_TIME} without one
 * @param fetchedAtMillis when it was read from the source (epoch ms)
 */
record FeatureRow(
    boolean found, double[] values, boolean[] nulls, long eventTimeMillis, long fetchedAtMillis) {
  static final long NO_TIME = Long.MIN_VALUE;

  /** The first byte of the binary form; a reader skips (treats as a miss) any other. */
  static final byte FORMAT_VERSION = 1;

  /** The absence of a row, known since {@code fetchedAtMillis}. */
  static FeatureRow missing(int features, long fetchedAtMillis) {
    return new FeatureRow(
        false, new double[features], new boolean[features], NO_TIME, fetchedAtMillis);
  }

  /** The status of feature {@code i} at {@code now}, with {@code maxAge} (null: never stale). */
  FeatureStatus status(int i, Instant now, Duration maxAge) {
    if (!found) {
      return FeatureStatus.NOT_FOUND;
    }
    if (nulls[i]) {
      return FeatureStatus.NULL_VALUE;
    }
    if (isStale(now, maxAge)) {
      return FeatureStatus.OUTSIDE_MAX_AGE;
    }
    return FeatureStatus.PRESENT;
  }

  boolean isStale(Instant now, Duration maxAge) {
    return maxAge != null
        && eventTimeMillis != NO_TIME
        && now.toEpochMilli() - eventTimeMillis > maxAge.toMillis();
  }

  /** The binary form the Redis tier stores: version, flags, times, null bitmap, values. */
  byte[] encode() {
    int n = values.length;
    ByteBuffer buffer = ByteBuffer.allocate(1 + 1 + 8 + 8 + 4 + (n + 7) / 8 + 8 * n);
    buffer.put(FORMAT_VERSION).put((byte) (found ? 1 : 0));
    buffer.putLong(fetchedAtMillis).putLong(eventTimeMillis).putInt(n);
    byte[] bitmap = new byte[(n + 7) / 8];
    for (int i = 0; i < n; i++) {
      if (nulls[i]) {
        bitmap[i >> 3] |= (byte) (1 << (i & 7));
      }
    }
    buffer.put(bitmap);
    for (double value : values) {
      buffer.putDouble(value);
    }
    return buffer.array();
  }

  /**
   * Reads {@link #encode()}'s form; null when the bytes are of another version or another feature
   * count (an entry written for another feature list), so the caller treats them as a miss.
   */
  static FeatureRow decode(byte[] bytes, int features) {
    if (bytes == null || bytes.length < 22 || bytes[0] != FORMAT_VERSION) {
      return null;
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    buffer.get();
    boolean found = buffer.get() == 1;
    long fetchedAt = buffer.getLong();
    long eventTime = buffer.getLong();
    int n = buffer.getInt();
    if (n != features || buffer.remaining() != (n + 7) / 8 + 8 * n) {
      return null;
    }
    byte[] bitmap = new byte[(n + 7) / 8];
    buffer.get(bitmap);
    boolean[] nulls = new boolean[n];
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      nulls[i] = (bitmap[i >> 3] & (1 << (i & 7))) != 0;
      values[i] = buffer.getDouble();
    }
    return new FeatureRow(found, values, nulls, eventTime, fetchedAt);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureRow other
        && found == other.found
        && eventTimeMillis == other.eventTimeMillis
        && fetchedAtMillis == other.fetchedAtMillis
        && Arrays.equals(values, other.values)
        && Arrays.equals(nulls, other.nulls);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(values) + Long.hashCode(eventTimeMillis);
  }

  @Override
  public String toString() {
    return found
        ? "FeatureRow" + Arrays.toString(values) + "@" + eventTimeMillis
        : "FeatureRow[not found]";
  }
}
