package io.mlsys.server;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.core.MlsysException;
import io.mlsys.core.Span;
import io.mlsys.core.TraceContext;
import io.mlsys.tracing.Tracing;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What every request goes through, around its endpoint: the request id, errors turned into JSON
 * answers with their status ({@link HttpError}), the answer written once with Content-Length, the
 * metrics and the access-log line.
 */
final class RequestPipeline {
  // Server faults repeat once per request while a model or an upstream is failing: a few per
  // window are logged with their trace, the rest counted.
  private static final RateLimitedLogger LOG =
      RateLimitedLogger.of(RequestPipeline.class.getName());
  static final HeaderName REQUEST_ID = HeaderNames.create(MlsysServer.REQUEST_ID_HEADER);
  private static final HeaderName TRACEPARENT = HeaderNames.create(TraceContext.TRACEPARENT);
  private static final HeaderName TRACESTATE = HeaderNames.create(TraceContext.TRACESTATE);
  private static final int MAX_REQUEST_ID_LENGTH = 128;
  private static final Header CONNECTION_CLOSE = HeaderValues.CONNECTION_CLOSE;

  private final ServedModels served;
  private final Clock clock;
  private final LongSupplier ticker;
  private final Supplier<String> requestIds;
  private final long maxRequestBytes;
  private final ServerMetrics metrics;
  private final AccessLog accessLog;
  private final ConnectionGuard guard;
  private final Tracing tracing;

  RequestPipeline(
      ServedModels served,
      Clock clock,
      LongSupplier ticker,
      Supplier<String> requestIds,
      long maxRequestBytes,
      ServerMetrics metrics,
      AccessLog accessLog,
      ConnectionGuard guard,
      Tracing tracing) {
    this.served = served;
    this.clock = clock;
    this.ticker = ticker;
    this.requestIds = requestIds;
    this.maxRequestBytes = maxRequestBytes;
    this.metrics = metrics;
    this.accessLog = accessLog;
    this.guard = guard;
    this.tracing = tracing;
  }

  /**
   * @param pathTemplate the route's path with its parameters ({@code /v2/models/{model}/infer}),
   *     which names the request's span; null for the catch-all route
   */
  Handler handler(Protocol protocol, String pathTemplate, Route route) {
    String template = pathTemplate == null ? null : " " + pathTemplate;
    return (request, response) -> handle(request, response, protocol, template, route);
  }

  private void handle(
      ServerRequest request,
      ServerResponse response,
      Protocol protocol,
      String template,
      Route route) {
    long start = ticker.getAsLong();
    metrics.requestStarted();
    Span span = null;
    try {
      Instant time = clock.instant();
      String method = request.prologue().method().text();
      span =
          tracing.startRequest(
              template == null ? method : method + template,
              request.headers().first(TRACEPARENT).orElse(null),
              request.headers().first(TRACESTATE).orElse(null));
      Exchange exchange =
          new Exchange(request, requestId(request), time, maxRequestBytes, guard, span);
      Reply reply = run(exchange, route);
      if (span.isRecording()) {
        describe(span, exchange, reply);
      }
      // Recorded once the answer is ready, before it is written: a client that sees the answer
      // also sees it counted.
      long nanos = ticker.getAsLong() - start;
      if (protocol.isInference()) {
        recordInference(exchange, protocol, reply, nanos);
      }
      if (accessLog.isEnabled()) {
        accessLog.log(
            new AccessLog.Entry(
                time,
                exchange.requestId(),
                exchange.method(),
                exchange.path(),
                reply.status(),
                nanos,
                exchange.pathParameter("model"),
                exchange.version() != null ? exchange.version() : exchange.pathParameter("version"),
                exchange.bytesIn(),
                bytesOut(reply),
                null,
                span.traceId()));
      }
      boolean forced = mustClose(exchange, reply);
      boolean close = forced || request.headers().containsToken(CONNECTION_CLOSE);
      send(response, exchange, reply, close);
      if (close) {
        if (!forced) {
          // Answered from the head alone (a refusal under overload): the body the client is
          // still sending is read and dropped first, or closing would reset the connection.
          exchange.discardUnreadBody();
        }
        // Helidon would otherwise read (and drop) the rest of the body to reuse the connection,
        // and keeps the connection open after a client's "Connection: close".
        throw new CloseConnectionException("the connection closes after this answer");
      }
    } finally {
      if (span != null) {
        span.end();
      }
      metrics.requestFinished();
    }
  }

  /** The request span's attributes, as OpenTelemetry's HTTP server conventions name them. */
  private static void describe(Span span, Exchange exchange, Reply reply) {
    span.setAttribute("http.request.method", exchange.method());
    span.setAttribute("url.path", exchange.path());
    span.setAttribute("http.response.status_code", reply.status());
    span.setAttribute("mlsys.request_id", exchange.requestId());
    if (exchange.model() != null) {
      span.setAttribute("mlsys.model", exchange.model());
    }
    if (exchange.version() != null) {
      span.setAttribute("mlsys.model.version", exchange.version());
    }
    String outcome = reply.error() != null ? reply.error().kind() : "ok";
    span.setAttribute("mlsys.outcome", outcome);
    if (reply.status() >= 500) {
      span.fail(outcome, "HTTP " + reply.status());
    }
  }

  private Reply run(Exchange exchange, Route route) {
    try {
      exchange.checkNoMatrixParameters();
      return route.handle(exchange);
    } catch (CloseConnectionException e) {
      // The client went away mid-request: nobody to answer, nothing to log.
      throw e;
    } catch (MlsysException e) {
      HttpError error = HttpError.of(e);
      if (error.status() >= 500 && error.status() != 503 && error.status() != 504) {
        LOG.log(Level.WARNING, "request " + exchange.requestId() + ": " + e.getMessage(), e);
      }
      return Reply.error(error, e.getMessage());
    } catch (RuntimeException e) {
      DependencyUnavailableException store = StoreUnavailable.of(e);
      if (store != null) {
        // Like every 503, not logged per request: the store's users log its outage.
        return Reply.error(HttpError.of(store), store.getMessage());
      }
      LOG.log(Level.ERROR, "request " + exchange.requestId() + " failed", e);
      return Reply.error(
          HttpError.INTERNAL,
          "internal server error (see the server log for request id " + exchange.requestId() + ")");
    }
  }

  /**
   * Whether to close the connection after answering instead of reading the rest of the body so the
   * connection can be reused: when the body is larger than the limit or its framing is broken.
   */
  private boolean mustClose(Exchange exchange, Reply reply) {
    return reply.status() == 413
        || exchange.framingBroken()
        || (!exchange.bodyRead() && exchange.declaredLength() > maxRequestBytes);
  }

  private static void send(
      ServerResponse response, Exchange exchange, Reply reply, boolean closeConnection) {
    response.status(Status.create(reply.status()));
    response.header(REQUEST_ID, exchange.requestId());
    if (closeConnection) {
      response.header(HeaderValues.CONNECTION_CLOSE);
    }
    if (reply.contentType() != null) {
      response.header(reply.contentType());
    }
    List<Header> headers = reply.headers();
    for (int i = 0; i < headers.size(); i++) {
      response.header(headers.get(i));
    }
    if (reply.file() != null) {
      sendFile(response, exchange, reply.file());
    } else if (reply.body().length == 0) {
      response.send();
    } else if (exchange.isHead()) {
      // HEAD answers GET's headers, Content-Length included, without the body.
      response.header(HeaderNames.CONTENT_LENGTH, Integer.toString(reply.body().length));
      response.send();
    } else {
      response.send(reply.body());
    }
  }

  private static long bytesOut(Reply reply) {
    if (reply.file() == null) {
      return reply.body().length;
    }
    try {
      return Files.size(reply.file());
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * Streams a file with its Content-Length (HEAD: the length only). A file that cannot be read once
   * the status is sent breaks the connection, so the client sees a short answer.
   */
  private static void sendFile(ServerResponse response, Exchange exchange, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      response.header(HeaderNames.CONTENT_LENGTH, Long.toString(Files.size(file)));
      if (exchange.isHead()) {
        response.send();
        return;
      }
      try (OutputStream out = response.outputStream()) {
        in.transferTo(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot send " + file, e);
    }
  }

  private void recordInference(Exchange exchange, Protocol protocol, Reply reply, long nanos) {
    String model = exchange.model();
    String version = exchange.version();
    if (model == null) {
      model = ServerMetrics.UNKNOWN;
      version = ServerMetrics.UNKNOWN;
    } else if (version == null) {
      // The request named no version and failed before one answered: count it against the
      // version that serves by default.
      version = defaultVersion(model);
    }
    metrics.recordInference(model, version, protocol, reply.status(), reply.error(), nanos);
  }

  private String defaultVersion(String model) {
    try {
      List<String> versions = served.versions(model);
      return versions.isEmpty() ? ServerMetrics.UNKNOWN : versions.getFirst();
    } catch (MlsysException e) {
      return ServerMetrics.UNKNOWN;
    }
  }

  private String requestId(ServerRequest request) {
    Optional<String> given = request.headers().first(REQUEST_ID);
    if (given.isPresent() && isValidRequestId(given.get())) {
      return given.get();
    }
    return requestIds.get();
  }

  /** Printable ASCII without spaces, at most 128 characters: safe to echo and to log. */
  static boolean isValidRequestId(String id) {
    if (id.isEmpty() || id.length() > MAX_REQUEST_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }
}
