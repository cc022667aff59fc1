package io.mlsys.server.config;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigShorthand;
import io.mlsys.config.Violations;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * The access log ({@code server.access-log:} in mlsys.yaml): {@code true} or {@code false}, or a
 * mapping of these settings.
 *
 * @param enabled whether requests are logged at all
 * @param level the level of the lines on the {@code mlsys.access} logger; null means {@code INFO}
 * @param sampleRate the fraction of requests logged, 0 to 1 (every 1/rate-th request, counted, not
 *     drawn at random)
 * @param errors whether failed requests are always logged or sampled like the others; null means
 *     {@link Errors#ALWAYS}
 * @param file where the lines go, rotated by size; null for standard output
 * @param maxFileBytes the size at which the file is rotated, >= {@value #MIN_FILE_BYTES}
 * @param maxFiles how many files are kept, the current one included, >= 1
 */
public record AccessLogConfig(
    boolean enabled,
    Level level,
    double sampleRate,
    Errors errors,
    Path file,
    long maxFileBytes,
    int maxFiles) {

  /** Whether failed requests (HTTP status >= 400, gRPC status other than OK) escape sampling. */
  public enum Errors {
    /** Every failed request is logged, whatever the sample rate. */
    ALWAYS,
    /** Failed requests are sampled as the others. */
    SAMPLED;

    /** The config spelling: {@code always}, {@code sampled}. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final boolean DEFAULT_ENABLED = true;
  public static final Level DEFAULT_LEVEL = Level.INFO;
  public static final double DEFAULT_SAMPLE_RATE = 1.0;
  public static final Errors DEFAULT_ERRORS = Errors.ALWAYS;
  public static final long DEFAULT_MAX_FILE_BYTES = 100L * 1024 * 1024;
  public static final int DEFAULT_MAX_FILES = 5;
  public static final long MIN_FILE_BYTES = 1024;

  static final String EXPECTED_SAMPLE_RATE = "a number from 0 to 1";
  static final String EXPECTED_LEVEL = "one of: trace, debug, info, warning, error";
  static final String EXPECTED_ERRORS = "one of: always, sampled";
  static final String EXPECTED_FILE = "a file path; leave it out for standard output";
  static final String EXPECTED_MAX_FILE_BYTES = "an integer >= " + MIN_FILE_BYTES;
  static final String EXPECTED_MAX_FILES = "an integer >= 1";

  /**
   * @throws ConfigException listing every invalid field
   */
  public AccessLogConfig {
    level = Objects.requireNonNullElse(level, DEFAULT_LEVEL);
    errors = Objects.requireNonNullElse(errors, DEFAULT_ERRORS);
    Violations violations = new Violations();
    violations.check(
        level != Level.ALL && level != Level.OFF, "level", configName(level), EXPECTED_LEVEL);
    violations.check(
        sampleRate >= 0 && sampleRate <= 1, "sample-rate", sampleRate, EXPECTED_SAMPLE_RATE);
    violations.check(
        maxFileBytes >= MIN_FILE_BYTES, "max-file-bytes", maxFileBytes, EXPECTED_MAX_FILE_BYTES);
    violations.check(maxFiles >= 1, "max-files", maxFiles, EXPECTED_MAX_FILES);
    violations.throwIfAny(null);
  }

  /** Every default: on, every request, to standard output. */
  @ConfigDefaults
  public static AccessLogConfig defaults() {
    return enabled(DEFAULT_ENABLED);
  }

  /** The shorthand {@code access-log: true} or {@code false} as written in config. */
  @ConfigShorthand
  public static AccessLogConfig parse(String text) {
    return switch (text) {
      case "true" -> enabled(true);
      case "false" -> enabled(false);
      default -> throw new IllegalArgumentException("true, false or a mapping of settings");
    };
  }

  /** The shorthand {@code access-log: true/false}: the defaults, on or off. */
  public static AccessLogConfig enabled(boolean enabled) {
    return new AccessLogConfig(
        enabled,
        DEFAULT_LEVEL,
        DEFAULT_SAMPLE_RATE,
        DEFAULT_ERRORS,
        null,
        DEFAULT_MAX_FILE_BYTES,
        DEFAULT_MAX_FILES);
  }

  /** The same settings with this sample rate and errors policy. */
  public AccessLogConfig withSampling(double newSampleRate, Errors newErrors) {
    return new AccessLogConfig(
        enabled, level, newSampleRate, newErrors, file, maxFileBytes, maxFiles);
  }

  /** The same settings writing to this file (null for standard output), rotated as given. */
  public AccessLogConfig withFile(Path newFile, long newMaxFileBytes, int newMaxFiles) {
    return new AccessLogConfig(
        enabled, level, sampleRate, errors, newFile, newMaxFileBytes, newMaxFiles);
  }

  /** The config spelling of a level: {@code info}. */
  static String configName(Level level) {
    return level.getName().toLowerCase(Locale.ROOT);
  }

  /** A level from its config spelling, null when it is not one. */
  static Level level(String name) {
    for (Level level : Level.values()) {
      if (level != Level.ALL && level != Level.OFF && configName(level).equals(name)) {
        return level;
      }
    }
    return null;
  }

  /** An errors policy from its config spelling, null when it is not one. */
  static Errors errors(String name) {
    for (Errors errors : Errors.values()) {
      if (errors.configName().equals(name)) {
        return errors;
      }
    }
    return null;
  }
}
