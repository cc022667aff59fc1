package io.mlsys.monitoring;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

/**
 * Where alerts are POSTed as JSON ({@code monitoring.webhook:}), with retries.
 *
 * @param url an {@code http} or {@code https} URL; null means no webhook (alerts go to the log)
 * @param maxAttempts attempts per alert, >= 1; a 2xx answer ends them, a 4xx other than 408 and 429
 *     too (retrying would not help)
 * @param initialBackoff the wait after the first failed attempt, doubled after each next one
 * @param maxBackoff the longest wait between two attempts
 * @param timeout how long one attempt may take
 * @param queueCapacity alerts waiting to be sent; more are dropped and counted
 * @param repeatInterval an alert (fingerprint and status) delivered once is not sent again within
 *     this time: a flapping condition does not flood the receiver
 */
public record WebhookConfig(
    String url,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration timeout,
    int queueCapacity,
    Duration repeatInterval) {

  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_QUEUE_CAPACITY = 1000;
  public static final Duration DEFAULT_REPEAT_INTERVAL = Duration.ofHours(4);

  /**
   * @throws ConfigException listing every invalid field
   */
  public WebhookConfig {
    initialBackoff = Objects.requireNonNullElse(initialBackoff, DEFAULT_INITIAL_BACKOFF);
    maxBackoff = Objects.requireNonNullElse(maxBackoff, DEFAULT_MAX_BACKOFF);
    timeout = Objects.requireNonNullElse(timeout, DEFAULT_TIMEOUT);
    repeatInterval = Objects.requireNonNullElse(repeatInterval, DEFAULT_REPEAT_INTERVAL);
    Violations violations = new Violations();
    if (url != null) {
      violations.check(isHttpUrl(url), "url", url, "an http or https URL");
    }
    violations.check(maxAttempts >= 1, "max-attempts", maxAttempts, "an integer >= 1");
    violations.check(
        initialBackoff.isPositive(), "initial-backoff", initialBackoff, "a positive duration");
    violations.check(
        maxBackoff.compareTo(initialBackoff) >= 0,
        "max-backoff",
        maxBackoff,
        "a duration >= initial-backoff");
    violations.check(timeout.isPositive(), "timeout", timeout, "a positive duration");
    violations.check(queueCapacity >= 1, "queue-capacity", queueCapacity, "an integer >= 1");
    violations.check(
        repeatInterval.isPositive(), "repeat-interval", repeatInterval, "a positive duration");
    violations.throwIfAny(null);
  }

  private static boolean isHttpUrl(String url) {
    try {
      URI parsed = new URI(url);
      return ("http".equals(parsed.getScheme()) || "https".equals(parsed.getScheme()))
          && parsed.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** No URL; the other defaults for when one is given. */
  @ConfigDefaults
  public static WebhookConfig defaults() {
    return new WebhookConfig(
        null,
        DEFAULT_MAX_ATTEMPTS,
        DEFAULT_INITIAL_BACKOFF,
        DEFAULT_MAX_BACKOFF,
        DEFAULT_TIMEOUT,
        DEFAULT_QUEUE_CAPACITY,
        DEFAULT_REPEAT_INTERVAL);
  }

  public static WebhookConfig to(String url) {
    return defaults().withUrl(url);
  }

  public WebhookConfig withUrl(String newUrl) {
    return new WebhookConfig(
        newUrl, maxAttempts, initialBackoff, maxBackoff, timeout, queueCapacity, repeatInterval);
  }

  public WebhookConfig withBackoff(int newMaxAttempts, Duration newInitial, Duration newMax) {
    return new WebhookConfig(
        url, newMaxAttempts, newInitial, newMax, timeout, queueCapacity, repeatInterval);
  }
}
