package io.mlsys.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in config: {@code 250ms}, {@code 2s}, {@code 5m}, or ISO-8601 {@code PT2S}.
 */
public final class Durations {
  /** What a duration looks like, for messages. */
  public static final String EXPECTED = "a duration such as 250ms, 2s, 5m, 1h or PT2S";

  private static final Pattern SHORT = Pattern.compile("(-?[0-9]{1,18})(ns|us|ms|s|m|h|d)");

  private Durations() {}

  /**
   * Parses {@code <integer><unit>} with unit ns, us, ms, s, m, h or d, or an ISO-8601 duration.
   *
   * @return empty when the text is neither
   */
  public static Optional<Duration> parse(String text) {
    String trimmed = text.strip();
    Matcher matcher = SHORT.matcher(trimmed);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      ChronoUnit unit =
          switch (matcher.group(2)) {
            case "ns" -> ChronoUnit.NANOS;
            case "us" -> ChronoUnit.MICROS;
            case "ms" -> ChronoUnit.MILLIS;
            case "s" -> ChronoUnit.SECONDS;
            case "m" -> ChronoUnit.MINUTES;
            case "h" -> ChronoUnit.HOURS;
            default -> ChronoUnit.DAYS;
          };
      try {
        return Optional.of(Duration.of(amount, unit));
      } catch (ArithmeticException e) {
        return Optional.empty();
      }
    }
    if (trimmed.toUpperCase(Locale.ROOT).startsWith("P")
        || trimmed.toUpperCase(Locale.ROOT).startsWith("-P")) {
      try {
        return Optional.of(Duration.parse(trimmed));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** The shortest exact short form: {@code 250ms}, {@code 2s}, {@code 90s}, {@code 5m}. */
  public static String format(Duration duration) {
    long nanos;
    try {
      nanos = duration.toNanos();
    } catch (ArithmeticException e) {
      return duration.toString();
    }
    if (nanos == 0) {
      return "0s";
    }
    long[] sizes = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (nanos % sizes[i] == 0) {
        return nanos / sizes[i] + units[i];
      }
    }
    if (nanos % 1_000_000 == 0) {
      return nanos / 1_000_000 + "ms";
    }
    if (nanos % 1_000 == 0) {
      return nanos / 1_000 + "us";
    }
    return nanos + "ns";
  }
}
