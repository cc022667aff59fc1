package io.mlsys.experiments;

import io.mlsys.core.FailedPreconditionException;
import io.mlsys.store.Database;
import io.mlsys.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The experiments' tables (owner {@value Experiments#STORE_OWNER}); the store opened at first use.
 */
final class ExperimentStore implements AutoCloseable {
  private final Supplier<Store> opener;
  private Store store;
  private boolean closed;

  ExperimentStore(Supplier<Store> opener) {
    this.opener = opener;
  }

  private synchronized Store store() {
    if (closed) {
      throw new IllegalStateException("experiments: closed");
    }
    if (store == null) {
      store = opener.get();
    }
    return store;
  }

  /** An experiment's row. */
  record Row(
      String name,
      String kind,
      ExperimentState state,
      String winner,
      Instant created,
      Instant updated,
      String updatedBy) {}

  /** A pair as the report reads it. */
  record PairRow(
      String candidate,
      long timeMicros,
      String primaryValue,
      String candidateValue,
      long primaryLatencyMicros,
      long candidateLatencyMicros,
      String primaryError,
      String candidateError) {}

  private static final String ROW_COLUMNS =
      "name, kind, state, winner, created_us, updated_us, updated_by";

  Row find(String name) {
    return store()
        .read(
            connection -> {
              try (PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT " + ROW_COLUMNS + " FROM experiments WHERE name = ?")) {
                select.setString(1, name);
                try (ResultSet rows = select.executeQuery()) {
                  return rows.next() ? row(rows) : null;
                }
              }
            });
  }

  Map<String, Row> all() {
    return store()
        .read(
            connection -> {
              Map<String, Row> result = new LinkedHashMap<>();
              try (PreparedStatement select =
                      connection.prepareStatement(
                          "SELECT " + ROW_COLUMNS + " FROM experiments ORDER BY name");
                  ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                  Row row = row(rows);
                  result.put(row.name(), row);
                }
              }
              return result;
            });
  }

  private static Row row(ResultSet rows) throws SQLException {
    return new Row(
        rows.getString(1),
        rows.getString(2),
        ExperimentState.parse(rows.getString(3)),
        rows.getString(4),
        instant(rows.getLong(5)),
        instant(rows.getLong(6)),
        rows.getString(7));
  }

  private static Instant instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  static long micros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }

  /** Inserts the experiment's row when it is not there yet (a replica may race us to it). */
  private static void ensureRow(Connection connection, ExperimentSpec spec, Instant now)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO experiments (name, schema_version, kind, state, winner, created_us,"
                + " updated_us, updated_by) VALUES (?, ?, ?, ?, NULL, ?, ?, NULL)"
                + " ON CONFLICT (name) DO NOTHING")) {
      insert.setString(1, spec.name());
      insert.setInt(2, ExperimentRecord.SCHEMA_VERSION);
      insert.setString(3, spec.kind());
      insert.setString(4, ExperimentState.RUNNING.wire());
      insert.setLong(5, micros(now));
      insert.setLong(6, micros(now));
      insert.executeUpdate();
    }
  }

  /**
   * The split's table for {@code weights}: the stored one when it fits, else the stored one
   * rebalanced (or a new one), written back. Locks the row while it decides, so two replicas that
   * make the same change rebalance once.
   */
  BucketTable table(ExperimentSpec.Split spec, double[] weights, Instant now) {
    Store opened = store();
    boolean postgres = opened.database() == Database.POSTGRESQL;
    return opened.inTransaction(
        connection -> {
          ensureRow(connection, spec, now);
          BucketTable stored = null;
          int revision = 0;
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT arms, weights, owners, revision FROM experiment_buckets"
                      + " WHERE experiment = ?"
                      + (postgres ? " FOR UPDATE" : ""))) {
            select.setString(1, spec.name());
            try (ResultSet rows = select.executeQuery()) {
              if (rows.next()) {
                stored =
                    new BucketTable(
                        List.of(rows.getString(1).split(",")),
                        parseWeights(rows.getString(2)),
                        rows.getBytes(3));
                revision = rows.getInt(4);
              }
            }
          }
          if (stored != null && stored.fits(spec.arms(), weights)) {
            return stored;
          }
          BucketTable table =
              stored == null
                  ? BucketTable.initial(spec.arms(), weights)
                  : stored.rebalance(spec.arms(), weights);
          String sql =
              stored == null
                  ? "INSERT INTO experiment_buckets (arms, weights, owners, revision, updated_us,"
                      + " schema_version, experiment) VALUES (?, ?, ?, ?, ?, ?, ?)"
                  : "UPDATE experiment_buckets SET arms = ?, weights = ?, owners = ?, revision = ?,"
                      + " updated_us = ?, schema_version = ? WHERE experiment = ?";
          try (PreparedStatement write = connection.prepareStatement(sql)) {
            write.setString(1, String.join(",", table.arms()));
            write.setString(2, formatWeights(weights));
            write.setBytes(3, table.owners());
            write.setInt(4, revision + 1);
            write.setLong(5, micros(now));
            write.setInt(6, ExperimentRecord.SCHEMA_VERSION);
            write.setString(7, spec.name());
            write.executeUpdate();
          }
          try (PreparedStatement period =
              connection.prepareStatement(
                  "INSERT INTO experiment_periods (experiment, revision, schema_version, from_us,"
                      + " arms, weights, buckets) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            period.setString(1, spec.name());
            period.setInt(2, revision + 1);
            period.setInt(3, PERIOD_SCHEMA_VERSION);
            period.setLong(4, micros(now));
            period.setString(5, String.join(",", table.arms()));
            period.setString(6, formatWeights(weights));
            period.setString(
                7,
                String.join(
                    ",", Arrays.stream(table.counts()).mapToObj(Integer::toString).toList()));
            period.executeUpdate();
          }
          return table;
        });
  }

  /** The schema version of {@code experiment_periods} rows. */
  static final int PERIOD_SCHEMA_VERSION = 1;

  /**
   * One bucket table a split had, from {@code fromMicros} until the next period's start.
   *
   * @param revision the table's revision (1: the first table; history starts there)
   * @param buckets per arm (in {@code arms} order), the buckets it owned
   */
  record Period(int revision, long fromMicros, List<String> arms, int[] buckets) {}

  /**
   * The periods of a split, oldest first: one per bucket table it had. Empty for a split without a
   * table, and for one whose table was made before periods were recorded (store schema 3) and not
   * changed since.
   */
  List<Period> periods(String experiment) {
    return store()
        .read(
            connection -> {
              List<Period> result = new ArrayList<>();
              try (PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT revision, from_us, arms, buckets FROM experiment_periods"
                          + " WHERE experiment = ? ORDER BY revision")) {
                select.setString(1, experiment);
                try (ResultSet rows = select.executeQuery()) {
                  while (rows.next()) {
                    result.add(
                        new Period(
                            rows.getInt(1),
                            rows.getLong(2),
                            List.of(rows.getString(3).split(",")),
                            Arrays.stream(rows.getString(4).split(","))
                                .mapToInt(Integer::parseInt)
                                .toArray()));
                  }
                }
              }
              return result;
            });
  }

  /**
   * Per arm, the units whose first exposure (the earliest recorded) falls in each period: {@code
   * counts[p]} for the period starting at {@code starts[p]} (ascending) and ending at the next
   * start. A call without a unit is a unit of its own. A first exposure before {@code starts[0]}
   * counts in the first period when {@code beforeInFirst}, else in none.
   */
  Map<String, long[]> firstExposures(String experiment, long[] starts, boolean beforeInFirst) {
    // Period of a time: CASE WHEN t < s1 THEN 0 WHEN t < s2 THEN 1 ... ELSE n-1 END (the starts
    // are numbers of ours, written into the statement).
    StringBuilder period = new StringBuilder();
    if (!beforeInFirst) {
      period.append(" WHEN time_us < ").append(starts[0]).append(" THEN -1");
    }
    for (int p = 1; p < starts.length; p++) {
      period.append(" WHEN time_us < ").append(starts[p]).append(" THEN ").append(p - 1);
    }
    if (period.isEmpty()) {
      period.append(starts.length - 1);
    } else {
      period.insert(0, "CASE").append(" ELSE ").append(starts.length - 1).append(" END");
    }
    return store()
        .read(
            connection -> {
              Map<String, long[]> counts = new LinkedHashMap<>();
              try (PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT arm, period, COUNT(*) FROM ("
                          + " SELECT arm, "
                          + period
                          + " AS period FROM experiment_exposures WHERE id IN (SELECT MIN(id)"
                          + " FROM experiment_exposures WHERE experiment = ? AND unit IS NOT NULL"
                          + " GROUP BY unit)"
                          + " UNION ALL SELECT arm, "
                          + period
                          + " AS period FROM experiment_exposures WHERE experiment = ?"
                          + " AND unit IS NULL) firsts GROUP BY arm, period")) {
                select.setString(1, experiment);
                select.setString(2, experiment);
                try (ResultSet rows = select.executeQuery()) {
                  while (rows.next()) {
                    int index = rows.getInt(2);
                    if (index >= 0) {
                      counts
                              .computeIfAbsent(rows.getString(1), k -> new long[starts.length])[
                              index] +=
                          rows.getLong(3);
                    }
                  }
                }
              }
              return counts;
            });
  }

  /** The split's stored table; null when it has none yet. */
  BucketTable storedTable(String experiment) {
    return store()
        .read(
            connection -> {
              try (PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT arms, weights, owners FROM experiment_buckets WHERE experiment = ?")) {
                select.setString(1, experiment);
                try (ResultSet rows = select.executeQuery()) {
                  return rows.next()
                      ? new BucketTable(
                          List.of(rows.getString(1).split(",")),
                          parseWeights(rows.getString(2)),
                          rows.getBytes(3))
                      : null;
                }
              }
            });
  }

  private static String formatWeights(double[] weights) {
    StringBuilder text = new StringBuilder();
    for (double weight : weights) {
      text.append(text.isEmpty() ? "" : ",").append(weight);
    }
    return text.toString();
  }

  private static double[] parseWeights(String text) {
    return Arrays.stream(text.split(",")).mapToDouble(Double::parseDouble).toArray();
  }

  Row changeState(
      ExperimentSpec spec, ExperimentState state, String winner, String by, Instant now) {
    return store()
        .inTransaction(
            connection -> {
              ensureRow(connection, spec, now);
              String current;
              try (PreparedStatement select =
                  connection.prepareStatement("SELECT state FROM experiments WHERE name = ?")) {
                select.setString(1, spec.name());
                try (ResultSet rows = select.executeQuery()) {
                  rows.next();
                  current = rows.getString(1);
                }
              }
              if (ExperimentState.parse(current) == ExperimentState.CONCLUDED) {
                throw new FailedPreconditionException(
                    "experiment '" + spec.name() + "' is concluded (a concluded one is final)");
              }
              try (PreparedStatement update =
                  connection.prepareStatement(
                      "UPDATE experiments SET state = ?, winner = ?, updated_us = ?,"
                          + " updated_by = ? WHERE name = ?")) {
                update.setString(1, state.wire());
                update.setString(2, winner);
                update.setLong(3, micros(now));
                update.setString(4, by);
                update.setString(5, spec.name());
                update.executeUpdate();
              }
              try (PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT " + ROW_COLUMNS + " FROM experiments WHERE name = ?")) {
                select.setString(1, spec.name());
                try (ResultSet rows = select.executeQuery()) {
                  rows.next();
                  return row(rows);
                }
              }
            });
  }

  /** Writes a batch of exposures and pairs in one transaction. */
  void insert(List<ExperimentRecord> batch) {
    store()
        .inTransaction(
            connection -> {
              try (PreparedStatement exposures =
                      connection.prepareStatement(
                          "INSERT INTO experiment_exposures (schema_version, experiment, arm, unit,"
                              + " request_id, time_us, latency_us, error, value)"
                              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
                  PreparedStatement pairs =
                      connection.prepareStatement(
                          "INSERT INTO experiment_pairs (schema_version, experiment, candidate,"
                              + " request_id, time_us, primary_value, candidate_value,"
                              + " primary_latency_us, candidate_latency_us, primary_error,"
                              + " candidate_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                int exposureCount = 0;
                int pairCount = 0;
                for (ExperimentRecord record : batch) {
                  switch (record) {
                    case ExperimentRecord.Exposure exposure -> {
                      exposures.setInt(1, ExperimentRecord.SCHEMA_VERSION);
                      exposures.setString(2, exposure.experiment());
                      exposures.setString(3, exposure.arm());
                      setText(exposures, 4, exposure.unit());
                      setText(exposures, 5, exposure.requestId());
                      exposures.setLong(6, exposure.timeMicros());
                      exposures.setLong(7, exposure.latencyMicros());
                      setText(exposures, 8, exposure.error());
                      setText(exposures, 9, exposure.value());
                      exposures.addBatch();
                      exposureCount++;
                    }
                    case ExperimentRecord.Pair pair -> {
                      pairs.setInt(1, ExperimentRecord.SCHEMA_VERSION);
                      pairs.setString(2, pair.experiment());
                      pairs.setString(3, pair.candidate());
                      setText(pairs, 4, pair.requestId());
                      pairs.setLong(5, pair.timeMicros());
                      setText(pairs, 6, pair.primaryValue());
                      setText(pairs, 7, pair.candidateValue());
                      pairs.setLong(8, pair.primaryLatencyMicros());
                      pairs.setLong(9, pair.candidateLatencyMicros());
                      setText(pairs, 10, pair.primaryError());
                      setText(pairs, 11, pair.candidateError());
                      pairs.addBatch();
                      pairCount++;
                    }
                  }
                }
                if (exposureCount > 0) {
                  exposures.executeBatch();
                }
                if (pairCount > 0) {
                  pairs.executeBatch();
                }
              }
              return null;
            });
  }

  private static void setText(PreparedStatement statement, int index, String value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, value);
    }
  }

  /** Per arm: {@code [exposures, units]} (a call without a unit counts as a unit of its own). */
  Map<String, long[]> exposureCounts(String experiment) {
    return store()
        .read(
            connection -> {
              Map<String, long[]> counts = new LinkedHashMap<>();
              try (PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT arm, COUNT(*), COUNT(DISTINCT unit),"
                          + " SUM(CASE WHEN unit IS NULL THEN 1 ELSE 0 END)"
                          + " FROM experiment_exposures WHERE experiment = ? GROUP BY arm")) {
                select.setString(1, experiment);
                try (ResultSet rows = select.executeQuery()) {
                  while (rows.next()) {
                    counts.put(
                        rows.getString(1),
                        new long[] {rows.getLong(2), rows.getLong(3) + rows.getLong(4)});
                  }
                }
              }
              return counts;
            });
  }

  /**
   * An exposure as the online analysis reads it.
   *
   * @param latencyMicros -1 when not recorded (schema version 1)
   */
  record ExposureRow(
      String arm,
      String unit,
      String requestId,
      long timeMicros,
      long latencyMicros,
      String error,
      String value) {}

  /**
   * The latest {@code limit} exposures of a split in {@code [fromMicros, toMicros)}, oldest first.
   */
  List<ExposureRow> exposures(String experiment, long fromMicros, long toMicros, int limit) {
    return store()
        .read(
            connection -> {
              List<ExposureRow> result = new ArrayList<>();
              try (PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT arm, unit, request_id, time_us, latency_us, error, value"
                          + " FROM experiment_exposures WHERE experiment = ? AND time_us >= ?"
                          + " AND time_us < ? ORDER BY id DESC LIMIT ?")) {
                select.setString(1, experiment);
                select.setLong(2, fromMicros);
                select.setLong(3, toMicros);
                select.setInt(4, limit);
                try (ResultSet rows = select.executeQuery()) {
                  while (rows.next()) {
                    long latency = rows.getLong(5);
                    if (rows.wasNull()) {
                      latency = -1;
                    }
                    result.add(
                        new ExposureRow(
                            rows.getString(1),
                            rows.getString(2),
                            rows.getString(3),
                            rows.getLong(4),
                            latency,
                            rows.getString(6),
                            rows.getString(7)));
                  }
                }
              }
              return result.reversed();
            });
  }

  /** The latest {@code limit} pairs of an experiment, newest first. */
  List<PairRow> pairs(String experiment, int limit) {
    return store()
        .read(
            connection -> {
              List<PairRow> result = new ArrayList<>();
              try (PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT candidate, time_us, primary_value, candidate_value,"
                          + " primary_latency_us, candidate_latency_us, primary_error,"
                          + " candidate_error FROM experiment_pairs WHERE experiment = ?"
                          + " ORDER BY id DESC LIMIT ?")) {
                select.setString(1, experiment);
                select.setInt(2, limit);
                try (ResultSet rows = select.executeQuery()) {
                  while (rows.next()) {
                    result.add(
                        new PairRow(
                            rows.getString(1),
                            rows.getLong(2),
                            rows.getString(3),
                            rows.getString(4),
                            rows.getLong(5),
                            rows.getLong(6),
                            rows.getString(7),
                            rows.getString(8)));
                  }
                }
              }
              return result;
            });
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (store != null) {
      store.close();
    }
  }
}
