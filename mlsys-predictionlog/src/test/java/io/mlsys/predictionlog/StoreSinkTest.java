package io.mlsys.predictionlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.store.Database;
import io.mlsys.store.Store;
import io.mlsys.store.StoreConfig;
import io.mlsys.store.StoreException;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.PostgresDatabase;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The store sink on SQLite and on the machine's PostgreSQL. */
class StoreSinkTest {
  private static PostgresDatabase postgres;

  private final ManualClock clock = ManualClock.startingAt("2026-12-07T10:00:00Z");
  private final EventFactory factory = new EventFactory(new Random(5));

  @TempDir Path dataDir;

  @BeforeAll
  static void createDatabase() {
    postgres = PostgresDatabase.create("predictionlog");
  }

  @AfterAll
  static void dropDatabase() {
    postgres.close();
  }

  private StoreSink sink(Database database, String schema, String subjectField) {
    StoreConfig config =
        switch (database) {
          case SQLITE -> StoreConfig.defaults();
          case POSTGRESQL -> StoreConfig.postgresql(postgres.url(), postgres.user(), null);
        };
    return new StoreSink(
        Store.open(config.withSchema(schema), dataDir, PredictionLog.STORE_OWNER),
        Duration.ofDays(30),
        subjectField);
  }

  private PredictionEvent event(String requestId, String user, Instant start) {
    PredictionCall call = Calls.call(requestId, start);
    return factory.event(
        new PredictionCall(
            call.modelName(),
            call.modelVersion(),
            call.request(),
            call.response(),
            null,
            call.start(),
            call.end(),
            null,
            call.traceId(),
            user,
            null,
            null,
            Map.of("x-user-id", user),
            call.options(),
            false,
            null));
  }

  private static List<String> rows(StoreSink sink) {
    return sink.store()
        .read(
            connection -> {
              List<String> found = new ArrayList<>();
              try (PreparedStatement query =
                      connection.prepareStatement(
                          "SELECT request_id, latency_us, status, inputs FROM prediction_events"
                              + " ORDER BY time_us");
                  ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                  found.add(
                      rows.getString(1)
                          + " "
                          + rows.getLong(2)
                          + " "
                          + rows.getString(3)
                          + " "
                          + rows.getString(4));
                }
              }
              return found;
            });
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void insertsABatchAndDropsEventsItAlreadyHas(Database database) {
    try (StoreSink sink = sink(database, "dedup", null)) {
      PredictionEvent a = event("a", "alice", clock.instant());
      PredictionEvent b = event("b", "bob", clock.instant().plusMillis(1));
      PredictionEvent c = event("c", "carol", clock.instant().plusMillis(2));
      sink.write(List.of(a, b));
      // A replay after a partial write: a and b again, with c.
      sink.write(List.of(a, b, c));

      assertThat(rows(sink))
          .containsExactly(
              "a 250 ok [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[1.5,2.5]}]",
              "b 250 ok [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[1.5,2.5]}]",
              "c 250 ok [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[1.5,2.5]}]");
    }
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void readsOneModelsEventsOfATimeRangeBackOldestFirstAsTheyWereWritten(Database database) {
    Instant t0 = clock.instant();
    List<PredictionEvent> written = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      written.add(event("r" + i, "user" + i, t0.plusSeconds(i)));
    }
    PredictionCall other = Calls.call("other", t0.plusSeconds(2));
    PredictionEvent otherModel =
        factory.event(
            new PredictionCall(
                "other-model",
                "1",
                other.request(),
                other.response(),
                null,
                other.start(),
                other.end(),
                null,
                null,
                null,
                null,
                null,
                Map.of(),
                other.options(),
                false,
                null));
    try (StoreSink sink = sink(database, "read", null)) {
      // Out of order, and another model among them.
      sink.write(List.of(written.get(3), otherModel, written.get(1), written.get(4)));
      sink.write(List.of(written.get(0), written.get(2)));

      List<PredictionEvent> read = new ArrayList<>();
      assertThat(
              sink.readEvents(
                  new EventQuery("iris", "1", t0.plusSeconds(1), t0.plusSeconds(4)), read::add))
          .isTrue();
      assertThat(read).containsExactly(written.get(1), written.get(2), written.get(3));
      assertThat(read.getFirst().toJson()).isEqualTo(written.get(1).toJson());

      read.clear();
      sink.readEvents(new EventQuery("iris", null, null, null), read::add);
      assertThat(read).containsExactlyElementsOf(written);
      read.clear();
      sink.readEvents(new EventQuery("iris", "2", null, null), read::add);
      assertThat(read).isEmpty();
    }
  }

  private StoreConfig storeConfig(Database database, String schema) {
    StoreConfig config =
        switch (database) {
          case SQLITE -> StoreConfig.defaults();
          case POSTGRESQL -> StoreConfig.postgresql(postgres.url(), postgres.user(), null);
        };
    return config.withSchema(schema);
  }

  private static long count(StoreSink sink) {
    return sink.store()
        .read(
            connection -> {
              try (PreparedStatement query =
                      connection.prepareStatement(
                          "SELECT COUNT(*), COUNT(DISTINCT event_id) FROM prediction_events");
                  ResultSet rows = query.executeQuery()) {
                rows.next();
                assertThat(rows.getLong(2)).isEqualTo(rows.getLong(1));
                return rows.getLong(1);
              }
            });
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aDatabaseDownAtStartGetsItsEventsFromTheJournalWhenItIsUp(Database database)
      throws InterruptedException {
    AtomicBoolean up = new AtomicBoolean();
    StoreSink sink =
        new StoreSink(
            () -> {
              if (!up.get()) {
                throw new StoreException("store 'predictionlog': connection refused", null);
              }
              return Store.open(storeConfig(database, "down"), dataDir, PredictionLog.STORE_OWNER);
            },
            Duration.ofDays(30),
            null);
    try (PredictionLog log =
        PredictionLog.builder(dataDir.resolve("journal"))
            .clock(clock)
            .random(new Random(11))
            .batchSize(8)
            .sink(sink)
            .build()) {
      for (int i = 0; i < 50; i++) {
        log.record(Calls.call("r" + i, clock.instant().plusMillis(i)));
      }
      log.flush();
      up.set(true);
      log.flush();
      assertThat(count(sink)).isEqualTo(50);
      assertThat(rows(sink).getFirst()).startsWith("r0 ");
      assertThat(rows(sink).getLast()).startsWith("r49 ");
    }
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void batchesCommittedButReportedFailedAreReplayedWithoutDuplicates(Database database)
      throws InterruptedException {
    StoreSink store = sink(database, "lostack", null);
    // Commits, then fails the first three times: as a connection lost after the commit.
    AtomicInteger failuresLeft = new AtomicInteger(3);
    EventSink lostAcks =
        new EventSink() {
          @Override
          public String name() {
            return "store";
          }

          @Override
          public void write(List<PredictionEvent> batch) {
            store.write(batch);
            if (failuresLeft.getAndDecrement() > 0) {
              throw new StoreException("connection reset after commit", null);
            }
          }

          @Override
          public void close() {
            store.close();
          }
        };
    try (PredictionLog log =
        PredictionLog.builder(dataDir.resolve("journal"))
            .clock(clock)
            .random(new Random(12))
            .batchSize(8)
            .sink(lostAcks)
            .build()) {
      for (int i = 0; i < 100; i++) {
        log.record(Calls.call("r" + i, clock.instant().plusMillis(i)));
        if (i % 10 == 9) {
          log.flush();
        }
      }
      log.flush();
      assertThat(failuresLeft.get()).isNegative();
      assertThat(count(store)).isEqualTo(100);
    }
  }

  private static List<String> joined(StoreSink sink) {
    return sink.store()
        .read(
            connection -> {
              List<String> found = new ArrayList<>();
              try (PreparedStatement query =
                      connection.prepareStatement(
                          "SELECT e.request_id, f.kind, f.value FROM prediction_events e"
                              + " JOIN prediction_feedback f ON f.model_name = e.model_name"
                              + " AND f.request_id = e.request_id ORDER BY e.time_us, f.kind");
                  ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                  found.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3));
                }
              }
              return found;
            });
  }

  private Feedback feedback(String requestId, Feedback.Kind kind, String json) {
    try {
      return new Feedback(
          "iris", requestId, kind, PredictionEvent.mapper().readTree(json), clock.instant());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void feedbackJoinsTheEventsByRequestIdAndALaterOneReplacesIt(Database database)
      throws InterruptedException {
    StoreSink sink = sink(database, "feedback", "caller");
    try (PredictionLog log =
        PredictionLog.builder(dataDir.resolve("journal")).clock(clock).sink(sink).build()) {
      sink.write(
          List.of(
              event("a", "alice", clock.instant()),
              event("b", "bob", clock.instant().plusMillis(1))));

      assertThat(
              log.recordFeedback(
                  List.of(
                      feedback("a", Feedback.Kind.LABEL, "\"setosa\""),
                      feedback("b", Feedback.Kind.REWARD, "0.5"))))
          .isEqualTo(2);
      log.recordFeedback(List.of(feedback("a", Feedback.Kind.LABEL, "\"virginica\"")));

      assertThat(joined(sink)).containsExactly("a label \"virginica\"", "b reward 0.5");
      // What the experiments read back: one kind, by request id.
      assertThat(log.readFeedback("iris", Feedback.Kind.LABEL, clock.instant().minusSeconds(1), 10))
          .extracting(f -> f.requestId() + " " + f.value())
          .containsExactly("a \"virginica\"");
      assertThat(log.readFeedback("iris", Feedback.Kind.REWARD, clock.instant().plusSeconds(1), 10))
          .isEmpty();
      // Forgetting a subject forgets its feedback too.
      assertThat(log.deleteSubject("caller", "alice")).isEqualTo(1);
      assertThat(joined(sink)).containsExactly("b reward 0.5");
    }
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void deletesEventsPastTheirAge(Database database) {
    try (StoreSink sink = sink(database, "retention", null)) {
      Instant start = clock.instant();
      sink.write(
          List.of(
              event("old", "alice", start.minus(Duration.ofDays(31))),
              event("new", "alice", start.minus(Duration.ofDays(29)))));
      sink.maintain(start);
      assertThat(rows(sink)).hasSize(1).first().asString().startsWith("new ");
    }
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void deletesADataSubjectsEventsByTheConfiguredField(Database database) {
    try (StoreSink sink = sink(database, "subject", "header:X-User-Id")) {
      sink.write(
          List.of(
              event("a1", "alice", clock.instant()),
              event("b1", "bob", clock.instant().plusMillis(1)),
              event("a2", "alice", clock.instant().plusMillis(2))));

      assertThat(sink.deleteSubject("header:X-User-Id", "alice")).isEqualTo(2);
      assertThat(rows(sink)).hasSize(1).first().asString().startsWith("b1 ");
      assertThatThrownBy(() -> sink.deleteSubject("caller", "bob"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected: 'header:X-User-Id'");
    }
  }
}
