package io.mlsys.predictionlog;

import com.fasterxml.jackson.core.type.TypeReference;
import io.mlsys.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Events as rows of {@code prediction_events} in the store's {@code predictionlog} owner (SQLite
 * {@code <data-dir>/predictionlog.db} or the PostgreSQL schema {@code <schema>_predictionlog}): one
 * transaction per batch, {@code ON CONFLICT DO NOTHING} on the event id so a replayed batch adds
 * only what is missing. Tensors and headers are kept as their JSON text.
 */
final class StoreSink implements EventSink {
  static final String NAME = "store";

  private static final String INSERT =
      "INSERT INTO prediction_events (event_id, schema_version, request_id, time, time_us,"
          + " model_name, model_version, latency_us, status, error, caller, subject, headers,"
          + " inputs, outputs, trace_id, features, graph_path, arm) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
          + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (event_id) DO NOTHING";

  private static final String UPSERT_FEEDBACK =
      "INSERT INTO prediction_feedback (model_name, request_id, kind, value, time, time_us)"
          + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (model_name, request_id, kind) DO UPDATE SET"
          + " value = excluded.value, time = excluded.time, time_us = excluded.time_us";

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      com.fasterxml.jackson.databind.json.JsonMapper.builder().build();

  private final Supplier<Store> open;
  private final Duration maxAge;
  private final String subjectField;
  private final ReentrantLock lock = new ReentrantLock();
  private Store store;
  private boolean closed;

  /**
   * @param store the {@value PredictionLog#STORE_OWNER} owner's store; the sink closes it
   * @param maxAge how long events are kept
   * @param subjectField {@code caller}, {@code header:<name>}, or null
   */
  StoreSink(Store store, Duration maxAge, String subjectField) {
    this(() -> store, maxAge, subjectField);
    this.store = store;
  }

  /**
   * A sink that opens its store at the first write: a database that is down when the server starts
   * is a sink that fails (its events wait in the journal), not a server that cannot start.
   */
  StoreSink(Supplier<Store> open, Duration maxAge, String subjectField) {
    this.open = open;
    this.maxAge = maxAge;
    this.subjectField = subjectField;
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * The store, opened now if it is not yet.
   *
   * @throws io.mlsys.store.StoreException when it cannot be opened
   */
  Store store() {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("prediction log store sink: closed");
      }
      if (store == null) {
        store = open.get();
      }
      return store;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void write(List<PredictionEvent> batch) {
    store()
        .inTransaction(
            connection -> {
              try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                for (PredictionEvent event : batch) {
                  bind(insert, event);
                  insert.addBatch();
                }
                insert.executeBatch();
              }
              return null;
            });
  }

  private void bind(PreparedStatement insert, PredictionEvent event) throws SQLException {
    Instant time = event.instant();
    insert.setString(1, event.eventId());
    insert.setInt(2, event.schemaVersion());
    setNullable(insert, 3, event.requestId());
    insert.setString(4, event.time());
    insert.setLong(5, ChronoUnit.MICROS.between(Instant.EPOCH, time));
    insert.setString(6, event.modelName());
    setNullable(insert, 7, event.modelVersion());
    insert.setLong(8, event.latencyUs());
    insert.setString(9, event.status());
    setNullable(insert, 10, event.error());
    setNullable(insert, 11, event.caller());
    setNullable(insert, 12, subject(event));
    insert.setString(13, PredictionEvent.mapper().valueToTree(event.headers()).toString());
    // The tensors' JSON as the event holds it, without parsing it into a tree.
    setNullable(insert, 14, event.inputsJson());
    setNullable(insert, 15, event.outputsJson());
    setNullable(insert, 16, event.traceId());
    setNullable(insert, 17, event.featuresJson());
    setNullable(insert, 18, event.graphPath());
    setNullable(insert, 19, event.arm());
  }

  private String subject(PredictionEvent event) {
    if (subjectField == null) {
      return null;
    }
    if (subjectField.equals(StoreSinkConfig.CALLER)) {
      return event.caller();
    }
    return event
        .headers()
        .get(
            subjectField
                .substring(StoreSinkConfig.HEADER_PREFIX.length())
                .toLowerCase(java.util.Locale.ROOT));
  }

  private static void setNullable(PreparedStatement statement, int index, String value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, value);
    }
  }

  @Override
  public long writeFeedback(List<Feedback> feedback) {
    return store()
        .inTransaction(
            connection -> {
              try (PreparedStatement upsert = connection.prepareStatement(UPSERT_FEEDBACK)) {
                for (Feedback one : feedback) {
                  upsert.setString(1, one.modelName());
                  upsert.setString(2, one.requestId());
                  upsert.setString(3, one.kind().key());
                  upsert.setString(4, one.value().toString());
                  upsert.setString(5, one.time().toString());
                  upsert.setLong(6, ChronoUnit.MICROS.between(Instant.EPOCH, one.time()));
                  upsert.addBatch();
                }
                upsert.executeBatch();
              }
              return (long) feedback.size();
            });
  }

  @Override
  public List<Feedback> readFeedback(
      String modelName, Feedback.Kind kind, Instant from, int limit) {
    return store()
        .read(
            connection -> {
              List<Feedback> found = new java.util.ArrayList<>();
              try (PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT request_id, value, time_us FROM prediction_feedback"
                          + " WHERE model_name = ? AND kind = ? AND time_us >= ?"
                          + " ORDER BY time_us DESC LIMIT ?")) {
                select.setString(1, modelName);
                select.setString(2, kind.key());
                select.setLong(3, ChronoUnit.MICROS.between(Instant.EPOCH, from));
                select.setInt(4, limit);
                try (java.sql.ResultSet rows = select.executeQuery()) {
                  while (rows.next()) {
                    found.add(
                        new Feedback(
                            modelName,
                            rows.getString(1),
                            kind,
                            JSON.readTree(rows.getString(2)),
                            Instant.EPOCH.plus(rows.getLong(3), ChronoUnit.MICROS)));
                  }
                } catch (java.io.IOException e) {
                  throw new SQLException("prediction_feedback: a value is not JSON", e);
                }
              }
              return found;
            });
  }

  /** Deletes the events and feedback older than {@code max-age}. */
  @Override
  public void maintain(Instant now) {
    deleteOlderThan(now.minus(maxAge));
  }

  /** Deletes the events that started before {@code cutoff}; returns how many. */
  long deleteOlderThan(Instant cutoff) {
    long cutoffUs = ChronoUnit.MICROS.between(Instant.EPOCH, cutoff);
    return store()
        .inTransaction(
            connection -> {
              try (PreparedStatement delete =
                  connection.prepareStatement("DELETE FROM prediction_events WHERE time_us < ?")) {
                delete.setLong(1, cutoffUs);
                return (long) delete.executeUpdate();
              }
            });
  }

  @Override
  public long deleteSubject(String key, String value) {
    if (subjectField == null || !subjectField.equals(key)) {
      throw new IllegalArgumentException(
          "subject key: '"
              + key
              + "' (expected: "
              + (subjectField == null
                  ? "none; set prediction-log.store.subject-field"
                  : "'" + subjectField + "'")
              + ")");
    }
    return store()
        .inTransaction(
            connection -> {
              try (PreparedStatement delete =
                  connection.prepareStatement("DELETE FROM prediction_events WHERE subject = ?")) {
                delete.setString(1, value);
                return (long) delete.executeUpdate();
              }
            });
  }

  @Override
  public boolean readEvents(EventQuery query, Consumer<PredictionEvent> each) {
    read(store(), query, each);
    return true;
  }

  private static final String SELECT =
      "SELECT event_id, schema_version, request_id, time, model_name, model_version, latency_us,"
          + " status, error, caller, headers, inputs, outputs, trace_id, features, graph_path, arm"
          + " FROM prediction_events WHERE model_name = ? AND time_us >= ? AND time_us < ?";

  /** Rows fetched at a time: a report over a long range streams, it does not load the table. */
  private static final int FETCH_SIZE = 256;

  /**
   * Reads the events {@code query} selects from a prediction log store, oldest first (by start
   * time, then event id), in one read transaction; the tensors' JSON is handed on as stored, not
   * parsed.
   */
  static void read(Store store, EventQuery query, Consumer<PredictionEvent> each) {
    long fromUs =
        query.from() == null
            ? Long.MIN_VALUE
            : ChronoUnit.MICROS.between(Instant.EPOCH, query.from());
    long toUs =
        query.to() == null ? Long.MAX_VALUE : ChronoUnit.MICROS.between(Instant.EPOCH, query.to());
    String sql =
        SELECT
            + (query.version() == null ? "" : " AND model_version = ?")
            + " ORDER BY time_us, event_id";
    store.read(
        connection -> {
          try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setFetchSize(FETCH_SIZE);
            select.setString(1, query.model());
            select.setLong(2, fromUs);
            select.setLong(3, toUs);
            if (query.version() != null) {
              select.setString(4, query.version());
            }
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                each.accept(event(rows));
              }
            }
          }
          return null;
        });
  }

  private static PredictionEvent event(ResultSet rows) throws SQLException {
    Map<String, String> headers;
    try {
      headers =
          PredictionEvent.mapper()
              .readValue(rows.getString("headers"), new TypeReference<Map<String, String>>() {});
    } catch (IOException e) {
      throw new SQLException(
          "prediction_events " + rows.getString("event_id") + ": headers are not a JSON object", e);
    }
    return new PredictionEvent(
        rows.getInt("schema_version"),
        rows.getString("event_id"),
        rows.getString("request_id"),
        rows.getString("trace_id"),
        rows.getString("time"),
        rows.getString("model_name"),
        rows.getString("model_version"),
        rows.getLong("latency_us"),
        rows.getString("status"),
        rows.getString("error"),
        rows.getString("caller"),
        rows.getString("graph_path"),
        rows.getString("arm"),
        headers,
        json(rows.getString("inputs")),
        json(rows.getString("outputs")),
        json(rows.getString("features")));
  }

  private static JsonPart json(String text) {
    return text == null ? null : JsonPart.ofBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      if (store != null) {
        store.close();
      }
    } finally {
      lock.unlock();
    }
  }
}
