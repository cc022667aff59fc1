package io.mlsys.server;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.mlsys.core.PermissionDeniedException;
import io.mlsys.server.config.CorsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may call a REST route, checked before its endpoint runs: cross-origin requests from an origin
 * that {@code server.cors} does not allow are refused (403), the caller is authenticated when the
 * route's {@link Access} is enforced (401, 403), and a state change needs a JSON content type, an
 * {@code X-Requested-With} header or an {@code Authorization} header (403), none of which a
 * cross-site form or a {@code no-cors} fetch can send. Also answers {@code OPTIONS} (CORS
 * preflight) and adds the CORS headers to the answers of allowed origins.
 */
final class HttpGuard {
  static final HeaderName ORIGIN = HeaderNames.create("Origin");
  static final HeaderName REQUESTED_WITH = HeaderNames.create("X-Requested-With");
  static final HeaderName REQUEST_METHOD = HeaderNames.create("Access-Control-Request-Method");
  static final HeaderName REQUEST_HEADERS = HeaderNames.create("Access-Control-Request-Headers");
  static final HeaderName ALLOW_ORIGIN = HeaderNames.create("Access-Control-Allow-Origin");
  static final HeaderName ALLOW_METHODS = HeaderNames.create("Access-Control-Allow-Methods");
  static final HeaderName ALLOW_HEADERS = HeaderNames.create("Access-Control-Allow-Headers");
  static final HeaderName EXPOSE_HEADERS = HeaderNames.create("Access-Control-Expose-Headers");
  static final HeaderName MAX_AGE = HeaderNames.create("Access-Control-Max-Age");
  static final HeaderName WWW_AUTHENTICATE = HeaderNames.create("WWW-Authenticate");

  private static final String EXPECTED_STATE_CHANGE =
      "Content-Type: application/json, or an X-Requested-With or Authorization header";

  private final Authenticator authenticator;
  private final CorsConfig cors;
  private final Set<String> allowedHeaders = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

  HttpGuard(Authenticator authenticator, CorsConfig cors) {
    this.authenticator = authenticator;
    this.cors = cors;
    allowedHeaders.addAll(cors.allowedHeaders());
  }

  /** The route with the checks of {@code access} in front. */
  Route protect(Access access, Route route) {
    return exchange -> {
      checkOrigin(exchange);
      Identity caller =
          authenticator.check(
              access,
              exchange.header(HeaderNames.AUTHORIZATION).orElse(null),
              exchange.remoteAddress(),
              exchange.isSecure());
      exchange.caller(caller);
      if (access.changesState()) {
        checkStateChange(exchange);
      }
      return route.handle(exchange);
    };
  }

  /** {@code OPTIONS} on a path whose methods are {@code allow}: a CORS preflight or the methods. */
  Route options(List<String> allow) {
    return exchange -> {
      Optional<String> origin = exchange.header(ORIGIN);
      Optional<String> method = exchange.header(REQUEST_METHOD);
      if (origin.isEmpty() || method.isEmpty()) {
        List<String> methods = new ArrayList<>(allow);
        methods.add("OPTIONS");
        return Reply.of(204, new byte[0], null)
            .withHeader(HeaderValues.create(HeaderNames.ALLOW, String.join(", ", methods)));
      }
      checkOrigin(exchange);
      String asked = method.get().strip();
      List<String> methods = new ArrayList<>();
      for (String candidate : allow) {
        if (cors.allowedMethods().contains(candidate)) {
          methods.add(candidate);
        }
      }
      if (!methods.contains(asked)) {
        throw new PermissionDeniedException(
            null,
            "access-control-request-method: '"
                + asked
                + "' (expected: one of "
                + methods
                + " for "
                + exchange.path()
                + ", see server.cors.allowed-methods)");
      }
      for (String header : exchange.header(REQUEST_HEADERS).orElse("").split(",")) {
        String name = header.strip();
        if (!name.isEmpty() && !allowedHeaders.contains(name)) {
          throw new PermissionDeniedException(
              null,
              "access-control-request-headers: '"
                  + name
                  + "' (expected: one of server.cors.allowed-headers "
                  + cors.allowedHeaders()
                  + ")");
        }
      }
      return Reply.of(204, new byte[0], null)
          .withHeader(HeaderValues.create(ALLOW_METHODS, String.join(", ", methods)))
          .withHeader(HeaderValues.create(ALLOW_HEADERS, String.join(", ", cors.allowedHeaders())))
          .withHeader(HeaderValues.create(MAX_AGE, Long.toString(cors.maxAge().toSeconds())));
    };
  }

  /**
   * Adds {@code Access-Control-Allow-Origin} (and the exposed headers) to every answer to an
   * allowed origin, errors included, so the page can read them; null when CORS is off.
   */
  Filter corsHeaders() {
    if (!cors.enabled()) {
      return null;
    }
    String exposed = String.join(", ", cors.exposedHeaders());
    return (chain, request, response) -> {
      response.header(HeaderNames.VARY, "Origin");
      Optional<String> origin = request.headers().first(ORIGIN);
      if (origin.isPresent() && isAllowed(origin.get())) {
        response.header(ALLOW_ORIGIN, origin.get());
        if (!exposed.isEmpty()) {
          response.header(EXPOSE_HEADERS, exposed);
        }
      }
      chain.proceed();
    };
  }

  private void checkOrigin(Exchange exchange) {
    Optional<String> origin = exchange.header(ORIGIN);
    if (origin.isPresent() && !isAllowed(origin.get())) {
      throw new PermissionDeniedException(
          null,
          "origin: '"
              + origin.get()
              + "' is not allowed (expected: no Origin header, or one of"
              + " server.cors.allowed-origins "
              + cors.allowedOrigins()
              + ")");
    }
  }

  private boolean isAllowed(String origin) {
    for (String allowed : cors.allowedOrigins()) {
      if (allowed.equals("*") || allowed.equalsIgnoreCase(origin)) {
        return true;
      }
    }
    return false;
  }

  private static void checkStateChange(Exchange exchange) {
    if (exchange.header(REQUESTED_WITH).isPresent()
        || exchange.header(HeaderNames.AUTHORIZATION).isPresent()) {
      return;
    }
    Optional<String> contentType = exchange.header(HeaderNames.CONTENT_TYPE);
    if (contentType.isPresent()) {
      String value = contentType.get();
      int semicolon = value.indexOf(';');
      String mediaType = (semicolon < 0 ? value : value.substring(0, semicolon)).strip();
      if (mediaType.toLowerCase(Locale.ROOT).equals("application/json")) {
        return;
      }
    }
    throw new PermissionDeniedException(
        null,
        exchange.method()
            + " "
            + exchange.path()
            + " changes state and has "
            + (contentType.isEmpty()
                ? "no Content-Type"
                : "Content-Type '" + contentType.get() + "'")
            + " (expected: "
            + EXPECTED_STATE_CHANGE
            + "; cross-site request protection)");
  }
}
