package io.mlsys.client;

import io.mlsys.core.CallContext;
import io.mlsys.core.CapacityExceededException;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.MlsysException;
import io.mlsys.core.MlsysHeaders;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Span;
import io.mlsys.core.TraceContext;
import io.mlsys.core.UpstreamFailureException;
import io.mlsys.protocol.OipJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/** {@link OipClient} over the JDK's {@link HttpClient}: HTTP/1.1, JSON, blocking sends. */
final class HttpOipClient implements OipClient {
  /**
   * Longest timeout an mlsys server accepts in {@value MlsysHeaders#TIMEOUT} (one day); a later
   * deadline is sent as this rather than being rejected as bad input.
   */
  static final Duration MAX_TIMEOUT_HEADER = Duration.ofDays(1);

  private static final String JSON = "application/json";

  /** {@code Retry-After} in seconds; 18 digits always fit a long. */
  private static final Pattern DELAY_SECONDS = Pattern.compile("[0-9]{1,18}");

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final URI baseUrl;
  private final String base;
  private final OipClientOptions options;
  private final HttpClient http;
  private final OipJson oipJson = OipJson.create();
  private final RemoteJson remoteJson = new RemoteJson();
  private final AtomicBoolean closed = new AtomicBoolean();

  HttpOipClient(URI baseUrl, OipClientOptions options) {
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    this.options = Objects.requireNonNull(options, "options");
    this.base = validBase(baseUrl);
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(options.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public URI baseUrl() {
    return baseUrl;
  }

  @Override
  public InferResponse infer(
      String model, String version, InferRequest request, CallContext context) {
    Objects.requireNonNull(request, "request");
    String remote = modelUrl(model, version);
    byte[] body = oipJson.writeInferRequest(request);
    HttpResponse<byte[]> answer = send(remote, URI.create(remote + "/infer"), body, context);
    try {
      return oipJson.readInferResponse(answer.body());
    } catch (InvalidInputException e) {
      throw malformed(remote, e);
    }
  }

  @Override
  public ModelMetadata metadata(String model, String version, CallContext context) {
    String remote = modelUrl(model, version);
    HttpResponse<byte[]> answer = send(remote, URI.create(remote), null, context);
    try {
      return remoteJson.readMetadata(answer.body(), version);
    } catch (InvalidInputException e) {
      throw malformed(remote, e);
    }
  }

  @Override
  public boolean isServerLive(CallContext context) {
    return probe(base + "/v2/health/live", context);
  }

  @Override
  public boolean isServerReady(CallContext context) {
    return probe(base + "/v2/health/ready", context);
  }

  @Override
  public boolean isModelReady(String model, String version, CallContext context) {
    return probe(modelUrl(model, version) + "/ready", context);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      http.close();
    }
  }

  @Override
  public String toString() {
    return "OipClient[" + base + "]";
  }

  /**
   * Sends with retries and returns a 2xx answer; every other outcome is thrown as its {@link
   * MlsysException}.
   *
   * @param remote the model URL that error messages name
   * @param body the JSON to POST; null for a GET
   */
  private HttpResponse<byte[]> send(String remote, URI uri, byte[] body, CallContext context) {
    Objects.requireNonNull(context, "context");
    ensureOpen();
    for (int attempt = 1; ; attempt++) {
      Optional<Duration> remaining = timeLeft(remote, context);
      MlsysException failure;
      try {
        HttpResponse<byte[]> answer =
            http.send(
                request(uri, body, remaining, context), HttpResponse.BodyHandlers.ofByteArray());
        int status = answer.statusCode();
        if (status / 100 == 2) {
          return answer;
        }
        failure = statusFailure(remote, answer, attempt);
        if (!isRetryable(status)) {
          throw failure;
        }
      } catch (HttpConnectTimeoutException e) {
        failure = unreachable(remote, e, attempt);
      } catch (HttpTimeoutException e) {
        // The request timeout is the time left, so the deadline has passed: no time to retry.
        throw noAnswerInTime(remote);
      } catch (IOException e) {
        failure = unreachable(remote, e, attempt);
      } catch (InterruptedException e) {
        throw interrupted(remote, e);
      }
      if (!mayRetry(attempt, context)) {
        throw failure;
      }
      pause(remote);
    }
  }

  /** One GET whose answer is only its status: true on 2xx, false otherwise or unreachable. */
  private boolean probe(String url, CallContext context) {
    Objects.requireNonNull(context, "context");
    ensureOpen();
    Optional<Duration> remaining = timeLeft(url, context);
    try {
      HttpResponse<Void> answer =
          http.send(
              request(URI.create(url), null, remaining, context),
              HttpResponse.BodyHandlers.discarding());
      return answer.statusCode() / 100 == 2;
    } catch (HttpConnectTimeoutException e) {
      return false;
    } catch (HttpTimeoutException e) {
      throw noAnswerInTime(url);
    } catch (IOException e) {
      // A server that cannot be reached is neither live nor ready: that is the probe's answer.
      return false;
    } catch (InterruptedException e) {
      throw interrupted(url, e);
    }
  }

  private HttpRequest request(
      URI uri, byte[] body, Optional<Duration> remaining, CallContext context) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).header("Accept", JSON);
    if (body == null) {
      builder.GET();
    } else {
      builder.header("Content-Type", JSON).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }
    remaining.ifPresent(
        left ->
            builder.timeout(left).header(MlsysHeaders.TIMEOUT, Long.toString(timeoutMillis(left))));
    if (isHeaderSafe(context.traceId())) {
      builder.header(REQUEST_ID_HEADER, context.traceId());
    }
    // The W3C trace context: the remote server's spans join this call's trace, under its span.
    Span span = Span.of(context);
    if (span != null) {
      TraceContext trace = span.context();
      builder.header(TraceContext.TRACEPARENT, trace.traceparent());
      if (trace.traceState() != null) {
        builder.header(TraceContext.TRACESTATE, trace.traceState());
      }
    }
    return builder.build();
  }

  /** The time left before the deadline, if there is one; throws when none is left. */
  private static Optional<Duration> timeLeft(String remote, CallContext context) {
    Optional<Duration> remaining = context.remaining();
    if (remaining.isPresent() && remaining.get().isZero()) {
      throw new DeadlineExceededException("remote " + remote + " (before sending)");
    }
    return remaining;
  }

  /** The header value: whole milliseconds rounded up (so never 0), at most one day. */
  static long timeoutMillis(Duration left) {
    if (left.compareTo(MAX_TIMEOUT_HEADER) >= 0) {
      return MAX_TIMEOUT_HEADER.toMillis();
    }
    long millis = left.toMillis();
    if (left.compareTo(Duration.ofMillis(millis)) > 0) {
      millis++;
    }
    return Math.max(1, millis);
  }

  /**
   * Whether a trace id can travel as a header value: visible ASCII only. Other ids (which the JDK
   * would refuse) stay local; the remote then makes its own.
   */
  static boolean isHeaderSafe(String traceId) {
    if (traceId.isEmpty()) {
      return false;
    }
    for (int i = 0; i < traceId.length(); i++) {
      char c = traceId.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static boolean isRetryable(int status) {
    return status == 502 || status == 503 || status == 504;
  }

  private boolean mayRetry(int attempt, CallContext context) {
    if (attempt >= options.maxAttempts()) {
      return false;
    }
    // A pause that reaches the deadline would only trade this failure for a deadline error.
    return context.remaining().map(left -> left.compareTo(options.retryBackoff()) > 0).orElse(true);
  }

  private void pause(String remote) {
    try {
      options.sleeper().sleep(options.retryBackoff());
    } catch (InterruptedException e) {
      throw interrupted(remote, e);
    }
  }

  /** The exception for a non-2xx answer, carrying the remote's own message. */
  private MlsysException statusFailure(String remote, HttpResponse<byte[]> answer, int attempts) {
    int status = answer.statusCode();
    String message = remoteJson.errorMessage(answer.body());
    String what =
        "HTTP "
            + status
            + (attempts > 1 ? " after " + attempts + " attempts" : "")
            + (message.isEmpty() ? "" : ": " + message);
    return switch (status) {
      // The caller's input does not fit the remote model: bad input here too.
      case 400, 413, 422 ->
          new InvalidInputException("remote " + remote, message.isEmpty() ? what : message);
      case 429 -> new CapacityExceededException("remote " + remote, retryAfter(answer));
      case 504 -> new DeadlineExceededException("remote " + remote + " (" + what + ")");
      default -> new UpstreamFailureException(remote, what, null);
    };
  }

  /**
   * {@code Retry-After} as delay-seconds or an HTTP date; zero when absent or unreadable, since the
   * 429 itself is the signal and the caller decides how long to back off.
   */
  private Duration retryAfter(HttpResponse<?> answer) {
    Optional<String> header = answer.headers().firstValue("Retry-After");
    if (header.isEmpty()) {
      return Duration.ZERO;
    }
    String value = header.get().trim();
    if (DELAY_SECONDS.matcher(value).matches()) {
      return Duration.ofSeconds(Long.parseLong(value));
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(options.clock().instant(), at);
      return wait.isNegative() ? Duration.ZERO : wait;
    } catch (DateTimeParseException e) {
      return Duration.ZERO;
    }
  }

  private static UpstreamFailureException unreachable(String remote, IOException e, int attempts) {
    String reason = e.getMessage() == null ? "" : ": " + e.getMessage();
    return new UpstreamFailureException(
        remote,
        "no answer"
            + (attempts > 1 ? " after " + attempts + " attempts" : "")
            + " ("
            + e.getClass().getName()
            + reason
            + ")",
        e);
  }

  private static DeadlineExceededException noAnswerInTime(String remote) {
    return new DeadlineExceededException("remote " + remote + " (no answer before the deadline)");
  }

  private static UpstreamFailureException malformed(String remote, InvalidInputException e) {
    return new UpstreamFailureException(remote, "malformed answer: " + e.getMessage(), e);
  }

  private static UpstreamFailureException interrupted(String remote, InterruptedException e) {
    Thread.currentThread().interrupt();
    return new UpstreamFailureException(remote, "interrupted while waiting for it", e);
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("OipClient of " + base + " is closed");
    }
  }

  /** The URL of a model (or of one version of it), path segments percent-encoded. */
  private String modelUrl(String model, String version) {
    Objects.requireNonNull(model, "model");
    if (model.isEmpty()) {
      throw new IllegalArgumentException("model: '' (expected: a model name)");
    }
    String url = base + "/v2/models/" + pathSegment(model);
    if (version == null) {
      return url;
    }
    if (version.isEmpty()) {
      throw new IllegalArgumentException("version: '' (expected: a version, or null for any)");
    }
    return url + "/versions/" + pathSegment(version);
  }

  /** Percent-encodes everything but RFC 3986 unreserved characters. */
  static String pathSegment(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      int c = b & 0xFF;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    return out.toString();
  }

  /** {@code scheme://authority[/prefix]} without a trailing slash. */
  private static String validBase(URI url) {
    String scheme = url.getScheme();
    boolean http = "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
    if (!http
        || url.isOpaque()
        || url.getHost() == null
        || url.getRawQuery() != null
        || url.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "baseUrl: '"
              + url
              + "' (expected: an http or https URL such as http://host:8080, without query or"
              + " fragment)");
    }
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return scheme.toLowerCase(Locale.ROOT) + "://" + url.getRawAuthority() + path;
  }
}
