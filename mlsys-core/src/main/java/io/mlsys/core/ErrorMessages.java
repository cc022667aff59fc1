package io.mlsys.core;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Keeps error messages short however large the request: a client's text is quoted up to {@value
 * #MAX_QUOTED_CHARS} characters, a list of problems names the first {@value #MAX_LISTED} and counts
 * the rest, and a whole message is cut at {@value #MAX_MESSAGE_CHARS} characters.
 */
public final class ErrorMessages {
  /** Characters of a client's value (a name, a string) a message quotes. */
  public static final int MAX_QUOTED_CHARS = 100;

  /** Problems a message names before it only counts the rest. */
  public static final int MAX_LISTED = 3;

  /** Longest message a transport sends, as a safety net behind the caps at the source. */
  public static final int MAX_MESSAGE_CHARS = 4096;

  private ErrorMessages() {}

  /**
   * What went wrong at the bottom of a chain of causes, for an operator's message: the deepest
   * cause's message, or its class name when it has none ({@code ConnectException: Connection
   * refused} is usually more useful than the wrapper that carried it).
   */
  public static String rootCause(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  /**
   * A client's text for a message: control characters replaced by {@code ?}, cut at {@value
   * #MAX_QUOTED_CHARS} characters with {@code ...}; not quoted.
   */
  public static String excerpt(String text) {
    if (text == null) {
      return "null";
    }
    int length = Math.min(text.length(), MAX_QUOTED_CHARS);
    StringBuilder out = new StringBuilder(length + 3);
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    if (text.length() > MAX_QUOTED_CHARS) {
      out.append("...");
    }
    return out.toString();
  }

  /** {@link #excerpt} in single quotes. */
  public static String quote(String text) {
    return "'" + excerpt(text) + "'";
  }

  /**
   * The first {@value #MAX_LISTED} items, each described, joined by {@code separator}, then {@code
   * "... and 99,997 more"} when there are more.
   */
  public static <T> String list(
      List<T> items, Function<? super T, String> describe, String separator) {
    StringBuilder out = new StringBuilder();
    int shown = Math.min(items.size(), MAX_LISTED);
    for (int i = 0; i < shown; i++) {
      if (i > 0) {
        out.append(separator);
      }
      out.append(describe.apply(items.get(i)));
    }
    if (items.size() > shown) {
      out.append(separator).append("... and ").append(count(items.size() - shown)).append(" more");
    }
    return out.toString();
  }

  /** A message cut at {@value #MAX_MESSAGE_CHARS} characters, saying how long it was. */
  public static String cap(String message) {
    if (message == null || message.length() <= MAX_MESSAGE_CHARS) {
      return message;
    }
    String tail = "... (cut at " + MAX_MESSAGE_CHARS + " of " + count(message.length()) + " chars)";
    return message.substring(0, MAX_MESSAGE_CHARS - tail.length()) + tail;
  }

  /** A count with thousands separators, e.g. {@code 99,997}. */
  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
