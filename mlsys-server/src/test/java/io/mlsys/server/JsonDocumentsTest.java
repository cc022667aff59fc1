package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.InvalidInputException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonDocumentsTest {

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void emptyIndexRequestListsEverything() {
    assertThat(JsonDocuments.readIndexRequest(new byte[0])).isFalse();
    assertThat(JsonDocuments.readIndexRequest(bytes("{}"))).isFalse();
  }

  @Test
  void readyTrueAsksForReadyModelsOnly() {
    assertThat(JsonDocuments.readIndexRequest(bytes("{\"ready\": true}"))).isTrue();
  }

  @Test
  void unknownFieldIsRejectedByName() {
    assertThatThrownBy(() -> JsonDocuments.readIndexRequest(bytes("{\"readyy\": true}")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("readyy: unknown field (expected: ready)");
  }

  @Test
  void nonBooleanReadyIsRejected() {
    assertThatThrownBy(() -> JsonDocuments.readIndexRequest(bytes("{\"ready\": 1}")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("ready: 1 (expected: true or false)");
  }

  @Test
  void malformedJsonIsRejected() {
    assertThatThrownBy(() -> JsonDocuments.readIndexRequest(bytes("{\"ready\": tru")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("body: malformed JSON");
  }

  @Test
  void errorDocumentCutsAHugeMessage() {
    String body = new String(JsonDocuments.error("x".repeat(10_000_000)), StandardCharsets.UTF_8);

    assertThat(body.length()).isLessThan(4_200);
    assertThat(Stubs.json(body).get("error").asText())
        .endsWith("... (cut at 4096 of 10,000,000 chars)");
  }

  @Test
  void errorDocumentEscapesTheMessage() {
    String json = new String(JsonDocuments.error("bad \"x\""), StandardCharsets.UTF_8);

    assertThat(Stubs.json(json).get("error").asText()).isEqualTo("bad \"x\"");
  }
}
