package io.mlsys.server;

import io.helidon.common.buffers.DataReader;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.PayloadTooLargeException;
import io.mlsys.core.Span;
import io.mlsys.core.UnsupportedMediaTypeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One request as the endpoints see it: path parameters, headers, the body (read once, lazily, with
 * the content-type and size checks), and what the endpoint learned for the metrics and the access
 * log (which model and version answered).
 */
final class Exchange {
  private static final byte[] EMPTY = new byte[0];
  private static final int CHUNK = 8192;

  /**
   * How much of an over-limit body is read and dropped so the client gets its 413 (see
   * refuseOversized).
   */
  static final long LINGER_BYTES = 4L << 20;

  /** Largest array the JVM reliably allocates. */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 16;

  private final ServerRequest request;
  private final String requestId;
  private final Instant startTime;
  private final long maxRequestBytes;
  private final ConnectionGuard guard;
  private final Span span;
  private byte[] body;
  private boolean framingBroken;
  private String model;
  private String version;
  private Identity caller;
  private long streamed;
  private boolean streamDone;

  Exchange(
      ServerRequest request,
      String requestId,
      Instant startTime,
      long maxRequestBytes,
      ConnectionGuard guard,
      Span span) {
    this.request = request;
    this.span = span;
    this.requestId = requestId;
    this.startTime = startTime;
    this.maxRequestBytes = Math.min(maxRequestBytes, MAX_ARRAY);
    this.guard = guard;
  }

  String requestId() {
    return requestId;
  }

  /** The request's span: its trace ids, and the parent of what the request runs. */
  Span span() {
    return span;
  }

  String method() {
    return request.prologue().method().text();
  }

  boolean isHead() {
    return request.prologue().method() == Method.HEAD;
  }

  /** The decoded request path. */
  String path() {
    return request.path().path();
  }

  Instant startTime() {
    return startTime;
  }

  /** A path parameter of the matched route, e.g. {@code model}; null when the route has none. */
  String pathParameter(String name) {
    return request.path().pathParameters().first(name).orElse(null);
  }

  Optional<String> header(HeaderName name) {
    return request.headers().first(name);
  }

  /** The first value of a query parameter (decoded), null when absent. */
  String query(String name) {
    return request.query().contains(name) ? request.query().get(name) : null;
  }

  /** Every value of a query parameter (decoded), in order; empty when absent. */
  List<String> queryAll(String name) {
    return request.query().contains(name) ? request.query().all(name) : List.of();
  }

  /** Every request header (several values joined by commas), for the call context. */
  Map<String, String> headers() {
    Map<String, String> headers = new HashMap<>(request.headers().size() * 2);
    for (Header header : request.headers()) {
      headers.put(header.name(), header.values());
    }
    return headers;
  }

  /** The caller's address. */
  SocketAddress remoteAddress() {
    return request.remotePeer().address();
  }

  /** Whether the request came over TLS. */
  boolean isSecure() {
    return request.isSecure();
  }

  /** Records who called (authenticated by {@link HttpGuard}); null for nobody known. */
  void caller(Identity identity) {
    this.caller = identity;
  }

  /** Who called, null when the route needed no token and none known was sent. */
  Identity caller() {
    return caller;
  }

  /** Records that the repository knows this model (and version), so metrics may name them. */
  void knownModel(String knownModel, String knownVersion) {
    this.model = knownModel;
    this.version = knownVersion;
  }

  /** Records which version answered when the request named none. */
  void answeredBy(String answeringVersion) {
    if (version == null) {
      version = answeringVersion;
    }
  }

  /** The known model, or null. */
  String model() {
    return model;
  }

  /** The known version, or null. */
  String version() {
    return version;
  }

  /** Body bytes read so far (0 until {@link #body()} or {@link #bodyStream} is called). */
  long bytesIn() {
    return body != null ? body.length : streamed;
  }

  boolean bodyRead() {
    return body != null || streamDone;
  }

  /**
   * Whether the request's framing is broken (a malformed chunked body), so the connection cannot
   * carry another request and must be closed after the answer.
   */
  boolean framingBroken() {
    return framingBroken;
  }

  /**
   * Refuses a path with matrix parameters ({@code /v2/models/m;x=1/infer}): Helidon routes on the
   * path without them, so they would silently act on model {@code m}.
   *
   * @throws InvalidInputException naming the path segment
   */
  void checkNoMatrixParameters() {
    String raw = request.path().rawPath();
    int semicolon = raw.indexOf(';');
    if (semicolon < 0) {
      return;
    }
    int start = raw.lastIndexOf('/', semicolon) + 1;
    int end = raw.indexOf('/', semicolon);
    String segment = raw.substring(start, end < 0 ? raw.length() : end);
    throw new InvalidInputException(
        "path",
        "segment '"
            + segment
            + "' has matrix parameters (expected: no ';' in the path; write it as %3B in a name)");
  }

  /** The Content-Length the client sent, -1 when it sent none (a chunked body or no body). */
  long declaredLength() {
    return request.headers().contentLength().orElse(-1);
  }

  /**
   * The request body, read on first call.
   *
   * @throws UnsupportedMediaTypeException when a Content-Type other than JSON is sent
   * @throws PayloadTooLargeException when the body is larger than {@code server.max-request-bytes},
   *     by its Content-Length or, for a chunked body, while reading
   */
  byte[] body() {
    if (body == null) {
      checkContentType(false);
      body = read();
    }
    return body;
  }

  /**
   * The body of an inference request, which may use Triton's binary tensor data extension: JSON, or
   * (with {@code Inference-Header-Content-Length}) a JSON header followed by raw tensor bytes, sent
   * as {@code application/octet-stream} or {@code application/json}.
   */
  byte[] inferenceBody() {
    if (body == null) {
      checkContentType(true);
      body = read();
    }
    return body;
  }

  /**
   * The raw request body as a stream, of any content type, for an endpoint that writes it elsewhere
   * (an artifact upload) instead of holding it in memory. Reading past {@code maxBytes} throws
   * {@link PayloadTooLargeException}; a client that goes away mid-body closes the connection. Read
   * it to the end.
   *
   * @param maxBytes the limit of this endpoint (may exceed {@code server.max-request-bytes})
   * @throws PayloadTooLargeException when the Content-Length is over the limit
   */
  InputStream bodyStream(long maxBytes) {
    OptionalLong contentLength = request.headers().contentLength();
    if (contentLength.isPresent() && contentLength.getAsLong() > maxBytes) {
      throw refuseOversized(contentLength.getAsLong(), maxBytes);
    }
    if (!request.content().hasEntity()) {
      streamDone = true;
      return InputStream.nullInputStream();
    }
    return new BoundedBody(request.content().inputStream(), maxBytes);
  }

  /** Counts what an endpoint streams, refuses more than the limit, and marks the end. */
  private final class BoundedBody extends InputStream {
    private final InputStream in;
    private final long maxBytes;

    BoundedBody(InputStream in, long maxBytes) {
      this.in = in;
      this.maxBytes = maxBytes;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      int n;
      try {
        n = in.read(buffer, offset, length);
      } catch (IOException
          | UncheckedIOException
          | DataReader.InsufficientDataAvailableException e) {
        throw new CloseConnectionException("the client closed the connection mid-body", e);
      } catch (RequestException e) {
        framingBroken = true;
        if (e.status().code() == Status.REQUEST_ENTITY_TOO_LARGE_413.code()) {
          throw new PayloadTooLargeException(maxBytes);
        }
        throw malformedBody(e);
      } catch (IllegalArgumentException e) {
        framingBroken = true;
        throw malformedBody(e);
      }
      if (n < 0) {
        if (!streamDone) {
          streamDone = true;
          guard.bodyRead();
        }
        return n;
      }
      streamed += n;
      if (streamed > maxBytes) {
        // The connection closes after the answer (413).
        throw refuseOversizedChunks(in, maxBytes);
      }
      return n;
    }
  }

  private void checkContentType(boolean binaryAllowed) {
    Optional<String> contentType = request.headers().first(HeaderNames.CONTENT_TYPE);
    if (contentType.isEmpty()) {
      return;
    }
    String value = contentType.get();
    int semicolon = value.indexOf(';');
    String mediaType = (semicolon < 0 ? value : value.substring(0, semicolon)).trim();
    String lower = mediaType.toLowerCase(Locale.ROOT);
    if (lower.equals("application/json")) {
      return;
    }
    if (!binaryAllowed) {
      throw new UnsupportedMediaTypeException(value, "application/json");
    }
    if (!lower.equals("application/octet-stream")) {
      throw new UnsupportedMediaTypeException(
          value, "application/json, or application/octet-stream with binary tensor data");
    }
  }

  /**
   * Reads the body. A malformed chunked body is the client's fault (400, and the connection is
   * closed); a client that goes away mid-body gets the connection closed quietly, since it cannot
   * read an answer.
   */
  private byte[] read() {
    OptionalLong contentLength = request.headers().contentLength();
    if (contentLength.isPresent() && contentLength.getAsLong() > maxRequestBytes) {
      throw refuseOversized(contentLength.getAsLong(), maxRequestBytes);
    }
    if (!request.content().hasEntity()) {
      return EMPTY;
    }
    byte[] read;
    // Not closed when reading fails: closing drains the rest of the entity, which for broken
    // framing (a chunk size that is not hex, or over the limit) waits for chunks that never come.
    // The connection is closed instead.
    InputStream in = request.content().inputStream();
    try {
      if (contentLength.isPresent()) {
        int length = (int) contentLength.getAsLong();
        read = in.readNBytes(length);
        if (read.length < length) {
          throw new CloseConnectionException("the client closed the connection mid-body");
        }
      } else {
        read = readChunked(in);
      }
      in.close();
    } catch (IOException | UncheckedIOException | DataReader.InsufficientDataAvailableException e) {
      throw new CloseConnectionException("the client closed the connection mid-body", e);
    } catch (RequestException e) {
      framingBroken = true;
      if (e.status().code() == Status.REQUEST_ENTITY_TOO_LARGE_413.code()) {
        throw new PayloadTooLargeException(maxRequestBytes);
      }
      throw malformedBody(e);
    } catch (IllegalArgumentException e) {
      // Helidon's chunk parser: a chunk size that is not hexadecimal (NumberFormatException).
      framingBroken = true;
      throw malformedBody(e);
    }
    guard.bodyRead();
    return read;
  }

  /**
   * The answer to a body whose Content-Length is over the limit. Closing a socket with unread bytes
   * in it makes the kernel reset the connection, and a client still sending then loses the 413 (a
   * JDK or Python client sending a few megabytes sees "connection reset" instead). So a body of at
   * most {@link #LINGER_BYTES} over the limit is read and dropped first, as nginx's lingering close
   * does; a larger one is not worth the bandwidth (Helidon refuses it before it reaches us).
   */
  private PayloadTooLargeException refuseOversized(long declaredLength, long limit) {
    if (declaredLength - limit <= LINGER_BYTES && request.content().hasEntity()) {
      try {
        drain(request.content().inputStream(), LINGER_BYTES + limit);
      } catch (IOException | RuntimeException e) {
        // The client went away or broke its framing: the connection closes after the 413 anyway.
        framingBroken = true;
      }
    }
    return new PayloadTooLargeException(limit);
  }

  /**
   * Reads and drops what is left of a chunked body found over the limit while reading it, up to
   * {@link #LINGER_BYTES} more, for the reason {@link #refuseOversized} gives.
   */
  private PayloadTooLargeException refuseOversizedChunks(InputStream in, long limit) {
    try {
      drain(in, LINGER_BYTES);
    } catch (IOException | RuntimeException e) {
      framingBroken = true;
    }
    return new PayloadTooLargeException(limit);
  }

  /**
   * Reads and drops the body the endpoint did not read (an answer given from the request's head,
   * such as a refusal under overload), at most {@code max-request-bytes}, so a connection that
   * closes after the answer (the client sent {@code Connection: close}) does not reset it under the
   * client while it still sends, for the reason {@link #refuseOversized} gives.
   */
  void discardUnreadBody() {
    if (bodyRead() || !request.content().hasEntity()) {
      return;
    }
    try {
      drain(request.content().inputStream(), maxRequestBytes);
    } catch (IOException | RuntimeException e) {
      framingBroken = true;
    }
  }

  private void drain(InputStream in, long budget) throws IOException {
    byte[] sink = new byte[CHUNK];
    long dropped = 0;
    int n;
    while (dropped <= budget && (n = in.read(sink)) >= 0) {
      dropped += n;
    }
    if (dropped <= budget) {
      streamDone = true;
      guard.bodyRead();
    }
  }

  private static InvalidInputException malformedBody(RuntimeException e) {
    String detail = e.getMessage() == null ? "" : ": " + e.getMessage();
    if (detail.length() > 100) {
      detail = detail.substring(0, 100) + "...";
    }
    return new InvalidInputException(
        "request body", "malformed chunked encoding" + detail + " (expected: RFC 9112 chunks)");
  }

  private byte[] readChunked(InputStream in) throws IOException {
    byte[] buffer = new byte[(int) Math.min(CHUNK, maxRequestBytes + 1)];
    int length = 0;
    while (true) {
      if (length == buffer.length) {
        if (length > maxRequestBytes) {
          throw refuseOversizedChunks(in, maxRequestBytes);
        }
        buffer = Arrays.copyOf(buffer, (int) Math.min(maxRequestBytes + 1, 2L * buffer.length));
      }
      int n = in.read(buffer, length, buffer.length - length);
      if (n < 0) {
        break;
      }
      length += n;
    }
    if (length > maxRequestBytes) {
      throw new PayloadTooLargeException(maxRequestBytes);
    }
    return Arrays.copyOf(buffer, length);
  }
}
