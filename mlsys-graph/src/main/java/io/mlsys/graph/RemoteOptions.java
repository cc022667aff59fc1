package io.mlsys.graph;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigText;
import io.mlsys.config.Durations;
import io.mlsys.config.Violations;
import io.mlsys.graph.spi.NodeOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code remote}: a model on another OIP server, called over HTTP/JSON ({@code remote: {url, model,
 * ...}}). Inference is idempotent, so failed attempts (connection errors, 502/503/504) are retried
 * while the deadline allows; the remaining deadline travels with the call.
 *
 * @param url the server's base URL, e.g. {@code http://10.0.0.5:8080}
 * @param model the model name there
 * @param version null: its default version
 * @param connectTimeout time to open a connection; null: {@value #DEFAULT_CONNECT_TIMEOUT_MS} ms
 * @param maxAttempts attempts per call including the first, 1 to 10; null: {@value
 *     #DEFAULT_MAX_ATTEMPTS}
 * @param retryBackoff pause before a retry; null: {@value #DEFAULT_RETRY_BACKOFF_MS} ms
 */
public record RemoteOptions(
    String url,
    String model,
    @ConfigText String version,
    Duration connectTimeout,
    Integer maxAttempts,
    Duration retryBackoff)
    implements NodeOptions {
  public static final long DEFAULT_CONNECT_TIMEOUT_MS = 1000;
  public static final int DEFAULT_MAX_ATTEMPTS = 2;
  public static final long DEFAULT_RETRY_BACKOFF_MS = 10;
  public static final int MAX_ATTEMPTS_LIMIT = 10;

  static final String EXPECTED_URL =
      "an http or https URL of the server, such as http://10.0.0.5:8080";
  static final String EXPECTED_MAX_ATTEMPTS = "an integer from 1 to " + MAX_ATTEMPTS_LIMIT;

  /**
   * @throws ConfigException listing every invalid field
   */
  public RemoteOptions {
    connectTimeout =
        Objects.requireNonNullElse(connectTimeout, Duration.ofMillis(DEFAULT_CONNECT_TIMEOUT_MS));
    maxAttempts = Objects.requireNonNullElse(maxAttempts, DEFAULT_MAX_ATTEMPTS);
    retryBackoff =
        Objects.requireNonNullElse(retryBackoff, Duration.ofMillis(DEFAULT_RETRY_BACKOFF_MS));
    Violations violations = new Violations();
    if (violations.present("url", url, EXPECTED_URL)) {
      violations.check(isHttpUrl(url), "url", url, EXPECTED_URL);
    }
    if (violations.present("model", model, "the model's name on that server")) {
      violations.name("model", model);
    }
    violations.optionalName("version", version);
    violations.check(
        !connectTimeout.isNegative() && !connectTimeout.isZero(),
        "connect-timeout",
        connectTimeout,
        Durations.EXPECTED + ", > 0");
    violations.check(
        maxAttempts >= 1 && maxAttempts <= MAX_ATTEMPTS_LIMIT,
        "max-attempts",
        maxAttempts,
        EXPECTED_MAX_ATTEMPTS);
    violations.check(
        !retryBackoff.isNegative(), "retry-backoff", retryBackoff, Durations.EXPECTED + ", >= 0");
    violations.throwIfAny(null);
  }

  /** The model's default version there, with every default. */
  public static RemoteOptions of(String url, String model) {
    return new RemoteOptions(url, model, null, null, null, null);
  }

  private static boolean isHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https"))
          && uri.getHost() != null
          && uri.getRawQuery() == null
          && uri.getRawFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
