package io.mlsys.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny local HTTP server (the JDK's) that plays a script of answers, the last one repeating, and
 * records every request; or that never answers, to let a client time out.
 */
final class StubServer implements AutoCloseable {
  /** A valid OIP infer answer. */
  static final String INFER_ANSWER =
      "{\"model_name\": \"stub\", \"model_version\": \"3\", \"outputs\": [{\"name\": \"y\","
          + " \"datatype\": \"FP32\", \"shape\": [1], \"data\": [0.5]}]}";

  record Answer(int status, String body, Map<String, String> headers) {
    static Answer json(int status, String body) {
      return new Answer(status, body, Map.of("Content-Type", "application/json"));
    }

    static Answer ok() {
      return json(200, INFER_ANSWER);
    }

    static Answer error(int status, String message) {
      return json(status, "{\"error\": \"" + message + "\"}");
    }

    Answer withHeader(String name, String value) {
      Map<String, String> more = new LinkedHashMap<>(headers);
      more.put(name, value);
      return new Answer(status, body, more);
    }
  }

  /** A request as the stub saw it; header names lower-case. */
  record Recorded(String method, String path, Map<String, String> headers, String body) {
    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Answer> script;
  private final AtomicInteger next = new AtomicInteger();
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final CountDownLatch released = new CountDownLatch(1);

  private StubServer(List<Answer> script) {
    this.script = script;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Answers in this order; the last answer repeats. */
  static StubServer answering(Answer... answers) {
    return new StubServer(List.of(answers));
  }

  /** Records requests and never answers them (until closed). */
  static StubServer hanging() {
    return new StubServer(List.of());
  }

  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  List<Recorded> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange;
        InputStream in = exchange.getRequestBody()) {
      Map<String, String> headers = new HashMap<>();
      exchange
          .getRequestHeaders()
          .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.getFirst()));
      requests.add(
          new Recorded(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath(),
              headers,
              new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      if (script.isEmpty()) {
        released.await();
        return;
      }
      Answer answer = script.get(Math.min(next.getAndIncrement(), script.size() - 1));
      answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    executor.close();
  }
}
