package io.mlsys.core;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A call's place in a distributed trace, as the W3C Trace Context headers carry it: {@code
 * traceparent} ({@code 00-<trace-id>-<parent-id>-<flags>}) and {@code tracestate}. Pure data, read
 * and written here without any tracing library, so a server with tracing off still passes the trace
 * on and logs its id.
 *
 * @param traceId 32 lower-case hex digits, not all zero
 * @param spanId the id of the current span, 16 lower-case hex digits, not all zero: the {@code
 *     parent-id} that a call made from here sends
 * @param sampled whether the trace's spans are recorded (the {@code sampled} flag)
 * @param traceState the {@code tracestate} header as received, or null
 */
public record TraceContext(String traceId, String spanId, boolean sampled, String traceState) {
  /** The request header that carries the trace ids. */
  public static final String TRACEPARENT = "traceparent";

  /** The request header that carries vendor-specific trace data. */
  public static final String TRACESTATE = "tracestate";

  private static final int TRACEPARENT_LENGTH = 55;

  // W3C: vendors keep at most 32 list members; a longer header is truncated or dropped.
  private static final int MAX_TRACESTATE_LENGTH = 512;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  public TraceContext {
    if (!isHexId(traceId, 32)) {
      throw new IllegalArgumentException(
          "traceId: " + traceId + " (expected: 32 lower-case hex digits, not all zero)");
    }
    if (!isHexId(spanId, 16)) {
      throw new IllegalArgumentException(
          "spanId: " + spanId + " (expected: 16 lower-case hex digits, not all zero)");
    }
  }

  /**
   * The context of the headers a request carried; null when {@code traceparent} is absent or not
   * valid (the receiver then starts a new trace, as the W3C rules say; {@code tracestate} is
   * dropped with it).
   */
  public static TraceContext parse(String traceparent, String tracestate) {
    if (traceparent == null) {
      return null;
    }
    String value = traceparent.strip();
    if (value.length() < TRACEPARENT_LENGTH
        || value.charAt(2) != '-'
        || value.charAt(35) != '-'
        || value.charAt(52) != '-') {
      return null;
    }
    String version = value.substring(0, 2);
    if (!isHex(version) || version.equals("ff")) {
      return null;
    }
    // Version 00 is exactly 55 characters; a later version may append fields after a dash.
    if (value.length() > TRACEPARENT_LENGTH
        && (version.equals("00") || value.charAt(TRACEPARENT_LENGTH) != '-')) {
      return null;
    }
    String traceId = value.substring(3, 35);
    String spanId = value.substring(36, 52);
    String flags = value.substring(53, 55);
    if (!isHexId(traceId, 32) || !isHexId(spanId, 16) || !isHex(flags)) {
      return null;
    }
    boolean sampled = (Integer.parseInt(flags, 16) & 1) == 1;
    return new TraceContext(traceId, spanId, sampled, validTraceState(tracestate));
  }

  /**
   * A new trace: random ids from {@code random}, the sampled flag as given.
   *
   * @param random 64 random bits per call
   */
  public static TraceContext newTrace(LongSupplier random, boolean sampled) {
    return new TraceContext(
        hex(nonZero(random), nonZero(random)), hex(nonZero(random)), sampled, null);
  }

  /** The {@code traceparent} header value of a call made from this context. */
  public String traceparent() {
    return "00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00");
  }

  /** 32 hex digits of two longs, as OpenTelemetry and the W3C header write a trace id. */
  public static String hex(long high, long low) {
    char[] out = new char[32];
    write(high, out, 0);
    write(low, out, 16);
    return new String(out);
  }

  /** 16 hex digits of a long, as a span id is written. */
  public static String hex(long id) {
    char[] out = new char[16];
    write(id, out, 0);
    return new String(out);
  }

  private static void write(long value, char[] out, int offset) {
    for (int i = 15; i >= 0; i--) {
      out[offset + i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
  }

  private static long nonZero(LongSupplier random) {
    long value = random.getAsLong();
    return value == 0 ? 1 : value;
  }

  private static String validTraceState(String tracestate) {
    if (tracestate == null) {
      return null;
    }
    String value = tracestate.strip();
    if (value.isEmpty() || value.length() > MAX_TRACESTATE_LENGTH) {
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        return null;
      }
    }
    return value;
  }

  private static boolean isHexId(String id, int length) {
    Objects.requireNonNull(id, "id");
    if (id.length() != length || !isHex(id)) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (id.charAt(i) != '0') {
        return true;
      }
    }
    return false;
  }

  private static boolean isHex(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
