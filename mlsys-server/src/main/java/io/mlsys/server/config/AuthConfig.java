package io.mlsys.server.config;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may call which endpoint: bearer tokens mapped to identities and roles ({@code server.auth:}
 * in mlsys.yaml). See docs/security.md.
 *
 * @param mode when tokens are required: {@link Mode#AUTO} (the default) when the server listens
 *     beyond loopback; null means the default
 * @param tokens the configured tokens; null means none
 * @param tokensFile a file of more tokens, one {@code <user> <role> <token>} per line, read when
 *     the server starts; null for none
 * @param protectInference whether inference requires a token with the {@code infer} role
 * @param protectMetadata whether metadata, model lists, statistics and metrics require a token with
 *     the {@code read} role
 */
public record AuthConfig(
    Mode mode,
    List<Token> tokens,
    Path tokensFile,
    boolean protectInference,
    boolean protectMetadata) {

  public static final Mode DEFAULT_MODE = Mode.AUTO;
  public static final boolean DEFAULT_PROTECT_INFERENCE = false;
  public static final boolean DEFAULT_PROTECT_METADATA = false;

  /** Shorter tokens are refused: they could be guessed. */
  public static final int MIN_TOKEN_LENGTH = 16;

  static final String EXPECTED_MODE = "one of: auto, required, off";
  static final String EXPECTED_TOKEN =
      "at least " + MIN_TOKEN_LENGTH + " printable characters without spaces";
  static final String EXPECTED_USER = "a user name of printable characters without spaces";
  static final String EXPECTED_TOKENS_FILE = "a readable file of '<user> <role> <token>' lines";
  private static final Pattern PRINTABLE = Pattern.compile("[!-~]+");

  /** When tokens are required. */
  public enum Mode {
    /** Required when the server listens on an address other than loopback. */
    AUTO,
    /** Always required, on loopback too. */
    REQUIRED,
    /** Never required: every endpoint is open (the cross-site checks still apply). */
    OFF;

    /** The name as written in config. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One identity.
   *
   * @param token the secret the caller sends as {@code Authorization: Bearer <token>}
   * @param user who the caller is, named in audit records
   * @param role what the caller may do
   */
  public record Token(String token, String user, Role role) {

    /**
     * @throws ConfigException when the token is short or the user name not printable
     */
    public Token {
      Objects.requireNonNull(role, "role");
      Violations violations = new Violations();
      violations.check(
          token != null && token.length() >= MIN_TOKEN_LENGTH && PRINTABLE.matcher(token).matches(),
          "token",
          "<" + (token == null ? 0 : token.length()) + " characters>",
          EXPECTED_TOKEN);
      violations.check(
          user != null && PRINTABLE.matcher(user).matches(), "user", user, EXPECTED_USER);
      violations.throwIfAny(null);
    }

    /** Never shows the secret. */
    @Override
    public String toString() {
      return "Token[user=" + user + ", role=" + role.key() + ", token=<hidden>]";
    }
  }

  /**
   * @throws ConfigException when a token is given twice
   */
  public AuthConfig {
    mode = Objects.requireNonNullElse(mode, DEFAULT_MODE);
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
    Violations violations = new Violations();
    checkUnique(tokens, violations, "tokens");
    if (tokensFile != null) {
      violations.check(
          Files.isRegularFile(tokensFile) && Files.isReadable(tokensFile),
          "tokens-file",
          tokensFile.toString(),
          EXPECTED_TOKENS_FILE);
    }
    violations.throwIfAny(null);
  }

  /** Every default: tokens required beyond loopback, none configured (one is generated). */
  @ConfigDefaults
  public static AuthConfig defaults() {
    return new AuthConfig(
        DEFAULT_MODE, List.of(), null, DEFAULT_PROTECT_INFERENCE, DEFAULT_PROTECT_METADATA);
  }

  public AuthConfig withMode(Mode newMode) {
    return new AuthConfig(newMode, tokens, tokensFile, protectInference, protectMetadata);
  }

  public AuthConfig withTokens(List<Token> newTokens) {
    return new AuthConfig(mode, newTokens, tokensFile, protectInference, protectMetadata);
  }

  public AuthConfig withProtectInference(boolean newProtectInference) {
    return new AuthConfig(mode, tokens, tokensFile, newProtectInference, protectMetadata);
  }

  public AuthConfig withProtectMetadata(boolean newProtectMetadata) {
    return new AuthConfig(mode, tokens, tokensFile, protectInference, newProtectMetadata);
  }

  /**
   * The configured tokens and those of {@link #tokensFile()} (read now).
   *
   * @throws ConfigException when the file cannot be read or a line is invalid, naming the line
   */
  public List<Token> allTokens() {
    if (tokensFile == null) {
      return tokens;
    }
    List<Token> all = new ArrayList<>(tokens);
    all.addAll(readTokensFile(tokensFile));
    Violations violations = new Violations();
    checkUnique(all, violations, "tokens-file");
    violations.throwIfAny(tokensFile.toString());
    return List.copyOf(all);
  }

  /**
   * Reads a tokens file: one {@code <user> <role> <token>} per line, separated by spaces or tabs;
   * blank lines and lines starting with {@code #} are skipped.
   *
   * @throws ConfigException naming each invalid line (never its token)
   */
  public static List<Token> readTokensFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(
          "server.auth.tokens-file",
          file
              + ": cannot be read: "
              + e.getMessage()
              + " (expected: "
              + EXPECTED_TOKENS_FILE
              + ")");
    } catch (UncheckedIOException e) {
      throw new ConfigException("server.auth.tokens-file", file + ": not UTF-8 text");
    }
    List<Token> tokens = new ArrayList<>();
    Violations violations = new Violations();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String path = "server.auth.tokens-file[line " + (i + 1) + "]";
      String[] fields = line.split("[ \\t]+");
      if (fields.length != 3) {
        violations.add(
            path, fields.length + " fields (expected: '<user> <role> <token>', 3 fields)");
        continue;
      }
      var role = Role.parse(fields[1]);
      if (role.isEmpty()) {
        violations.invalid(path + ".role", fields[1], Role.EXPECTED);
        continue;
      }
      try {
        tokens.add(new Token(fields[2], fields[0], role.get()));
      } catch (ConfigException e) {
        violations.addAll(path, e);
      }
    }
    violations.throwIfAny(file.toString());
    return tokens;
  }

  private static void checkUnique(List<Token> tokens, Violations violations, String path) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < tokens.size(); i++) {
      if (!seen.add(tokens.get(i).token())) {
        violations.add(
            path + "[" + i + "].token",
            "the same token as an earlier entry (expected: one identity per token)");
      }
    }
  }
}
