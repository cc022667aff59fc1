package io.mlsys.cache;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import io.mlsys.core.spi.DecoratorOptions;
import io.mlsys.redis.RedisConnections;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;

/**
 * The options of the {@code cache} decorator ({@code decorators: [{cache: {ttl: 60s}}]}): how long
 * a model version's answers stay fresh, how many are kept in process, and whether a shared Redis
 * tier stands under the in-process one.
 *
 * @param ttl how long an answer is served after the model gave it, > 0
 * @param maxEntries the most answers kept in process, >= 1; null (absent) means {@value
 *     #DEFAULT_MAX_ENTRIES} unless {@code max-bytes} is given; the two are exclusive
 * @param maxBytes the most bytes of answers (their encoded size) kept in process, >= 1; null
 *     (absent) bounds by entries instead
 * @param maxStale how long past its ttl an answer is still kept for a fallback ({@link
 *     io.mlsys.core.spi.StaleAnswers}) to serve when the model cannot answer, >= 0; never served as
 *     a normal answer
 * @param negativeTtl how long a model's error for a request ({@code invalid_input} or a model
 *     execution failure) is answered again without running the model, >= 0; 0 never caches errors
 * @param keyParameters request parameters that change the answer, so they are part of the key;
 *     every other parameter ({@code timeout}, a trace flag) is ignored by the cache
 * @param redis the Redis tier under the in-process one, as {@code redis://host:port[/db]} (or
 *     {@code rediss://} for TLS); null for none
 * @param redisTimeout how long a call waits for Redis before it goes on without it, > 0
 * @param redisFailureThreshold consecutive Redis failures (errors or timeouts) that open its
 *     breaker, >= 1
 * @param redisOpenPeriod how long an open breaker keeps every call off Redis before one call probes
 *     it again, > 0
 */
public record PredictionCacheOptions(
    Duration ttl,
    Long maxEntries,
    Long maxBytes,
    Duration maxStale,
    Duration negativeTtl,
    List<String> keyParameters,
    String redis,
    Duration redisTimeout,
    int redisFailureThreshold,
    Duration redisOpenPeriod)
    implements DecoratorOptions {

  public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);
  public static final long DEFAULT_MAX_ENTRIES = 10_000;
  public static final Duration DEFAULT_MAX_STALE = Duration.ZERO;
  public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ZERO;
  public static final Duration DEFAULT_REDIS_TIMEOUT = Duration.ofMillis(50);
  public static final int DEFAULT_REDIS_FAILURE_THRESHOLD = 3;
  public static final Duration DEFAULT_REDIS_OPEN_PERIOD = Duration.ofSeconds(5);

  static final String EXPECTED_POSITIVE_DURATION = "a duration > 0, such as 60s";
  static final String EXPECTED_DURATION = "a duration >= 0, such as 5m";
  static final String EXPECTED_COUNT = "an integer >= 1";
  static final String EXPECTED_REDIS =
      "a URI such as redis://127.0.0.1:6379 or rediss://host:6380/0";

  /**
   * @throws ConfigException listing every invalid field
   */
  public PredictionCacheOptions {
    keyParameters = keyParameters == null ? List.of() : keyParameters;
    Violations violations = new Violations();
    violations.check(positive(ttl), "ttl", ttl, EXPECTED_POSITIVE_DURATION);
    violations.check(
        maxEntries == null || maxEntries >= 1, "max-entries", maxEntries, EXPECTED_COUNT);
    violations.check(maxBytes == null || maxBytes >= 1, "max-bytes", maxBytes, EXPECTED_COUNT);
    violations.check(
        maxEntries == null || maxBytes == null,
        "max-bytes",
        maxBytes,
        "absent when max-entries is given (one bound: entries or bytes)");
    violations.check(notNegative(maxStale), "max-stale", maxStale, EXPECTED_DURATION);
    violations.check(notNegative(negativeTtl), "negative-ttl", negativeTtl, EXPECTED_DURATION);
    violations.check(
        keyParameters.stream().allMatch(name -> name != null && !name.isBlank()),
        "key-parameters",
        keyParameters,
        "a list of non-empty parameter names");
    violations.check(redis == null || validRedis(redis), "redis", redacted(redis), EXPECTED_REDIS);
    violations.check(
        positive(redisTimeout), "redis-timeout", redisTimeout, EXPECTED_POSITIVE_DURATION);
    violations.check(
        redisFailureThreshold >= 1,
        "redis-failure-threshold",
        redisFailureThreshold,
        EXPECTED_COUNT);
    violations.check(
        positive(redisOpenPeriod),
        "redis-open-period",
        redisOpenPeriod,
        EXPECTED_POSITIVE_DURATION);
    violations.throwIfAny(null);
    keyParameters = List.copyOf(keyParameters);
  }

  private static boolean positive(Duration duration) {
    return duration != null && !duration.isNegative() && !duration.isZero();
  }

  private static boolean notNegative(Duration duration) {
    return duration != null && !duration.isNegative();
  }

  /** The URI without its password, for messages and logs. */
  static String redacted(String uri) {
    return RedisConnections.redacted(uri);
  }

  private static boolean validRedis(String uri) {
    try {
      URI parsed = new URI(uri);
      return ("redis".equals(parsed.getScheme()) || "rediss".equals(parsed.getScheme()))
          && parsed.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** Answers fresh for a minute, up to {@value #DEFAULT_MAX_ENTRIES} in process, no Redis. */
  @ConfigDefaults
  public static PredictionCacheOptions defaults() {
    return new PredictionCacheOptions(
        DEFAULT_TTL,
        null,
        null,
        DEFAULT_MAX_STALE,
        DEFAULT_NEGATIVE_TTL,
        List.of(),
        null,
        DEFAULT_REDIS_TIMEOUT,
        DEFAULT_REDIS_FAILURE_THRESHOLD,
        DEFAULT_REDIS_OPEN_PERIOD);
  }

  /** The in-process bound in entries, when the cache is bounded by entries. */
  long entryBound() {
    return maxEntries != null ? maxEntries : maxBytes == null ? DEFAULT_MAX_ENTRIES : -1;
  }

  /** How long an answer is kept at all: its ttl, then max-stale for fallbacks. */
  Duration retention() {
    return ttl.plus(maxStale);
  }

  public PredictionCacheOptions withTtl(Duration newTtl) {
    return new PredictionCacheOptions(
        newTtl,
        maxEntries,
        maxBytes,
        maxStale,
        negativeTtl,
        keyParameters,
        redis,
        redisTimeout,
        redisFailureThreshold,
        redisOpenPeriod);
  }

  public PredictionCacheOptions withMaxEntries(Long newMaxEntries) {
    return new PredictionCacheOptions(
        ttl,
        newMaxEntries,
        maxBytes,
        maxStale,
        negativeTtl,
        keyParameters,
        redis,
        redisTimeout,
        redisFailureThreshold,
        redisOpenPeriod);
  }

  public PredictionCacheOptions withMaxBytes(Long newMaxBytes) {
    return new PredictionCacheOptions(
        ttl,
        maxEntries,
        newMaxBytes,
        maxStale,
        negativeTtl,
        keyParameters,
        redis,
        redisTimeout,
        redisFailureThreshold,
        redisOpenPeriod);
  }

  public PredictionCacheOptions withMaxStale(Duration newMaxStale) {
    return new PredictionCacheOptions(
        ttl,
        maxEntries,
        maxBytes,
        newMaxStale,
        negativeTtl,
        keyParameters,
        redis,
        redisTimeout,
        redisFailureThreshold,
        redisOpenPeriod);
  }

  public PredictionCacheOptions withNegativeTtl(Duration newNegativeTtl) {
    return new PredictionCacheOptions(
        ttl,
        maxEntries,
        maxBytes,
        maxStale,
        newNegativeTtl,
        keyParameters,
        redis,
        redisTimeout,
        redisFailureThreshold,
        redisOpenPeriod);
  }

  public PredictionCacheOptions withKeyParameters(List<String> newKeyParameters) {
    return new PredictionCacheOptions(
        ttl,
        maxEntries,
        maxBytes,
        maxStale,
        negativeTtl,
        newKeyParameters,
        redis,
        redisTimeout,
        redisFailureThreshold,
        redisOpenPeriod);
  }

  public PredictionCacheOptions withRedis(String newRedis) {
    return new PredictionCacheOptions(
        ttl,
        maxEntries,
        maxBytes,
        maxStale,
        negativeTtl,
        keyParameters,
        newRedis,
        redisTimeout,
        redisFailureThreshold,
        redisOpenPeriod);
  }

  public PredictionCacheOptions withRedisBreaker(
      Duration newRedisTimeout, int newRedisFailureThreshold, Duration newRedisOpenPeriod) {
    return new PredictionCacheOptions(
        ttl,
        maxEntries,
        maxBytes,
        maxStale,
        negativeTtl,
        keyParameters,
        redis,
        newRedisTimeout,
        newRedisFailureThreshold,
        newRedisOpenPeriod);
  }
}
