package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.queue.CallbacksConfig;
import io.mlsys.queue.JobsConfig;
import io.mlsys.repository.ModelRepositoryConfig;
import io.mlsys.server.config.MlsysConfig;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Prefer: respond-async} on the real iris model: 202 with a job, run by the server's own
 * workers, its result the synchronous answer; bad input refused at once; idempotency keys; cancel
 * and listing.
 */
class AsyncJobsServingTest {
  @TempDir Path dir;

  @RegisterExtension
  final MlsysServerExtension server = new MlsysServerExtension(this::startServer);

  private MlsysServer startServer() {
    // The iris repository of IrisComponentTest, with the store in this test's folder.
    IrisComponentTest.layoutIris(dir);
    MlsysConfig config =
        MlsysConfig.defaults()
            .withServer(MlsysServerExtension.config())
            .withModelRepository(ModelRepositoryConfig.of(dir.resolve("models")))
            .withDataDir(dir.resolve("data"))
            .withJobs(
                JobsConfig.defaults()
                    .withCallbacks(
                        CallbacksConfig.defaults()
                            .withAllowedHosts(List.of("hooks.example.com"), false)));
    return MlsysServer.fromConfig(config);
  }

  private HttpResponse<String> submit(String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri("/v2/models/iris/infer"))
            .header("Content-Type", "application/json")
            .header("Prefer", "respond-async")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return server.send(request.build());
  }

  private JsonNode awaitFinal(String location) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = server.get(location);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode job = Stubs.json(response.body());
      String state = job.get("state").asText();
      if (!state.equals("queued") && !state.equals("running")) {
        return job;
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    throw new AssertionError("job " + location + " did not finish");
  }

  @Test
  void anAsyncInferIsAcceptedAndItsResultIsTheSynchronousAnswer() throws Exception {
    String body = IrisComponentTest.inferBody("r1", IrisComponentTest.ROWS);
    HttpResponse<String> accepted = submit(body);

    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    assertThat(accepted.headers().firstValue("Preference-Applied")).hasValue("respond-async");
    String location = accepted.headers().firstValue("Location").orElseThrow();
    JsonNode job = Stubs.json(accepted.body());
    assertThat(location).isEqualTo("/v2/jobs/" + job.get("id").asText());
    assertThat(job.get("state").asText()).isEqualTo("queued");
    assertThat(job.get("model").asText()).isEqualTo("iris");

    JsonNode done = awaitFinal(location);
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
    assertThat(done.get("attempts").asInt()).isEqualTo(1);
    assertThat(done.get("started").isTextual()).isTrue();
    assertThat(done.get("finished").isTextual()).isTrue();
    JsonNode sync = Stubs.json(server.postJson("/v2/models/iris/infer", body).body());
    assertThat(done.get("result")).isEqualTo(sync);

    // Cancelling changes state: refused cross-site (no JSON content type), like management calls.
    HttpResponse<String> bare =
        server.send(HttpRequest.newBuilder(server.uri(location)).DELETE().build());
    assertThat(bare.statusCode()).as(bare.body()).isEqualTo(403);
    HttpResponse<String> cancelled =
        server.send(
            HttpRequest.newBuilder(server.uri(location))
                .header("Content-Type", "application/json")
                .DELETE()
                .build());
    assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(409);
    JsonNode listed = Stubs.json(server.get("/v2/jobs?state=succeeded").body());
    assertThat(listed.get("jobs").get(0).get("id").asText()).isEqualTo(job.get("id").asText());
    assertThat(listed.get("jobs").get(0).has("result")).isFalse();
  }

  @Test
  void badInputIsRefusedAtOnce() {
    HttpResponse<String> wrongName =
        submit(
            "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, 4],"
                + " \"data\": [1, 2, 3, 4]}]}");
    assertThat(wrongName.statusCode()).isEqualTo(400);
    assertThat(wrongName.body()).contains("inputs[0].name", "'x' is not an input");

    HttpResponse<String> wrongShape =
        submit(
            "{\"inputs\": [{\"name\": \"float_input\", \"datatype\": \"FP32\", \"shape\": [1, 3],"
                + " \"data\": [1, 2, 3]}]}");
    assertThat(wrongShape.statusCode()).isEqualTo(400);
    assertThat(wrongShape.body()).contains("inputs[0].shape");

    HttpResponse<String> malformed = submit("{\"inputs\": ");
    assertThat(malformed.statusCode()).isEqualTo(400);

    HttpResponse<String> unknown =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/models/nope/infer"))
                .header("Prefer", "respond-async")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(IrisComponentTest.inferBody("a")))
                .build());
    assertThat(unknown.statusCode()).isEqualTo(404);

    HttpResponse<String> callback =
        submit(
            IrisComponentTest.inferBody("c", IrisComponentTest.ROWS[0]),
            "X-Callback-Url",
            "http://169.254.169.254/latest/meta-data");
    assertThat(callback.statusCode()).isEqualTo(400);
    assertThat(callback.body()).contains("X-Callback-Url", "is not allowed");

    HttpResponse<String> binary =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/models/iris/infer"))
                .header("Prefer", "respond-async")
                .header("Content-Type", "application/octet-stream")
                .header("Inference-Header-Content-Length", "10")
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":[]}"))
                .build());
    assertThat(binary.statusCode()).isEqualTo(415);
    assertThat(Stubs.json(server.get("/v2/jobs").body()).get("jobs")).isEmpty();
  }

  @Test
  void anIdempotencyKeyReturnsTheSameJobAndRefusesAnotherBody() {
    String body = IrisComponentTest.inferBody("k", IrisComponentTest.ROWS[0]);
    HttpResponse<String> first = submit(body, "Idempotency-Key", "order-1");
    HttpResponse<String> again = submit(body, "Idempotency-Key", "order-1");
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.headers().firstValue("Location"))
        .isEqualTo(first.headers().firstValue("Location"));

    HttpResponse<String> other =
        submit(
            IrisComponentTest.inferBody("k", IrisComponentTest.ROWS[1]),
            "Idempotency-Key",
            "order-1");
    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(other.body()).contains("order-1", "different request");
  }

  @Test
  void unknownJobsAre404AndBadListingsAre400() {
    assertThat(server.get("/v2/jobs/no-such-job").statusCode()).isEqualTo(404);
    HttpResponse<String> badState = server.get("/v2/jobs?state=done");
    assertThat(badState.statusCode()).isEqualTo(400);
    assertThat(badState.body()).contains("state", "expected one of");
    assertThat(server.get("/v2/jobs?limit=0").statusCode()).isEqualTo(400);
  }
}
