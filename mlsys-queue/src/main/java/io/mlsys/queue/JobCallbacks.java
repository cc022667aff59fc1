package io.mlsys.queue;

import io.mlsys.core.InvalidInputException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Posts a finished job's JSON to the URL its submission named: only to hosts {@code
 * jobs.callbacks.allowed-hosts} lists, never to an internal address unless allowed, never following
 * redirects; signed with HMAC-SHA256 and retried with doubling delays. A job is not a way to reach
 * what the server can reach.
 *
 * <p>The signature header is {@value #SIGNATURE_HEADER}{@code : t=<unix seconds>,v1=<hex>}, where
 * the hex is HMAC-SHA256 of {@code <t>.<body>} with the secret; a receiver checks it and refuses a
 * timestamp too old (a replay). {@value #JOB_HEADER} names the job, so that a receiver can drop a
 * repeated delivery.
 */
public final class JobCallbacks implements AutoCloseable {
  /** The signature header. */
  public static final String SIGNATURE_HEADER = "Mlsys-Signature";

  /** The job id header (a receiver's idempotency key). */
  public static final String JOB_HEADER = "Mlsys-Job-Id";

  /** Callbacks waiting or being sent at once; more are dropped (and logged). */
  public static final int MAX_PENDING = 10_000;

  private static final Logger LOG = Logger.getLogger(JobCallbacks.class.getName());

  /** Resolves a host name (injected so that tests need no DNS). */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final CallbacksConfig config;
  private final Clock clock;
  private final Resolver resolver;
  private final byte[] secret;
  private final HttpClient client;
  private final Semaphore pending = new Semaphore(MAX_PENDING);

  /**
   * @param environment where {@code secret-env} is read
   * @throws io.mlsys.config.ConfigException when {@code secret-env} names an unset variable
   */
  private volatile Consumer<String> done = id -> {};

  public JobCallbacks(
      CallbacksConfig config, Clock clock, Map<String, String> environment, Resolver resolver) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    if (config.secretEnv() == null) {
      this.secret = null;
    } else {
      String value = environment.get(config.secretEnv());
      if (value == null || value.isEmpty()) {
        throw new io.mlsys.config.ConfigException(
            "jobs.callbacks.secret-env",
            "the variable " + config.secretEnv() + " is not set (expected: the signing secret)");
      }
      this.secret = value.getBytes(StandardCharsets.UTF_8);
    }
    this.client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(config.timeout())
            .build();
  }

  /**
   * Checks a callback URL at submission.
   *
   * @return the URL, normalized
   * @throws InvalidInputException naming {@code field} when the URL is malformed, its host is not
   *     allowed or it resolves to an internal address
   */
  public String check(String url, String field) {
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(field, "'" + url + "' (expected: an http or https URL)");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || uri.getRawUserInfo() != null) {
      throw new InvalidInputException(
          field, "'" + url + "' (expected: an http or https URL without user info)");
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (!allowedHost(host, uri.getPort())) {
      throw new InvalidInputException(
          field,
          "host '"
              + host
              + "' is not allowed (expected: a host of jobs.callbacks.allowed-hosts "
              + config.allowedHosts()
              + ")");
    }
    checkAddresses(host, field);
    return uri.toString();
  }

  private boolean allowedHost(String host, int port) {
    for (String allowed : config.allowedHosts()) {
      String pattern = allowed.toLowerCase(Locale.ROOT);
      int colon = pattern.indexOf(':');
      if (colon >= 0) {
        if (port != Integer.parseInt(pattern.substring(colon + 1))) {
          continue;
        }
        pattern = pattern.substring(0, colon);
      }
      if (pattern.startsWith("*.")
          ? host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1
          : host.equals(pattern)) {
        return true;
      }
    }
    return false;
  }

  private void checkAddresses(String host, String field) {
    if (config.allowPrivateAddresses()) {
      return;
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      throw new InvalidInputException(field, "host '" + host + "' does not resolve");
    }
    for (InetAddress address : addresses) {
      if (isInternal(address)) {
        throw new InvalidInputException(
            field,
            "host '"
                + host
                + "' resolves to the internal address "
                + address.getHostAddress()
                + " (expected: a public address, or jobs.callbacks.allow-private-addresses)");
      }
    }
  }

  /** Loopback, private, link-local, carrier-grade NAT, unique-local, multicast or unspecified. */
  static boolean isInternal(InetAddress address) {
    if (address.isAnyLocalAddress()
        || address.isLoopbackAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isMulticastAddress()) {
      return true;
    }
    byte[] bytes = address.getAddress();
    if (address instanceof Inet6Address) {
      return (bytes[0] & 0xfe) == 0xfc; // fc00::/7
    }
    // 100.64.0.0/10 (carrier-grade NAT) and 0.0.0.0/8
    return ((bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64) || bytes[0] == 0;
  }

  /**
   * Sends the job's JSON to its callback URL, in the background, retried; none when it has none.
   */
  public void send(Job job) {
    if (job.callbackUrl() == null) {
      return;
    }
    if (!pending.tryAcquire()) {
      // Not lost: the sweeper sends it once the retry schedule has passed (resend()).
      LOG.warning(
          "job "
              + job.id()
              + ": callback deferred ("
              + MAX_PENDING
              + " callbacks already pending; the sweeper sends it later)");
      return;
    }
    byte[] body = JobJson.write(job);
    attempt(job, body, 1)
        .whenComplete(
            (ignored, error) -> {
              pending.release();
              done.accept(job.id());
            });
  }

  /**
   * Called with a job's id once its callback was delivered or given up, so that the sweeper does
   * not send it again; the store records it ({@link JobStore#callbackDone}).
   */
  public void onDone(Consumer<String> listener) {
    this.done = Objects.requireNonNull(listener, "listener");
  }

  /**
   * How long after a callback was taken in hand it is surely done, delivered or given up, if its
   * process lives: every attempt's timeout and every backoff, with a minute to spare. A callback
   * still not done after it was lost with its process.
   */
  public Duration retrySchedule() {
    Duration total = Duration.ofMinutes(1);
    for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
      total = total.plus(config.timeout());
      if (attempt < config.maxAttempts()) {
        total = total.plusMillis(backoffMillis(attempt));
      }
    }
    return total;
  }

  private CompletableFuture<Void> attempt(Job job, byte[] body, int attempt) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletableFuture<HttpResponse<Void>> sent;
    try {
      URI uri = URI.create(job.callbackUrl());
      // Again at send time: the name may resolve elsewhere now than at submission.
      checkAddresses(uri.getHost(), "callback");
      sent = client.sendAsync(request(job, uri, body), HttpResponse.BodyHandlers.discarding());
    } catch (RuntimeException e) {
      LOG.warning("job " + job.id() + ": callback refused: " + e.getMessage());
      done.complete(null);
      return done;
    }
    sent.whenComplete(
        (response, error) -> {
          boolean ok = error == null && response.statusCode() / 100 == 2;
          if (ok) {
            done.complete(null);
          } else if (attempt >= config.maxAttempts()) {
            LOG.log(
                Level.WARNING,
                "job "
                    + job.id()
                    + ": callback failed after "
                    + attempt
                    + " attempts: "
                    + (error != null ? error : "HTTP " + response.statusCode()));
            done.complete(null);
          } else {
            long delay = backoffMillis(attempt);
            CompletableFuture.runAsync(
                () ->
                    attempt(job, body, attempt + 1)
                        .whenComplete((ignored, failure) -> done.complete(null)),
                CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS));
          }
        });
    return done;
  }

  /** The wait after failed attempt {@code attempt}: the backoff, doubled after each failure. */
  private long backoffMillis(int attempt) {
    return config.backoff().toMillis() << Math.min(attempt - 1, 20);
  }

  private HttpRequest request(Job job, URI uri, byte[] body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri)
            .timeout(config.timeout())
            .header("Content-Type", "application/json")
            .header(JOB_HEADER, job.id())
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (secret != null) {
      builder.header(SIGNATURE_HEADER, signature(clock.instant().getEpochSecond(), body));
    }
    return builder.build();
  }

  /** {@code t=<seconds>,v1=<hex HMAC-SHA256 of "<seconds>.<body>">}. */
  String signature(long seconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update((seconds + ".").getBytes(StandardCharsets.US_ASCII));
      return "t=" + seconds + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
