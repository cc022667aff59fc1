package io.mlsys.server;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an endpoint answers: status, body bytes (written once, with Content-Length) and headers.
 *
 * @param status HTTP status
 * @param body the entity; empty for none
 * @param contentType the Content-Type header, null when there is no body
 * @param headers extra headers
 * @param error what went wrong, null for a successful answer
 * @param file a file streamed as the entity instead of {@code body} (an artifact download, too
 *     large to hold in memory), or null
 */
record Reply(
    int status, byte[] body, Header contentType, List<Header> headers, HttpError error, Path file) {
  static final Header JSON =
      HeaderValues.createCached(HeaderNames.CONTENT_TYPE, "application/json");
  private static final byte[] NO_BODY = new byte[0];

  /** What a 401 asks for (RFC 6750). */
  static final Header BEARER_CHALLENGE =
      HeaderValues.createCached(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"mlsys\"");

  Reply {
    headers = List.copyOf(headers);
  }

  Reply(int status, byte[] body, Header contentType, List<Header> headers, HttpError error) {
    this(status, body, contentType, headers, error, null);
  }

  /** A 200 answer streaming {@code file} (read when the answer is written) with its length. */
  static Reply file(Path file, Header contentType) {
    return new Reply(200, NO_BODY, contentType, List.of(), null, file);
  }

  static Reply json(byte[] body) {
    return new Reply(200, body, JSON, List.of(), null);
  }

  static Reply noContent() {
    return new Reply(200, NO_BODY, null, List.of(), null);
  }

  static Reply of(int status, byte[] body, Header contentType) {
    return new Reply(status, body, contentType, List.of(), null);
  }

  /**
   * An error answer: {@code {"error": message}}, with Retry-After when the error has one and {@code
   * WWW-Authenticate: Bearer} on a 401.
   */
  static Reply error(HttpError error, String message) {
    List<Header> headers = new ArrayList<>(1);
    String retryAfter = error.retryAfterSeconds();
    if (retryAfter != null) {
      headers.add(HeaderValues.create(HeaderNames.RETRY_AFTER, retryAfter));
    }
    if (error.status() == 401) {
      headers.add(BEARER_CHALLENGE);
    }
    return new Reply(error.status(), JsonDocuments.error(message), JSON, headers, error);
  }

  Reply withHeader(Header header) {
    List<Header> more = new ArrayList<>(headers);
    more.add(header);
    return new Reply(status, body, contentType, more, error, file);
  }
}
