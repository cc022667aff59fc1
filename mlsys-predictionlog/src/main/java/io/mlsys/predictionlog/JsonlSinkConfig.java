package io.mlsys.predictionlog;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The JSONL files of the prediction log ({@code prediction-log.jsonl:}): one event per line, in
 * files named {@code predictions-<opened, UTC>-<n>.jsonl} under {@code dir}.
 *
 * @param dir the folder; null means no JSONL files
 * @param maxFileBytes a file is closed and a new one opened once it holds this many bytes, >=
 *     {@value #MIN_FILE_BYTES}
 * @param maxFileAge ... or at the first write after it is this old (> 0)
 * @param maxAge closed files older than this are deleted (> 0)
 * @param maxTotalBytes the oldest closed files are deleted while all files hold more than this, >=
 *     {@value #MIN_FILE_BYTES}
 */
public record JsonlSinkConfig(
    Path dir, long maxFileBytes, Duration maxFileAge, Duration maxAge, long maxTotalBytes) {

  public static final long DEFAULT_MAX_FILE_BYTES = 64L * 1024 * 1024;
  public static final Duration DEFAULT_MAX_FILE_AGE = Duration.ofHours(1);
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);
  public static final long DEFAULT_MAX_TOTAL_BYTES = 10L * 1024 * 1024 * 1024;
  public static final long MIN_FILE_BYTES = 1024;

  /**
   * @throws ConfigException listing every invalid field
   */
  public JsonlSinkConfig {
    maxFileAge = Objects.requireNonNullElse(maxFileAge, DEFAULT_MAX_FILE_AGE);
    maxAge = Objects.requireNonNullElse(maxAge, DEFAULT_MAX_AGE);
    Violations violations = new Violations();
    violations.check(
        maxFileBytes >= MIN_FILE_BYTES,
        "max-file-bytes",
        maxFileBytes,
        "an integer >= " + MIN_FILE_BYTES);
    violations.check(
        maxFileAge.isPositive(), "max-file-age", maxFileAge, "a positive duration such as 1h");
    violations.check(maxAge.isPositive(), "max-age", maxAge, "a positive duration such as 7d");
    violations.check(
        maxTotalBytes >= MIN_FILE_BYTES,
        "max-total-bytes",
        maxTotalBytes,
        "an integer >= " + MIN_FILE_BYTES);
    violations.throwIfAny(null);
  }

  /** No files (no {@code dir}); the other defaults for when one is given. */
  @ConfigDefaults
  public static JsonlSinkConfig defaults() {
    return new JsonlSinkConfig(
        null,
        DEFAULT_MAX_FILE_BYTES,
        DEFAULT_MAX_FILE_AGE,
        DEFAULT_MAX_AGE,
        DEFAULT_MAX_TOTAL_BYTES);
  }

  /** The defaults, writing under {@code dir}. */
  public static JsonlSinkConfig in(Path dir) {
    return defaults().withDir(dir);
  }

  public JsonlSinkConfig withDir(Path newDir) {
    return new JsonlSinkConfig(newDir, maxFileBytes, maxFileAge, maxAge, maxTotalBytes);
  }

  public JsonlSinkConfig withRotation(long newMaxFileBytes, Duration newMaxFileAge) {
    return new JsonlSinkConfig(dir, newMaxFileBytes, newMaxFileAge, maxAge, maxTotalBytes);
  }

  public JsonlSinkConfig withRetention(Duration newMaxAge, long newMaxTotalBytes) {
    return new JsonlSinkConfig(dir, maxFileBytes, maxFileAge, newMaxAge, newMaxTotalBytes);
  }
}
