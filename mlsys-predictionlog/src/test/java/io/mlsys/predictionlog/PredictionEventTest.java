package io.mlsys.predictionlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PredictionEventTest {

  private static String fixture() throws IOException {
    return fixture("/fixtures/prediction-event-v1.jsonl");
  }

  private static String fixture(String name) throws IOException {
    try (InputStream in = PredictionEventTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  @Test
  void readsALineWrittenBySchemaVersion1() throws IOException {
    PredictionEvent event = PredictionEvent.fromJson(fixture());
    assertThat(event.schemaVersion()).isEqualTo(1);
    assertThat(event.eventId()).isEqualTo("3b241101-e2bb-4255-8caf-4136c566a962");
    assertThat(event.requestId()).isEqualTo("req-42");
    assertThat(event.instant()).isEqualTo(Instant.parse("2026-12-07T10:00:00.000123Z"));
    assertThat(event.latencyUs()).isEqualTo(812);
    assertThat(event.headers()).isEqualTo(Map.of("x-tenant", "acme"));
    assertThat(event.inputs().get(0).get("data").get(3).asDouble()).isEqualTo(0.2);
    assertThat(event.traceId()).isNull();
  }

  @Test
  void readsALineWrittenBySchemaVersion2WithItsTraceId() throws IOException {
    PredictionEvent event =
        PredictionEvent.fromJson(fixture("/fixtures/prediction-event-v2.jsonl"));
    assertThat(event.schemaVersion()).isEqualTo(2);
    assertThat(event.requestId()).isEqualTo("req-42");
    assertThat(event.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @Test
  void writesSnakeCaseKeysInSchemaOrderAndReadsItsOwnLines() throws IOException {
    PredictionEvent event =
        PredictionEvent.fromJson(fixture("/fixtures/prediction-event-v2.jsonl"));
    String line = event.toJson();
    JsonNode tree = PredictionEvent.mapper().readTree(line);
    List<String> keys = new ArrayList<>();
    tree.fieldNames().forEachRemaining(keys::add);
    assertThat(keys)
        .containsExactly(
            "schema_version",
            "event_id",
            "request_id",
            "trace_id",
            "time",
            "model_name",
            "model_version",
            "latency_us",
            "status",
            "error",
            "caller",
            "headers",
            "inputs",
            "outputs");
    assertThat(line).doesNotContain("\n");
    assertThat(PredictionEvent.fromJson(line)).isEqualTo(event);
    assertThat(tree)
        .isEqualTo(
            PredictionEvent.mapper().readTree(fixture("/fixtures/prediction-event-v2.jsonl")));
  }

  @Test
  void refusesALaterSchemaVersion() throws IOException {
    String later = fixture().replace("\"schema_version\":1", "\"schema_version\":3");
    assertThatThrownBy(() -> PredictionEvent.fromJson(later))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema_version 3 (expected: 1 to 2)");
  }

  @Test
  void errorKindsAreSnakeCaseNamesOfTheSealedHierarchy() {
    assertThat(EventFactory.status(null)).isEqualTo("ok");
    assertThat(EventFactory.status(new io.mlsys.core.DeadlineExceededException("model")))
        .isEqualTo("deadline_exceeded");
    assertThat(EventFactory.status(new IllegalStateException("boom"))).isEqualTo("internal");
  }
}
