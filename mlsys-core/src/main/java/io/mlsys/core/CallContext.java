package io.mlsys.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What travels with one call besides the request: the deadline, the transport headers, a trace id,
 * the clock that everything time-dependent reads, and typed per-call attributes.
 *
 * <p>Attributes ({@link CallAttribute}) say where a call comes from and where it is in a graph: the
 * transports set {@link CallAttribute#REQUEST_ID} and {@link CallAttribute#CALLER}, graph nodes
 * {@link CallAttribute#GRAPH_PATH}, an experiment {@link CallAttribute#EXPERIMENT_ARM}. A decorator
 * or node reads them with {@link #attribute} and passes more to what it calls with {@link #with},
 * which returns a new context: a context is immutable, so an attribute added for one branch of a
 * graph is not seen by its siblings or by the caller.
 *
 * @param clock the injected clock
 * @param deadline the instant after which the answer is useless; null for none
 * @param headers transport headers, keys lower-case
 * @param traceId id that ties logs of one call together
 * @param attributes per-call attributes, each value of its key's type; empty for none
 */
public record CallContext(
    Clock clock,
    Instant deadline,
    Map<String, String> headers,
    String traceId,
    Map<CallAttribute<?>, Object> attributes) {

  public CallContext {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(traceId, "traceId");
    headers = lowerCaseKeys(headers);
    attributes = checked(attributes);
  }

  /**
   * An immutable copy with lower-case keys; a later key wins when one name comes in two cases. A
   * map that is already immutable and lower-case ({@link #lazyHeaders} included) is kept as it is,
   * so deriving a context ({@link #withTimeout}, {@link #with}) does not copy the headers again.
   */
  private static Map<String, String> lowerCaseKeys(Map<String, String> headers) {
    if (headers instanceof LowerCaseHeaders) {
      return headers;
    }
    return headers.isEmpty() ? Map.of() : new LowerCaseHeaders(lowerCaseCopy(headers));
  }

  private static Map<String, String> lowerCaseCopy(Map<String, String> headers) {
    HashMap<String, String> lower = HashMap.newHashMap(headers.size());
    headers.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
    return Map.copyOf(lower);
  }

  /**
   * Transport headers made into a map only when something reads them: most calls never do (only
   * rules, experiments' unit keys, logged headers and remote calls read them), so a transport hands
   * over its own headers this way instead of copying them per call. {@code headers} is called at
   * most once, on whichever thread reads first; its keys are lower-cased as by the constructor.
   */
  public static Map<String, String> lazyHeaders(Supplier<Map<String, String>> headers) {
    return new LowerCaseHeaders(Objects.requireNonNull(headers, "headers"));
  }

  /**
   * Headers already checked (a derived context keeps them without looking at each key again), or
   * still to be made from their source.
   */
  private static final class LowerCaseHeaders extends AbstractMap<String, String> {
    private Supplier<Map<String, String>> source;
    private volatile Map<String, String> headers;

    LowerCaseHeaders(Map<String, String> headers) {
      this.headers = headers;
    }

    LowerCaseHeaders(Supplier<Map<String, String>> source) {
      this.source = source;
    }

    private Map<String, String> headers() {
      Map<String, String> made = headers;
      if (made == null) {
        synchronized (this) {
          made = headers;
          if (made == null) {
            made = lowerCaseCopy(source.get());
            headers = made;
            source = null;
          }
        }
      }
      return made;
    }

    @Override
    public String get(Object key) {
      return headers().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return headers().containsKey(key);
    }

    @Override
    public int size() {
      return headers().size();
    }

    @Override
    public boolean isEmpty() {
      return headers().isEmpty();
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
      return headers().entrySet();
    }
  }

  /** An immutable copy (the same map when it already is one) whose values fit their keys. */
  private static Map<CallAttribute<?>, Object> checked(Map<CallAttribute<?>, Object> attributes) {
    return CallAttributes.of(attributes);
  }

  /** A context with no deadline, no headers and no attributes, for in-process callers and tests. */
  public static CallContext of(Clock clock) {
    return new CallContext(clock, null, Map.of(), "local", Map.of());
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

  /** The value of one attribute; empty when the call does not carry it. */
  public <T> Optional<T> attribute(CallAttribute<T> key) {
    Object value = attributes.get(key);
    return value == null ? Optional.empty() : Optional.of(key.type().cast(value));
  }

  /** The same context with {@code key} set to {@code value} (replacing any value it had). */
  public <T> CallContext with(CallAttribute<T> key, T value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (value.equals(attributes.get(key))) {
      return this;
    }
    return new CallContext(
        clock, deadline, headers, traceId, ((CallAttributes) attributes).with(key, value));
  }

  /** The same context with a deadline no later than {@code timeout} from now. */
  public CallContext withTimeout(Duration timeout) {
    Instant candidate = clock.instant().plus(timeout);
    Instant earliest = deadline == null || candidate.isBefore(deadline) ? candidate : deadline;
    return new CallContext(clock, earliest, headers, traceId, attributes);
  }
}
