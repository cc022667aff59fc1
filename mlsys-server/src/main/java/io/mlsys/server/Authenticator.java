package io.mlsys.server;

import io.mlsys.core.PermissionDeniedException;
import io.mlsys.core.UnauthenticatedException;
import io.mlsys.server.config.AuthConfig;
import io.mlsys.server.config.Role;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bearer tokens to identities, for both transports: decides whether an endpoint's {@link Access} is
 * enforced ({@code server.auth}), and checks the token and the role. Tokens are compared as SHA-256
 * digests in constant time, every configured token each time, so the answer's timing tells nothing
 * about which token came close.
 */
final class Authenticator {
  private static final System.Logger LOG = System.getLogger(Authenticator.class.getName());

  /** The user of the token generated when tokens are required and none is configured. */
  static final String GENERATED_USER = "admin";

  private static final String BEARER = "bearer ";
  private static final int GENERATED_TOKEN_BYTES = 32;

  private record Entry(byte[] digest, Identity identity) {}

  private final boolean required;
  private final boolean protectInference;
  private final boolean protectMetadata;
  private final List<Entry> entries;
  private final AtomicBoolean warnedPlaintext = new AtomicBoolean();

  private Authenticator(
      boolean required, boolean protectInference, boolean protectMetadata, List<Entry> entries) {
    this.required = required;
    this.protectInference = protectInference;
    this.protectMetadata = protectMetadata;
    this.entries = entries;
  }

  /**
   * The authenticator for a server bound to {@code host}. When tokens are required and none is
   * configured, one is generated with the {@code manage} role and logged once, here.
   *
   * @throws io.mlsys.config.ConfigException when the tokens file is invalid
   */
  static Authenticator create(AuthConfig config, String host, SecureRandom random) {
    boolean required =
        switch (config.mode()) {
          case AUTO -> !isLoopback(host);
          case REQUIRED -> true;
          case OFF -> false;
        };
    List<Entry> entries = new ArrayList<>();
    for (AuthConfig.Token token : config.allTokens()) {
      entries.add(new Entry(digest(token.token()), new Identity(token.user(), token.role())));
    }
    if (required && entries.isEmpty()) {
      byte[] bytes = new byte[GENERATED_TOKEN_BYTES];
      random.nextBytes(bytes);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      entries.add(new Entry(digest(token), new Identity(GENERATED_USER, Role.MANAGE)));
      LOG.log(
          Level.WARNING,
          "server.auth: tokens are required (listening on "
              + host
              + ") and none is configured; generated one for user '"
              + GENERATED_USER
              + "' with role manage, shown only now. Send it as 'Authorization: Bearer "
              + token
              + "'. Configure server.auth.tokens to choose your own (docs/security.md).");
    }
    return new Authenticator(
        required, config.protectInference(), config.protectMetadata(), List.copyOf(entries));
  }

  /** Whether tokens are required at all. */
  boolean required() {
    return required;
  }

  /** Whether an endpoint with this access needs a token. */
  boolean enforced(Access access) {
    if (!required) {
      return false;
    }
    return switch (access) {
      case OPEN -> false;
      case READ -> protectMetadata;
      case INFER -> protectInference;
      case MANAGE -> true;
    };
  }

  /**
   * Checks a call.
   *
   * @param authorization the {@code Authorization} header (gRPC: metadata), null when absent
   * @param remote the caller's address
   * @param secure whether the connection is TLS
   * @return who called: null when the endpoint needs no token and none known was sent
   * @throws UnauthenticatedException when a token is needed and missing or unknown
   * @throws PermissionDeniedException when the caller's role is not enough
   */
  Identity check(Access access, String authorization, SocketAddress remote, boolean secure) {
    if (authorization != null) {
      warnIfPlaintext(remote, secure);
    }
    if (!enforced(access)) {
      // Still name a known caller, so audit records say who it was.
      return authorization == null || entries.isEmpty() ? null : lookup(token(authorization));
    }
    if (authorization == null) {
      throw new UnauthenticatedException(
          false, "authorization: missing (expected: 'Authorization: Bearer <token>')");
    }
    String token = token(authorization);
    if (token == null) {
      throw new UnauthenticatedException(
          true, "authorization: not a bearer token (expected: 'Authorization: Bearer <token>')");
    }
    Identity identity = lookup(token);
    if (identity == null) {
      throw new UnauthenticatedException(
          true, "authorization: unknown token (expected: a token of server.auth)");
    }
    if (!identity.role().implies(access.role())) {
      throw new PermissionDeniedException(
          identity.user(),
          "user '"
              + identity.user()
              + "' has role "
              + identity.role().key()
              + " (expected: "
              + access.role().key()
              + " or above)");
    }
    return identity;
  }

  /** The token of {@code Bearer <token>}, null when the header is not one. */
  private static String token(String authorization) {
    if (authorization.length() <= BEARER.length()
        || !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      return null;
    }
    return authorization.substring(BEARER.length()).strip();
  }

  /** Compares with every entry, without stopping early. */
  private Identity lookup(String token) {
    if (token == null) {
      return null;
    }
    byte[] digest = digest(token);
    Identity found = null;
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(entry.digest(), digest)) {
        found = entry.identity();
      }
    }
    return found;
  }

  private void warnIfPlaintext(SocketAddress remote, boolean secure) {
    if (secure || isLoopback(remote) || !warnedPlaintext.compareAndSet(false, true)) {
      return;
    }
    LOG.log(
        Level.WARNING,
        "a bearer token arrived over plain text from "
            + remote
            + ": anyone on the path can read it; configure server.tls (docs/security.md)."
            + " Logged once.");
  }

  private static boolean isLoopback(SocketAddress address) {
    return address instanceof InetSocketAddress inet
        && inet.getAddress() != null
        && inet.getAddress().isLoopbackAddress();
  }

  /** Whether binding {@code host} serves this machine only. */
  static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      InetAddress[] addresses = InetAddress.getAllByName(host);
      for (InetAddress address : addresses) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return addresses.length > 0;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
