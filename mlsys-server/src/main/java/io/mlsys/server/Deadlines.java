package io.mlsys.server;

import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.MlsysHeaders;
import io.mlsys.core.Span;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A request's call context: its deadline, from the {@code timeout} request parameter (microseconds,
 * as in Triton), the {@value MlsysHeaders#TIMEOUT} header (milliseconds) or the server's default
 * timeout (when the request sets both, the earlier wins); its headers; and the attributes every
 * transport sets, {@link CallAttribute#REQUEST_ID}, {@link CallAttribute#CALLER} and {@link
 * CallAttribute#SPAN}.
 */
final class Deadlines {
  static final String TIMEOUT_PARAMETER = "timeout";

  /** Longest timeout a request may ask for: one day. */
  static final Duration MAX_TIMEOUT = Duration.ofDays(1);

  private final Clock clock;
  private final Duration defaultTimeout;

  /**
   * @param defaultTimeout applied when the request sets none; null for no deadline
   */
  Deadlines(Clock clock, Duration defaultTimeout) {
    this.clock = clock;
    this.defaultTimeout = defaultTimeout;
  }

  Clock clock() {
    return clock;
  }

  /**
   * The call context of a request.
   *
   * @param parameters the request's parameters (may hold {@code timeout})
   * @param timeoutHeader the value of the timeout header, if sent
   * @param requestId the request's id, its trace id and {@link CallAttribute#REQUEST_ID}
   * @param caller the authenticated caller ({@link CallAttribute#CALLER}), null when unknown
   * @param span the request's span ({@link CallAttribute#SPAN})
   * @throws InvalidInputException naming the parameter or header when its value is not a positive
   *     integer within {@link #MAX_TIMEOUT}
   */
  CallContext context(
      Map<String, Object> parameters,
      Optional<String> timeoutHeader,
      Map<String, String> headers,
      String requestId,
      Identity caller,
      Span span) {
    Duration timeout = timeout(parameters, timeoutHeader);
    Instant deadline = timeout == null ? null : clock.instant().plus(timeout);
    Map<CallAttribute<?>, Object> attributes =
        caller == null
            ? Map.of(CallAttribute.REQUEST_ID, requestId, CallAttribute.SPAN, span)
            : Map.of(
                CallAttribute.REQUEST_ID,
                requestId,
                CallAttribute.CALLER,
                caller.user(),
                CallAttribute.SPAN,
                span);
    return new CallContext(clock, deadline, headers, requestId, attributes);
  }

  Duration timeout(Map<String, Object> parameters, Optional<String> timeoutHeader) {
    Duration fromParameter = parameterTimeout(parameters.get(TIMEOUT_PARAMETER));
    Duration fromHeader = timeoutHeader.map(Deadlines::headerTimeout).orElse(null);
    if (fromParameter == null && fromHeader == null) {
      return defaultTimeout;
    }
    if (fromParameter == null) {
      return fromHeader;
    }
    if (fromHeader == null) {
      return fromParameter;
    }
    return fromParameter.compareTo(fromHeader) <= 0 ? fromParameter : fromHeader;
  }

  private static Duration parameterTimeout(Object value) {
    String field = "parameters." + TIMEOUT_PARAMETER;
    String expected =
        " (expected: a positive integer number of microseconds, at most "
            + MAX_TIMEOUT.toNanos() / 1000
            + ")";
    long micros =
        switch (value) {
          case null -> 0;
          case Long l -> l;
          case Double d when d == Math.rint(d) && Math.abs(d) < 1e18 -> d.longValue();
          default ->
              throw new InvalidInputException(
                  field,
                  (value instanceof String s ? "'" + s + "'" : String.valueOf(value)) + expected);
        };
    if (value == null) {
      return null;
    }
    if (micros <= 0 || micros > MAX_TIMEOUT.toNanos() / 1000) {
      throw new InvalidInputException(field, value + expected);
    }
    return Duration.ofNanos(micros * 1000);
  }

  private static Duration headerTimeout(String value) {
    String expected =
        " (expected: a positive integer number of milliseconds, at most "
            + MAX_TIMEOUT.toMillis()
            + ")";
    long millis;
    try {
      millis = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(
          "header " + MlsysHeaders.TIMEOUT, "'" + value + "'" + expected);
    }
    if (millis <= 0 || millis > MAX_TIMEOUT.toMillis()) {
      throw new InvalidInputException(
          "header " + MlsysHeaders.TIMEOUT, "'" + value + "'" + expected);
    }
    return Duration.ofMillis(millis);
  }
}
