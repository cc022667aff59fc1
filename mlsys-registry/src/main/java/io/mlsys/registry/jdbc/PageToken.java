package io.mlsys.registry.jdbc;

import io.mlsys.core.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Opaque page tokens: the offset of the next page and a fingerprint of the query it continues, so
 * that a token used with another query is refused instead of returning a wrong page.
 */
final class PageToken {
  static final String FIELD = "page_token";

  private PageToken() {}

  /** A fingerprint of everything that defines a query's result order (not the page size). */
  static String fingerprint(String... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        digest.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      }
      return HexFormat.of().formatHex(digest.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String encode(long offset, String fingerprint) {
    String plain = offset + ":" + fingerprint;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The offset a token continues at; 0 for no token.
   *
   * @throws InvalidInputException naming {@code page_token} when the token is malformed or belongs
   *     to another query
   */
  static long decode(String token, String fingerprint) {
    if (token == null || token.isEmpty()) {
      return 0;
    }
    String plain;
    try {
      plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid(token, "is not a page token of this server");
    }
    int colon = plain.indexOf(':');
    long offset;
    try {
      offset = colon < 0 ? -1 : Long.parseLong(plain.substring(0, colon));
    } catch (NumberFormatException e) {
      offset = -1;
    }
    if (offset < 0) {
      throw invalid(token, "is not a page token of this server");
    }
    if (!plain.substring(colon + 1).equals(fingerprint)) {
      throw invalid(token, "belongs to another query (filter, order or experiments differ)");
    }
    return offset;
  }

  private static InvalidInputException invalid(String token, String problem) {
    String shown = token.length() > 40 ? token.substring(0, 40) + "..." : token;
    return new InvalidInputException(
        FIELD,
        "'"
            + shown
            + "' "
            + problem
            + " (expected the next_page_token of the previous page of the same search)");
  }
}
