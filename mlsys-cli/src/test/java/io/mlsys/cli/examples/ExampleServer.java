package io.mlsys.cli.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlsys.server.MlsysServer;
import io.mlsys.server.config.MlsysConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * An example's config served in-process on a free port (no gRPC, no config watching, no access
 * log), with a small HTTP client for it.
 */
final class ExampleServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MlsysServer server;
  private final HttpClient client;
  private final String base;

  private ExampleServer(MlsysServer server) {
    this.server = server;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.base = "http://127.0.0.1:" + server.port();
  }

  /** Serves {@code examples/<example>/<file>}, loaded with {@link Examples#environment}. */
  static ExampleServer start(String example, String file, Map<String, String> environment) {
    return start(Examples.load(example, file, environment), false);
  }

  /** Serves a config on a free port, watching the config file when {@code watch}. */
  static ExampleServer start(MlsysConfig config, boolean watch) {
    MlsysConfig local =
        config.withServer(
            config
                .server()
                .withPort(0)
                .withGrpcPort(null)
                .withWatchConfig(watch)
                .withAccessLog(false));
    return new ExampleServer(MlsysServer.fromConfig(local).start());
  }

  /** {@code http://127.0.0.1:PORT}. */
  String url() {
    return base;
  }

  /** One answer: its status and JSON body. */
  record Reply(int status, JsonNode body) {}

  /**
   * Calls the server.
   *
   * @param headers name, value, name, value ...
   */
  Reply call(String method, String path, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), JSON.readTree(response.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** GET, expecting 200. */
  JsonNode get(String path) {
    return ok(call("GET", path, null));
  }

  /** POST /v2/models/{model}/infer, expecting 200. */
  JsonNode infer(String model, String body, String... headers) {
    return ok(call("POST", "/v2/models/" + model + "/infer", body, headers));
  }

  /** PUT /v2/models/{graph}/parameters with {@code {"parameters": ...}}, expecting 200. */
  JsonNode setParameters(String graph, String parameters, String... headers) {
    return ok(
        call(
            "PUT",
            "/v2/models/" + graph + "/parameters",
            "{\"parameters\":" + parameters + "}",
            headers));
  }

  /** The success count of a model's statistics. */
  long successCount(String model) {
    return get("/v2/models/" + model + "/stats").at("/model_stats/0/success_count").asLong();
  }

  private static JsonNode ok(Reply reply) {
    assertThat(reply.status()).as("status of %s", reply.body()).isEqualTo(200);
    return reply.body();
  }

  /** The named output of an infer answer. */
  static JsonNode output(JsonNode answer, String name) {
    for (JsonNode output : answer.get("outputs")) {
      if (output.get("name").asText().equals(name)) {
        return output;
      }
    }
    throw new AssertionError("no output '" + name + "' in " + answer);
  }

  /** The data of the named output, as text (strings) or numbers. */
  static JsonNode data(JsonNode answer, String name) {
    return output(answer, name).get("data");
  }

  /** A one-row FP32 [1, 4] request for {@code input}. */
  static String row(String input, double... values) {
    return rows(input, values);
  }

  /** An FP32 [N, 4] request for {@code input}, four values a row. */
  static String rows(String input, double... values) {
    StringBuilder data = new StringBuilder();
    for (double value : values) {
      data.append(data.isEmpty() ? "" : ",").append(value);
    }
    return "{\"inputs\":[{\"name\":\""
        + input
        + "\",\"shape\":["
        + values.length / 4
        + ",4],\"datatype\":\"FP32\",\"data\":["
        + data
        + "]}]}";
  }

  @Override
  public void close() {
    server.stop();
    client.close();
  }
}
