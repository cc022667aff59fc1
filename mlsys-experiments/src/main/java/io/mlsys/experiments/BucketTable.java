package io.mlsys.experiments;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A split's assignment: {@value #BUCKETS} fixed hash buckets, each owned by one arm. A unit hashes
 * to a bucket (SHA-256 of the experiment's salt and the unit key), so it keeps its arm as long as
 * its bucket does. A weight change moves only the buckets it must: each arm's target count comes
 * from the weights (largest remainder, so the counts sum to {@value #BUCKETS}), shrinking arms give
 * up their surplus and growing arms take exactly what they lack; every other bucket stays.
 *
 * @param arms arm names, in config order
 * @param weights the weights the table was balanced for, one per arm
 * @param owners for each bucket, the index of its arm
 */
record BucketTable(List<String> arms, double[] weights, byte[] owners) {
  /** Buckets per experiment. */
  static final int BUCKETS = 10_000;

  /** At most this many arms (a bucket's owner is one byte). */
  static final int MAX_ARMS = 100;

  BucketTable {
    arms = List.copyOf(arms);
    if (arms.isEmpty() || arms.size() > MAX_ARMS) {
      throw new IllegalArgumentException("arms: " + arms.size() + " (expected: 1 to " + MAX_ARMS);
    }
    if (weights.length != arms.size() || owners.length != BUCKETS) {
      throw new IllegalArgumentException("weights or owners do not fit the arms");
    }
  }

  /** The table a new experiment starts with: each arm a contiguous run of its target count. */
  static BucketTable initial(List<String> arms, double[] weights) {
    int[] targets = targets(weights);
    byte[] owners = new byte[BUCKETS];
    int next = 0;
    for (int arm = 0; arm < targets.length; arm++) {
      Arrays.fill(owners, next, next + targets[arm], (byte) arm);
      next += targets[arm];
    }
    return new BucketTable(arms, weights.clone(), owners);
  }

  /**
   * This table balanced for {@code newArms} and {@code newWeights}: an arm no longer listed has a
   * target of 0 (its buckets go to the others), a new arm starts with none and takes its share.
   * Deterministic, so replicas that make the same change compute the same table.
   */
  BucketTable rebalance(List<String> newArms, double[] newWeights) {
    // Work over the new arms followed by the dropped ones (target 0).
    List<String> all = new ArrayList<>(newArms);
    for (String arm : arms) {
      if (!all.contains(arm)) {
        all.add(arm);
      }
    }
    double[] allWeights = Arrays.copyOf(newWeights, all.size());
    int[] targets = targets(allWeights);
    int[] owners = new int[BUCKETS];
    int[] counts = new int[all.size()];
    for (int bucket = 0; bucket < BUCKETS; bucket++) {
      owners[bucket] = all.indexOf(arms.get(this.owners[bucket]));
      counts[owners[bucket]]++;
    }
    // Surplus first: an arm above its target frees its highest buckets.
    for (int bucket = BUCKETS - 1; bucket >= 0; bucket--) {
      int owner = owners[bucket];
      if (counts[owner] > targets[owner]) {
        counts[owner]--;
        owners[bucket] = -1;
      }
    }
    // Then each freed bucket, lowest first, goes to the first arm still short of its target.
    int arm = 0;
    byte[] result = new byte[BUCKETS];
    for (int bucket = 0; bucket < BUCKETS; bucket++) {
      if (owners[bucket] < 0) {
        while (counts[arm] >= targets[arm]) {
          arm++;
        }
        owners[bucket] = arm;
        counts[arm]++;
      }
      result[bucket] = (byte) owners[bucket];
    }
    return new BucketTable(newArms, newWeights.clone(), result);
  }

  /**
   * How many buckets each arm gets: its share of {@value #BUCKETS}, floored, then the leftover one
   * by one to the largest remainders (ties to the earlier arm).
   *
   * @throws IllegalArgumentException when every weight is 0
   */
  static int[] targets(double[] weights) {
    double sum = 0;
    for (double weight : weights) {
      sum += weight;
    }
    if (!(sum > 0)) {
      throw new IllegalArgumentException("every weight is 0 (expected: at least one > 0)");
    }
    int[] targets = new int[weights.length];
    double[] remainders = new double[weights.length];
    int given = 0;
    for (int arm = 0; arm < weights.length; arm++) {
      double exact = weights[arm] / sum * BUCKETS;
      targets[arm] = (int) Math.floor(exact);
      remainders[arm] = exact - targets[arm];
      given += targets[arm];
    }
    for (; given < BUCKETS; given++) {
      int best = 0;
      for (int arm = 1; arm < weights.length; arm++) {
        if (remainders[arm] > remainders[best]) {
          best = arm;
        }
      }
      targets[best]++;
      remainders[best] = -1;
    }
    return targets;
  }

  /** The arm that owns {@code bucket}. */
  String arm(int bucket) {
    return arms.get(owners[bucket]);
  }

  /** The arm index that owns {@code bucket}. */
  int armIndex(int bucket) {
    return owners[bucket];
  }

  /** How many buckets each arm owns. */
  int[] counts() {
    int[] counts = new int[arms.size()];
    for (byte owner : owners) {
      counts[owner]++;
    }
    return counts;
  }

  /** Whether the table was balanced for these arms and weights. */
  boolean fits(List<String> otherArms, double[] otherWeights) {
    return arms.equals(otherArms) && Arrays.equals(weights, otherWeights);
  }

  /**
   * The bucket of a unit: the first 8 bytes of SHA-256({@code salt} NUL {@code unit}), unsigned,
   * modulo {@value #BUCKETS}. Stable across JVMs and releases (it is persisted behaviour).
   */
  static int bucket(String salt, String unit) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
    digest.update(salt.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) 0);
    byte[] hash = digest.digest(unit.getBytes(StandardCharsets.UTF_8));
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (hash[i] & 0xff);
    }
    return (int) Long.remainderUnsigned(value, BUCKETS);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof BucketTable table
        && arms.equals(table.arms)
        && Arrays.equals(weights, table.weights)
        && Arrays.equals(owners, table.owners);
  }

  @Override
  public int hashCode() {
    return arms.hashCode() * 31 + Arrays.hashCode(owners);
  }

  @Override
  public String toString() {
    return "BucketTable" + arms + Arrays.toString(counts());
  }
}
