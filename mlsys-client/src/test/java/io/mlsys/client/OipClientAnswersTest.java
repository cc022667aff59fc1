package io.mlsys.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.client.StubServer.Answer;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.Tensor;
import io.mlsys.core.UpstreamFailureException;
import io.mlsys.testing.ManualClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** URLs the client builds, and answers that are not what OIP promises. */
class OipClientAnswersTest {
  private static final InferRequest REQUEST =
      InferRequest.of(Tensor.ofFloats("x", new long[] {1}, 1f));

  private final CallContext context =
      CallContext.of(ManualClock.startingAt("2026-01-01T00:00:00Z"));
  private StubServer stub;
  private OipClient client;

  private OipClient stubClient(Answer... answers) {
    stub = StubServer.answering(answers);
    client =
        OipClient.create(
            stub.baseUrl(), OipClientOptions.defaults().withSleeper(new RecordingSleeper()));
    return client;
  }

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
    if (stub != null) {
      stub.close();
    }
  }

  @Test
  void inferPostsJsonToTheVersionedInferPathWithSegmentsEncoded() {
    stubClient(Answer.ok()).infer("my model/x", "2 b", REQUEST, context);

    StubServer.Recorded request = stub.requests().getFirst();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/v2/models/my%20model%2Fx/versions/2%20b/infer");
    assertThat(request.header("Content-Type")).contains("application/json");
    assertThat(request.body()).contains("\"inputs\"").contains("\"name\":\"x\"");
  }

  @Test
  void basePathPrefixIsKept() {
    stub = StubServer.answering(Answer.ok());
    client =
        OipClient.create(URI.create(stub.baseUrl() + "/serving/"), OipClientOptions.defaults());

    client.infer("m", null, REQUEST, context);

    assertThat(stub.requests().getFirst().path()).isEqualTo("/serving/v2/models/m/infer");
  }

  @Test
  void answerThatIsNotOipJsonIsAnUpstreamFailure() {
    OipClient client = stubClient(Answer.json(200, "{\"model_name\": \"m\", \"outputs\": 7}"));

    assertThatThrownBy(() -> client.infer("m", null, REQUEST, context))
        .isInstanceOf(UpstreamFailureException.class)
        .hasMessageContaining("malformed answer: outputs");
  }

  @Test
  void metadataThatIsNotJsonIsAnUpstreamFailure() {
    OipClient client = stubClient(Answer.json(200, "<html>hello</html>"));

    assertThatThrownBy(() -> client.metadata("m", null, context))
        .isInstanceOf(UpstreamFailureException.class)
        .hasMessageContaining("malformed answer: body: malformed JSON");
  }

  @Test
  void errorBodyThatIsNotJsonIsQuotedOnOneLine() {
    OipClient client = stubClient(new Answer(404, "<h1>Not\nFound</h1>", java.util.Map.of()));

    assertThatThrownBy(() -> client.infer("m", null, REQUEST, context))
        .isInstanceOf(UpstreamFailureException.class)
        .hasMessageEndingWith("HTTP 404: <h1>Not Found</h1>");
  }

  @Test
  void serverThatCannotBeReachedIsNotLive() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    client =
        OipClient.create(URI.create("http://127.0.0.1:" + closedPort), OipClientOptions.defaults());

    assertThat(client.isServerLive(context)).isFalse();
  }

  @Test
  void closedClientRefusesCalls() {
    OipClient client = stubClient(Answer.ok());
    client.close();

    assertThatThrownBy(() -> client.infer("m", null, REQUEST, context))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is closed");
    assertThat(stub.requests()).isEmpty();
  }

  @Test
  void baseUrlMustBeHttp() {
    assertThatThrownBy(
            () -> OipClient.create(URI.create("ftp://host:21"), OipClientOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("baseUrl: 'ftp://host:21' (expected: an http or https URL");
  }

  @Test
  void baseUrlIsKeptAsGiven() {
    URI url = URI.create("http://127.0.0.1:1/");
    client = OipClient.create(url, OipClientOptions.defaults());

    assertThat(client.baseUrl()).isEqualTo(url);
  }
}
