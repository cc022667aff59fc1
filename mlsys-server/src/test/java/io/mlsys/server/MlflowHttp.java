package io.mlsys.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Calls the MLflow REST API of a running server as MLflow's clients do: GET parameters in the query
 * string, other bodies as JSON; answers read as JSON.
 */
final class MlflowHttp {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private final IntSupplier port;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private String token;

  MlflowHttp(IntSupplier port) {
    this.port = port;
  }

  /** Sends {@code Authorization: Bearer token} from now on; null for none. */
  MlflowHttp withToken(String newToken) {
    this.token = newToken;
    return this;
  }

  record Answer(int status, JsonNode json, HttpResponse<byte[]> response) {
    String errorCode() {
      return json.path("error_code").asText();
    }

    String message() {
      return json.path("message").asText(json.path("error").asText());
    }

    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    byte[] bytes() {
      return response.body();
    }

    @Override
    public String toString() {
      return status + " " + new String(response.body(), StandardCharsets.UTF_8);
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port.getAsInt() + path);
  }

  /** GET with {@code name, value, name, value...} as the query string. */
  Answer get(String path, String... params) {
    return send(builder(path + query(params)).GET());
  }

  Answer post(String path, String json) {
    return send(
        builder(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Answer patch(String path, String json) {
    return send(
        builder(path)
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
  }

  Answer delete(String path, String json) {
    return send(
        builder(path)
            .header("Content-Type", "application/json")
            .method("DELETE", HttpRequest.BodyPublishers.ofString(json)));
  }

  /** PUT raw bytes as MLflow's Python client uploads an artifact, plus {@code headers}. */
  Answer put(String path, byte[] body, String... headers) {
    HttpRequest.Builder request = builder(path).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request);
  }

  Answer send(HttpRequest.Builder request) {
    try {
      HttpResponse<byte[]> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode json;
      String type = response.headers().firstValue("Content-Type").orElse("");
      json =
          type.startsWith("application/json") && response.body().length > 0
              ? MAPPER.readTree(response.body())
              : MAPPER.missingNode();
      return new Answer(response.statusCode(), json, response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpRequest.Builder builder(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  static String query(String... params) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < params.length; i += 2) {
      parts.add(
          URLEncoder.encode(params[i], StandardCharsets.UTF_8)
              + "="
              + URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
    }
    return parts.isEmpty() ? "" : "?" + String.join("&", parts);
  }

  /** A JSON text from a tree built in place. */
  static String json(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
