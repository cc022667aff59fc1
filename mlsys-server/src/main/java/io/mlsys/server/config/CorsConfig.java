package io.mlsys.server.config;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Durations;
import io.mlsys.config.Violations;
import io.mlsys.core.MlsysHeaders;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Cross-origin requests from browsers ({@code server.cors:} in mlsys.yaml): off by default, so a
 * request with an {@code Origin} header is refused unless its origin is listed here.
 *
 * @param allowedOrigins origins ({@code scheme://host[:port]}) whose pages may call the server, or
 *     {@code *} for any; empty (the default) allows none
 * @param allowedMethods methods a preflight may ask for; null means {@link #DEFAULT_METHODS}
 * @param allowedHeaders request headers a preflight may ask for (case-insensitive); null means
 *     {@link #DEFAULT_HEADERS}
 * @param exposedHeaders response headers a page may read beyond the safe ones; null means {@link
 *     #DEFAULT_EXPOSED_HEADERS}
 * @param maxAge how long a browser may cache a preflight answer; null means {@link
 *     #DEFAULT_MAX_AGE}
 */
public record CorsConfig(
    List<String> allowedOrigins,
    List<String> allowedMethods,
    List<String> allowedHeaders,
    List<String> exposedHeaders,
    Duration maxAge) {

  public static final List<String> DEFAULT_METHODS = List.of("GET", "HEAD", "POST", "PUT");
  public static final List<String> DEFAULT_HEADERS =
      List.of(
          "Content-Type",
          "Authorization",
          "X-Requested-With",
          "X-Request-Id",
          MlsysHeaders.TIMEOUT,
          "Inference-Header-Content-Length");
  public static final List<String> DEFAULT_EXPOSED_HEADERS =
      List.of("X-Request-Id", "Retry-After", "Inference-Header-Content-Length");
  public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);

  static final String EXPECTED_ORIGIN =
      "an origin such as https://app.example.com or http://localhost:3000 (scheme, host and"
          + " optional port, no path), or *";
  static final String EXPECTED_METHOD = "an HTTP method such as GET, POST or PUT";
  static final String EXPECTED_HEADER = "a header name such as Content-Type";
  static final String EXPECTED_MAX_AGE = Durations.EXPECTED + ", >= 0";

  /**
   * @throws ConfigException listing every invalid origin, method or header
   */
  public CorsConfig {
    allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
    allowedMethods = List.copyOf(Objects.requireNonNullElse(allowedMethods, DEFAULT_METHODS));
    allowedHeaders = List.copyOf(Objects.requireNonNullElse(allowedHeaders, DEFAULT_HEADERS));
    exposedHeaders =
        List.copyOf(Objects.requireNonNullElse(exposedHeaders, DEFAULT_EXPOSED_HEADERS));
    maxAge = Objects.requireNonNullElse(maxAge, DEFAULT_MAX_AGE);
    Violations violations = new Violations();
    for (int i = 0; i < allowedOrigins.size(); i++) {
      String origin = allowedOrigins.get(i);
      violations.check(isOrigin(origin), "allowed-origins[" + i + "]", origin, EXPECTED_ORIGIN);
    }
    for (int i = 0; i < allowedMethods.size(); i++) {
      String method = allowedMethods.get(i);
      violations.check(
          method.matches("[A-Z]+"), "allowed-methods[" + i + "]", method, EXPECTED_METHOD);
    }
    checkHeaders(violations, "allowed-headers", allowedHeaders);
    checkHeaders(violations, "exposed-headers", exposedHeaders);
    violations.check(!maxAge.isNegative(), "max-age", maxAge, EXPECTED_MAX_AGE);
    violations.throwIfAny(null);
  }

  /** Off: no origin allowed. */
  @ConfigDefaults
  public static CorsConfig defaults() {
    return new CorsConfig(List.of(), null, null, null, null);
  }

  /** Whether any origin is allowed (CORS on). */
  public boolean enabled() {
    return !allowedOrigins.isEmpty();
  }

  /** The same settings with these allowed origins. */
  public CorsConfig withAllowedOrigins(List<String> origins) {
    return new CorsConfig(origins, allowedMethods, allowedHeaders, exposedHeaders, maxAge);
  }

  private static void checkHeaders(Violations violations, String path, List<String> headers) {
    for (int i = 0; i < headers.size(); i++) {
      String header = headers.get(i);
      violations.check(
          header.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+"),
          path + "[" + i + "]",
          header,
          EXPECTED_HEADER);
    }
  }

  static boolean isOrigin(String origin) {
    if (origin.equals("*")) {
      return true;
    }
    try {
      URI uri = new URI(origin);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null
          && uri.getRawUserInfo() == null
          && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
          && uri.getRawQuery() == null
          && uri.getRawFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
