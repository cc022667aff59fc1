package io.mlsys.server;

import io.mlsys.server.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a real {@link MlsysServer} on an ephemeral port before each test and stops it after.
 * Register it on an instance field so each test gets its own server:
 *
 * <pre>{@code
 * @RegisterExtension
 * final MlsysServerExtension server =
 *     new MlsysServerExtension(builder -> builder.repository(repository));
 * }</pre>
 *
 * The builder it hands over already has {@link #config(long, Duration)}: port 0, loopback, no
 * access log.
 */
final class MlsysServerExtension implements BeforeEachCallback, AfterEachCallback {
  private final Supplier<MlsysServer> factory;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private MlsysServer server;

  /** A server from a builder that already has the test {@link #config()}. */
  MlsysServerExtension(UnaryOperator<MlsysServer.Builder> customizer) {
    this(() -> customizer.apply(MlsysServer.builder().config(config())).build());
  }

  /** A server the test makes itself (for example with {@link MlsysServer#fromConfig}). */
  MlsysServerExtension(Supplier<MlsysServer> factory) {
    this.factory = factory;
  }

  /**
   * A config for tests: ephemeral loopback port, no access log, short shutdown grace, no gRPC port
   * (tests that want gRPC set {@code withGrpcPort(0)}).
   */
  static ServerConfig config(long maxRequestBytes, Duration defaultTimeout) {
    return ServerConfig.defaults()
        .withHost("127.0.0.1")
        .withPort(0)
        .withMaxRequestBytes(maxRequestBytes)
        .withShutdownGrace(Duration.ofSeconds(10))
        .withDefaultTimeout(defaultTimeout)
        .withAccessLog(false)
        .withGrpcPort(null);
  }

  static ServerConfig config() {
    return config(ServerConfig.DEFAULT_MAX_REQUEST_BYTES, null);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    server = factory.get().start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (server != null) {
      server.close();
    }
    client.close();
  }

  MlsysServer server() {
    return server;
  }

  int port() {
    return server.port();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  HttpClient client() {
    return client;
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  HttpResponse<String> postJson(String path, String json) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
