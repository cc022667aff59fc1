package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AccessLogTest {

  @Test
  void lineIsJsonWithEveryField() {
    String line =
        AccessLog.line(
            new AccessLog.Entry(
                Instant.parse("2026-01-01T00:00:00Z"),
                "req-1",
                "POST",
                "/v2/models/iris/infer",
                200,
                1_234_567,
                "iris",
                "1",
                80,
                300,
                null,
                "4bf92f3577b34da6a3ce929d0e0e4736"));

    JsonNode json = Stubs.json(line);
    assertThat(json.get("time").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(json.get("request_id").asText()).isEqualTo("req-1");
    assertThat(json.get("method").asText()).isEqualTo("POST");
    assertThat(json.get("path").asText()).isEqualTo("/v2/models/iris/infer");
    assertThat(json.get("status").asInt()).isEqualTo(200);
    assertThat(json.get("duration_us").asLong()).isEqualTo(1234);
    assertThat(json.get("model").asText()).isEqualTo("iris");
    assertThat(json.get("version").asText()).isEqualTo("1");
    assertThat(json.get("bytes_in").asLong()).isEqualTo(80);
    assertThat(json.get("bytes_out").asLong()).isEqualTo(300);
    assertThat(json.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @Test
  void grpcCallsAddTheirStatus() {
    String line =
        AccessLog.line(
            new AccessLog.Entry(
                Instant.EPOCH, "r", "POST", "/p/M", 200, 0, null, null, 0, 0, "NOT_FOUND", null));

    assertThat(Stubs.json(line).get("grpc_status").asText()).isEqualTo("NOT_FOUND");
  }

  @Test
  void absentModelIsJsonNull() {
    String line =
        AccessLog.line(
            new AccessLog.Entry(
                Instant.EPOCH, "r", "GET", "/v2", 200, 0, null, null, 0, 10, null, null));

    assertThat(Stubs.json(line).get("model").isNull()).isTrue();
  }

  @Test
  void quotesBackslashesAndControlCharactersAreEscaped() {
    String path = "/v3/\"x\"\\y\n\u0001";

    String line =
        AccessLog.line(
            new AccessLog.Entry(
                Instant.EPOCH, "r", "GET", path, 404, 0, null, null, 0, 0, null, null));

    assertThat(line).doesNotContain("\n");
    assertThat(Stubs.json(line).get("path").asText()).isEqualTo(path);
  }
}
