package io.mlsys.queue;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where a finished job's JSON may be posted ({@code jobs.callbacks}). With no allowed host, a
 * submission that asks for a callback is refused: a job must not be a way to reach internal
 * addresses.
 *
 * @param allowedHosts host names a callback URL may name: exact ({@code hooks.example.com}) or a
 *     subdomain wildcard ({@code *.example.com}); none by default
 * @param allowPrivateAddresses whether an allowed host may resolve to a loopback, private,
 *     link-local or otherwise internal address (false: such a callback is refused at submission and
 *     not sent)
 * @param secretEnv the environment variable holding the HMAC-SHA256 key that signs each callback;
 *     null sends them unsigned
 * @param timeout how long one attempt may take
 * @param maxAttempts attempts per callback, >= 1; the delay doubles after each from {@code backoff}
 * @param backoff the delay before the second attempt
 */
public record CallbacksConfig(
    List<String> allowedHosts,
    boolean allowPrivateAddresses,
    String secretEnv,
    Duration timeout,
    int maxAttempts,
    Duration backoff) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);

  /**
   * @throws ConfigException listing every invalid field
   */
  public CallbacksConfig {
    allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
    timeout = Objects.requireNonNullElse(timeout, DEFAULT_TIMEOUT);
    backoff = Objects.requireNonNullElse(backoff, DEFAULT_BACKOFF);
    Violations violations = new Violations();
    for (int i = 0; i < allowedHosts.size(); i++) {
      String host = allowedHosts.get(i);
      violations.check(
          host != null && host.matches("(\\*\\.)?[A-Za-z0-9.-]+(:[0-9]+)?") && !host.isBlank(),
          "allowed-hosts[" + i + "]",
          host,
          "a host name such as hooks.example.com or *.example.com");
    }
    violations.check(
        secretEnv == null || secretEnv.matches("[A-Za-z_][A-Za-z0-9_]*"),
        "secret-env",
        secretEnv,
        "an environment variable name");
    violations.check(timeout.isPositive(), "timeout", timeout, "a positive duration");
    violations.check(maxAttempts >= 1, "max-attempts", maxAttempts, "an integer >= 1");
    violations.check(backoff.isPositive(), "backoff", backoff, "a positive duration");
    violations.throwIfAny(null);
  }

  /** No host allowed (callbacks refused), unsigned, 5 s per attempt, 5 attempts from 1 s. */
  @ConfigDefaults
  public static CallbacksConfig defaults() {
    return new CallbacksConfig(
        List.of(), false, null, DEFAULT_TIMEOUT, DEFAULT_MAX_ATTEMPTS, DEFAULT_BACKOFF);
  }

  public CallbacksConfig withAllowedHosts(List<String> hosts, boolean privateAddresses) {
    return new CallbacksConfig(hosts, privateAddresses, secretEnv, timeout, maxAttempts, backoff);
  }

  public CallbacksConfig withSecretEnv(String newSecretEnv) {
    return new CallbacksConfig(
        allowedHosts, allowPrivateAddresses, newSecretEnv, timeout, maxAttempts, backoff);
  }

  public CallbacksConfig withBackoff(Duration newBackoff) {
    return new CallbacksConfig(
        allowedHosts, allowPrivateAddresses, secretEnv, timeout, maxAttempts, newBackoff);
  }
}
