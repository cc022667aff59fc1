package io.mlsys.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What travels with one call besides the request: the deadline, the transport headers, a trace id
 * and the clock that everything time-dependent reads.
 *
 * @param clock the injected clock
 * @param deadline the instant after which the answer is useless; null for none
 * @param headers transport headers, keys lower-case
 * @param traceId id that ties logs of one call together
 */
public record CallContext(
    Clock clock, Instant deadline, Map<String, String> headers, String traceId) {

  public CallContext {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(traceId, "traceId");
    headers = lowerCaseKeys(headers);
  }

  /** An immutable copy with lower-case keys; a later key wins when one name comes in two cases. */
  private static Map<String, String> lowerCaseKeys(Map<String, String> headers) {
    if (headers.isEmpty()) {
      return Map.of();
    }
    HashMap<String, String> lower = HashMap.newHashMap(headers.size());
    headers.forEach((key, value) -> lower.put(key.toLowerCase(Locale.ROOT), value));
    return Map.copyOf(lower);
  }

  /** A context with no deadline and no headers, for in-process callers and tests. */
  public static CallContext of(Clock clock) {
    return new CallContext(clock, null, Map.of(), "local");
  }

  public Optional<Instant> deadlineInstant() {
    return Optional.ofNullable(deadline);
  }

  /** Time left before the deadline (never negative); empty when there is no deadline. */
  public Optional<Duration> remaining() {
    if (deadline == null) {
      return Optional.empty();
    }
    Duration left = Duration.between(clock.instant(), deadline);
    return Optional.of(left.isNegative() ? Duration.ZERO : left);
  }

  public boolean isExpired() {
    return deadline != null && !clock.instant().isBefore(deadline);
  }

  /**
   * Throws when the deadline has passed.
   *
   * @param where names the step that checks, for the error message
   */
  public void checkDeadline(String where) {
    if (isExpired()) {
      throw new DeadlineExceededException(where);
    }
  }

  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  /** The same context with a deadline no later than {@code timeout} from now. */
  public CallContext withTimeout(Duration timeout) {
    Instant candidate = clock.instant().plus(timeout);
    Instant earliest = deadline == null || candidate.isBefore(deadline) ? candidate : deadline;
    return new CallContext(clock, earliest, headers, traceId);
  }
}
