package io.mlsys.config;

import static io.mlsys.config.ConfigViolation.join;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@code mlsys.yaml} and repository {@code config.yaml} files strictly: keys are lower-case
 * with dashes, an unknown key fails with its full path, a value of the wrong type is never coerced,
 * and every violation in the file is reported at once in one {@link ConfigException}.
 *
 * <p>String values may use {@code ${NAME}} or {@code ${NAME:-default}} to read the environment
 * (write <code>$${</code> for a literal <code>${</code>); a variable that is unset and has no
 * default is an error naming the key. A value that comes from a variable is read as text, so {@code
 * port: ${PORT}} works. Relative paths resolve against the folder of the file.
 */
public final class ConfigLoader {
  /** The conventional name of the main file. */
  public static final String FILE_NAME = "mlsys.yaml";

  /** The name of a repository model's optional config file, {@code DIR/<model>/config.yaml}. */
  public static final String MODEL_CONFIG_FILE_NAME = "config.yaml";

  /** Config files larger than this are refused. */
  public static final int MAX_FILE_BYTES = 1024 * 1024;

  static final List<String> ROOT_KEYS =
      List.of("server", "model-repository", "onnx", "models", "graphs");
  static final List<String> SERVER_KEYS =
      List.of(
          "host",
          "port",
          "grpc-port",
          "max-request-bytes",
          "shutdown-grace",
          "default-timeout",
          "access-log",
          "watch-config",
          "connections",
          "limits",
          "grpc",
          "auth",
          "cors",
          "tls");
  static final List<String> MODEL_REPOSITORY_KEYS = List.of("path");
  static final List<String> ONNX_KEYS = List.of("intra-op-threads");
  static final List<String> MODEL_KEYS =
      List.of(
          "uri",
          "version",
          "labels",
          "platform",
          "intra-op-threads",
          "default-outputs",
          "batching");
  static final List<String> MODEL_CONFIG_KEYS =
      List.of(
          "platform",
          "labels",
          "version-policy",
          "intra-op-threads",
          "default-outputs",
          "batching");
  static final List<String> VERSION_POLICY_KEYS = List.of("latest", "all", "specific");
  static final List<String> BATCHING_KEYS =
      List.of(
          "max-batch-size",
          "preferred-batch-sizes",
          "max-queue-delay-micros",
          "max-queue-size",
          "max-concurrent-batches");

  private static final String EXPECTED_POLICY =
      "exactly one of: latest: N, all: {}, specific: [versions]";
  private static final String EXPECTED_REPOSITORY_PATH = "an existing folder";
  private static final String EXPECTED_BATCHING =
      "a mapping with keys: " + String.join(", ", BATCHING_KEYS) + "; {} for every default";

  private static final YAMLMapper MAPPER =
      YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final TreeReader values;
  private final Violations violations;
  private final String source;

  private ConfigLoader(Map<String, String> environment, Path baseDir, String source) {
    this.values = new TreeReader(environment, baseDir);
    this.violations = values.violations();
    this.source = source;
  }

  /** Loads an mlsys.yaml, reading {@code ${...}} from the process environment. */
  public static MlsysConfig load(Path file) {
    return load(file, System.getenv());
  }

  /**
   * Loads an mlsys.yaml.
   *
   * @param environment the variables {@code ${NAME}} reads
   * @throws ConfigException listing every problem in the file
   */
  public static MlsysConfig load(Path file, Map<String, String> environment) {
    String text = read(file);
    return new ConfigLoader(environment, folderOf(file), file.toString()).mlsys(text);
  }

  /** Parses mlsys.yaml text, reading {@code ${...}} from the process environment. */
  public static MlsysConfig parse(String yaml, Path baseDir) {
    return parse(yaml, baseDir, System.getenv());
  }

  /**
   * Parses mlsys.yaml text.
   *
   * @param baseDir the folder relative paths resolve against
   * @param environment the variables {@code ${NAME}} reads
   * @throws ConfigException listing every problem in the text
   */
  public static MlsysConfig parse(String yaml, Path baseDir, Map<String, String> environment) {
    checkSize(yaml.length(), FILE_NAME);
    return new ConfigLoader(environment, baseDir, FILE_NAME).mlsys(yaml);
  }

  /**
   * Loads a repository model's {@code config.yaml}. Its {@code labels} path resolves against the
   * model folder (the file's folder). The result has no uri: the versions are the model's folders.
   *
   * @throws ConfigException listing every problem in the file
   */
  public static ModelConfig loadModelConfig(Path file, Map<String, String> environment) {
    String text = read(file);
    return new ConfigLoader(environment, folderOf(file), file.toString()).modelConfig(text);
  }

  /** Parses the text of a repository model's {@code config.yaml}; see {@link #loadModelConfig}. */
  public static ModelConfig parseModelConfig(
      String yaml, Path modelDir, Map<String, String> environment) {
    checkSize(yaml.length(), MODEL_CONFIG_FILE_NAME);
    return new ConfigLoader(environment, modelDir, MODEL_CONFIG_FILE_NAME).modelConfig(yaml);
  }

  /**
   * Every key path mlsys.yaml accepts, e.g. {@code server.port} and {@code models.<name>.uri}; the
   * documentation lists each one. Graph nodes nest, so their keys are listed once with
   * placeholders: {@code <node>} is any node ({@code graphs.<name>}, a step, a branch, a rule, a
   * stage, a switch's default), {@code <transform>} an item of a transform list, e.g. {@code
   * <node>.ensemble.branches.<branch>.weight} and {@code <transform>.image.width}.
   */
  public static List<String> keyPaths() {
    List<String> paths = new ArrayList<>();
    paths.add("server");
    SERVER_KEYS.forEach(key -> paths.add("server." + key));
    ACCESS_LOG_KEYS.forEach(key -> paths.add("server.access-log." + key));
    CONNECTIONS_KEYS.forEach(key -> paths.add("server.connections." + key));
    LIMITS_KEYS.forEach(key -> paths.add("server.limits." + key));
    GRPC_KEYS.forEach(key -> paths.add("server.grpc." + key));
    AUTH_KEYS.forEach(key -> paths.add("server.auth." + key));
    CORS_KEYS.forEach(key -> paths.add("server.cors." + key));
    TLS_KEYS.forEach(key -> paths.add("server.tls." + key));
    paths.add("model-repository");
    MODEL_REPOSITORY_KEYS.forEach(key -> paths.add("model-repository." + key));
    paths.add("onnx");
    ONNX_KEYS.forEach(key -> paths.add("onnx." + key));
    paths.add("models");
    paths.add("models.<name>");
    MODEL_KEYS.forEach(key -> paths.add("models.<name>." + key));
    BATCHING_KEYS.forEach(key -> paths.add("models.<name>.batching." + key));
    paths.addAll(GraphReader.keyPaths());
    return List.copyOf(paths);
  }

  /**
   * Every key path a repository model's config.yaml accepts, e.g. {@code version-policy.latest}.
   */
  public static List<String> modelConfigKeyPaths() {
    List<String> paths = new ArrayList<>();
    for (String key : MODEL_CONFIG_KEYS) {
      paths.add(key);
      if (key.equals("version-policy")) {
        VERSION_POLICY_KEYS.forEach(policy -> paths.add("version-policy." + policy));
      }
      if (key.equals("batching")) {
        BATCHING_KEYS.forEach(batching -> paths.add("batching." + batching));
      }
    }
    return List.copyOf(paths);
  }

  // ---- files

  private static Path folderOf(Path file) {
    Path parent = file.toAbsolutePath().normalize().getParent();
    return parent == null ? file.toAbsolutePath().getRoot() : parent;
  }

  private static String read(Path file) {
    String name = file.toString();
    try {
      checkSize(Files.size(file), name);
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          name, List.of(new ConfigViolation("", "no such file (expected: a YAML config file)")));
    } catch (CharacterCodingException e) {
      throw new ConfigException(
          name,
          List.of(new ConfigViolation("", "not UTF-8 text (expected: a YAML file in UTF-8)")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  private static void checkSize(long size, String source) {
    if (size > MAX_FILE_BYTES) {
      throw new ConfigException(
          source,
          List.of(
              new ConfigViolation(
                  "",
                  size + " bytes (expected: a config file of at most " + MAX_FILE_BYTES + ")")));
    }
  }

  // ---- documents

  private MlsysConfig mlsys(String text) {
    JsonNode root = tree(text);
    Map<String, JsonNode> top = object(root, "", ROOT_KEYS);
    ServerConfig server = server(top.get("server"));
    ModelRepositoryConfig repository = repository(top.get("model-repository"));
    OnnxConfig onnx = onnx(top.get("onnx"));
    Map<String, ModelConfig> models = models(top.get("models"));
    Map<String, GraphConfig> graphs = new GraphReader(values).graphs(top.get("graphs"));
    MlsysConfig config = null;
    try {
      config = new MlsysConfig(server, repository, onnx, models, graphs);
    } catch (ConfigException e) {
      violations.addAll("", e);
    }
    violations.throwIfAny(source);
    return config;
  }

  private ModelConfig modelConfig(String text) {
    JsonNode root = tree(text);
    ModelConfig config = isAbsent(root) ? ModelConfig.defaults() : model(root, "", false);
    violations.throwIfAny(source);
    return config;
  }

  /** Parses YAML to a tree; syntax errors, aliases and extra documents fail at once. */
  private JsonNode tree(String text) {
    try {
      int documents = 0;
      // First pass: Jackson's tree reader would keep an alias as the plain text of its name.
      try (JsonParser parser = MAPPER.createParser(text)) {
        int depth = 0;
        JsonToken token;
        while ((token = parser.nextToken()) != null) {
          if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            throw syntax(
                parser.currentLocation(),
                "the alias *"
                    + parser.getText()
                    + " (expected: the value written out; YAML anchors and aliases are not"
                    + " supported)");
          }
          if (depth == 0) {
            documents++;
          }
          if (token.isStructStart()) {
            depth++;
          } else if (token.isStructEnd()) {
            depth--;
          }
        }
      }
      if (documents > 1) {
        throw new ConfigException(
            source,
            List.of(
                new ConfigViolation(
                    "", documents + " YAML documents (expected: one; remove the extra ---)")));
      }
      return documents == 0 ? MissingNode.getInstance() : MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw syntax(e.getLocation(), condense(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ConfigException syntax(JsonLocation location, String problem) {
    String where =
        location == null || location.getLineNr() < 0
            ? "not valid YAML: "
            : "not valid YAML at line "
                + location.getLineNr()
                + ", column "
                + location.getColumnNr()
                + ": ";
    return new ConfigException(source, List.of(new ConfigViolation("", where + problem)));
  }

  /** SnakeYAML's messages repeat the source snippet; keep only the sentences. */
  private static String condense(String message) {
    if (message == null) {
      return "unreadable";
    }
    List<String> parts = new ArrayList<>();
    for (String line : message.split("\n")) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty()
          && !line.startsWith("    ")
          && !trimmed.startsWith("in 'reader'")
          && !trimmed.equals("^")) {
        parts.add(trimmed);
      }
    }
    return parts.isEmpty() ? message.strip() : String.join("; ", parts);
  }

  // ---- sections

  private ServerConfig server(JsonNode node) {
    String path = "server";
    Map<String, JsonNode> fields = object(node, path, SERVER_KEYS);
    String host = string(fields.get("host"), path + ".host", ServerConfig.EXPECTED_HOST, false);
    Long port = integer(fields.get("port"), path + ".port", ServerConfig.EXPECTED_PORT, false);
    Long grpcPort =
        integer(
            fields.get("grpc-port"), path + ".grpc-port", ServerConfig.EXPECTED_GRPC_PORT, true);
    Long maxRequestBytes =
        integer(
            fields.get("max-request-bytes"),
            path + ".max-request-bytes",
            ServerConfig.EXPECTED_MAX_REQUEST_BYTES,
            false);
    Duration shutdownGrace =
        duration(
            fields.get("shutdown-grace"),
            path + ".shutdown-grace",
            ServerConfig.EXPECTED_SHUTDOWN_GRACE,
            false);
    Duration defaultTimeout =
        duration(
            fields.get("default-timeout"),
            path + ".default-timeout",
            ServerConfig.EXPECTED_DEFAULT_TIMEOUT,
            true);
    AccessLogConfig accessLog = accessLog(fields.get("access-log"), path + ".access-log");
    Boolean watchConfig = bool(fields.get("watch-config"), path + ".watch-config", false);
    try {
      return new ServerConfig(
          host,
          port == null
              ? ServerConfig.DEFAULT_PORT
              : toInt(port, path + ".port", ServerConfig.EXPECTED_PORT),
          maxRequestBytes == null ? ServerConfig.DEFAULT_MAX_REQUEST_BYTES : maxRequestBytes,
          shutdownGrace,
          // Absent: the default deadline; null: none.
          fields.get("default-timeout") == null
              ? ServerConfig.DEFAULT_DEFAULT_TIMEOUT
              : defaultTimeout,
          accessLog,
          grpcPort(fields.get("grpc-port"), grpcPort, path + ".grpc-port"),
          watchConfig == null ? ServerConfig.DEFAULT_WATCH_CONFIG : watchConfig,
          connections(fields.get("connections")),
          limits(fields.get("limits")),
          grpc(fields.get("grpc")),
          auth(fields.get("auth")),
          cors(fields.get("cors")),
          tls(fields.get("tls")));
    } catch (ConfigException e) {
      violations.addAll(path, e);
      return null;
    }
  }

  /** Absent: the default port; {@code null}: no gRPC listener; else the number read. */
  private Integer grpcPort(JsonNode node, Long value, String path) {
    if (node == null) {
      return ServerConfig.DEFAULT_GRPC_PORT;
    }
    if (value == null) {
      return null;
    }
    return toInt(value, path, ServerConfig.EXPECTED_GRPC_PORT);
  }

  // ---- server.access-log

  static final List<String> ACCESS_LOG_KEYS =
      List.of("enabled", "level", "sample-rate", "errors", "file", "max-file-bytes", "max-files");

  private static final String EXPECTED_ACCESS_LOG =
      "true, false or a mapping with keys: " + String.join(", ", ACCESS_LOG_KEYS);

  /** {@code true}/{@code false} (the defaults, on or off) or a mapping; absent: the defaults. */
  private AccessLogConfig accessLog(JsonNode node, String path) {
    if (isAbsent(node)) {
      return null;
    }
    if (node.isBoolean() || node.isTextual()) {
      Boolean enabled = bool(node, path, false);
      return enabled == null ? null : AccessLogConfig.enabled(enabled);
    }
    if (!node.isObject()) {
      bad(path, node, EXPECTED_ACCESS_LOG);
      return null;
    }
    Map<String, JsonNode> fields = object(node, path, ACCESS_LOG_KEYS);
    Boolean enabled = bool(fields.get("enabled"), join(path, "enabled"), false);
    System.Logger.Level level = null;
    String levelName =
        string(fields.get("level"), join(path, "level"), AccessLogConfig.EXPECTED_LEVEL, false);
    if (levelName != null) {
      level = AccessLogConfig.level(levelName);
      if (level == null) {
        bad(join(path, "level"), fields.get("level"), AccessLogConfig.EXPECTED_LEVEL);
      }
    }
    Double sampleRate =
        values.number(
            fields.get("sample-rate"),
            join(path, "sample-rate"),
            AccessLogConfig.EXPECTED_SAMPLE_RATE);
    AccessLogConfig.Errors errors = null;
    String errorsName =
        string(fields.get("errors"), join(path, "errors"), AccessLogConfig.EXPECTED_ERRORS, false);
    if (errorsName != null) {
      errors = AccessLogConfig.errors(errorsName);
      if (errors == null) {
        bad(join(path, "errors"), fields.get("errors"), AccessLogConfig.EXPECTED_ERRORS);
      }
    }
    String file =
        string(fields.get("file"), join(path, "file"), AccessLogConfig.EXPECTED_FILE, true);
    Long maxFileBytes =
        integer(
            fields.get("max-file-bytes"),
            join(path, "max-file-bytes"),
            AccessLogConfig.EXPECTED_MAX_FILE_BYTES,
            false);
    Long maxFiles =
        integer(
            fields.get("max-files"),
            join(path, "max-files"),
            AccessLogConfig.EXPECTED_MAX_FILES,
            false);
    try {
      return new AccessLogConfig(
          enabled == null ? AccessLogConfig.DEFAULT_ENABLED : enabled,
          level,
          sampleRate == null ? AccessLogConfig.DEFAULT_SAMPLE_RATE : sampleRate,
          errors,
          file == null ? null : resolve(file),
          maxFileBytes == null ? AccessLogConfig.DEFAULT_MAX_FILE_BYTES : maxFileBytes,
          maxFiles == null
              ? AccessLogConfig.DEFAULT_MAX_FILES
              : toInt(maxFiles, join(path, "max-files"), AccessLogConfig.EXPECTED_MAX_FILES));
    } catch (ConfigException e) {
      violations.addAll(path, e);
      return null;
    }
  }

  // ---- server.connections

  static final List<String> CONNECTIONS_KEYS =
      List.of(
          "max-connections",
          "max-concurrent-requests",
          "idle-timeout",
          "header-read-timeout",
          "body-read-timeout");

  private ConnectionsConfig connections(JsonNode node) {
    String path = "server.connections";
    Map<String, JsonNode> fields = object(node, path, CONNECTIONS_KEYS);
    Long maxConnections =
        integer(
            fields.get("max-connections"),
            path + ".max-connections",
            ConnectionsConfig.EXPECTED_MAX_CONNECTIONS,
            false);
    Long maxConcurrentRequests =
        integer(
            fields.get("max-concurrent-requests"),
            path + ".max-concurrent-requests",
            ConnectionsConfig.EXPECTED_MAX_CONCURRENT_REQUESTS,
            false);
    Duration idleTimeout =
        duration(
            fields.get("idle-timeout"),
            path + ".idle-timeout",
            ConnectionsConfig.EXPECTED_TIMEOUT,
            false);
    Duration headerReadTimeout =
        duration(
            fields.get("header-read-timeout"),
            path + ".header-read-timeout",
            ConnectionsConfig.EXPECTED_TIMEOUT,
            false);
    Duration bodyReadTimeout =
        duration(
            fields.get("body-read-timeout"),
            path + ".body-read-timeout",
            ConnectionsConfig.EXPECTED_TIMEOUT,
            false);
    try {
      return new ConnectionsConfig(
          maxConnections == null
              ? ConnectionsConfig.DEFAULT_MAX_CONNECTIONS
              : toInt(
                  maxConnections,
                  path + ".max-connections",
                  ConnectionsConfig.EXPECTED_MAX_CONNECTIONS),
          maxConcurrentRequests == null
              ? ConnectionsConfig.DEFAULT_MAX_CONCURRENT_REQUESTS
              : toInt(
                  maxConcurrentRequests,
                  path + ".max-concurrent-requests",
                  ConnectionsConfig.EXPECTED_MAX_CONCURRENT_REQUESTS),
          idleTimeout,
          headerReadTimeout,
          bodyReadTimeout);
    } catch (ConfigException e) {
      violations.addAll(path, e);
      return null;
    }
  }

  // ---- server.limits

  static final List<String> LIMITS_KEYS =
      List.of("max-request-elements", "memory-budget-bytes", "max-in-flight", "max-queue-wait");

  private LimitsConfig limits(JsonNode node) {
    String path = "server.limits";
    Map<String, JsonNode> fields = object(node, path, LIMITS_KEYS);
    Long maxRequestElements =
        integer(
            fields.get("max-request-elements"),
            path + ".max-request-elements",
            LimitsConfig.EXPECTED_MAX_REQUEST_ELEMENTS,
            false);
    Long memoryBudgetBytes =
        integer(
            fields.get("memory-budget-bytes"),
            path + ".memory-budget-bytes",
            LimitsConfig.EXPECTED_MEMORY_BUDGET_BYTES,
            true);
    Long maxInFlight =
        integer(
            fields.get("max-in-flight"),
            path + ".max-in-flight",
            LimitsConfig.EXPECTED_MAX_IN_FLIGHT,
            false);
    Duration maxQueueWait =
        duration(
            fields.get("max-queue-wait"),
            path + ".max-queue-wait",
            LimitsConfig.EXPECTED_MAX_QUEUE_WAIT,
            false);
    try {
      return new LimitsConfig(
          maxRequestElements == null
              ? LimitsConfig.DEFAULT_MAX_REQUEST_ELEMENTS
              : maxRequestElements,
          memoryBudgetBytes,
          maxInFlight == null
              ? LimitsConfig.DEFAULT_MAX_IN_FLIGHT
              : toInt(maxInFlight, path + ".max-in-flight", LimitsConfig.EXPECTED_MAX_IN_FLIGHT),
          maxQueueWait);
    } catch (ConfigException e) {
      violations.addAll(path, e);
      return null;
    }
  }

  // ---- server.grpc

  static final List<String> GRPC_KEYS =
      List.of(
          "max-concurrent-calls-per-connection",
          "max-rst-frames-per-window",
          "rst-frames-window",
          "max-connection-idle",
          "keepalive-time",
          "keepalive-timeout",
          "permit-keepalive-time",
          "max-inbound-metadata-bytes",
          "reflection");

  private GrpcConfig grpc(JsonNode node) {
    String path = "server.grpc";
    Map<String, JsonNode> fields = object(node, path, GRPC_KEYS);
    String callsPath = join(path, "max-concurrent-calls-per-connection");
    Long calls =
        integer(
            fields.get("max-concurrent-calls-per-connection"),
            callsPath,
            GrpcConfig.EXPECTED_CALLS,
            false);
    String rstPath = join(path, "max-rst-frames-per-window");
    Long rstFrames =
        integer(
            fields.get("max-rst-frames-per-window"),
            rstPath,
            GrpcConfig.EXPECTED_RST_FRAMES,
            false);
    Duration rstWindow =
        duration(
            fields.get("rst-frames-window"),
            join(path, "rst-frames-window"),
            GrpcConfig.EXPECTED_RST_WINDOW,
            false);
    Duration idle =
        duration(
            fields.get("max-connection-idle"),
            join(path, "max-connection-idle"),
            GrpcConfig.EXPECTED_POSITIVE,
            false);
    Duration keepaliveTime =
        duration(
            fields.get("keepalive-time"),
            join(path, "keepalive-time"),
            GrpcConfig.EXPECTED_POSITIVE,
            false);
    Duration keepaliveTimeout =
        duration(
            fields.get("keepalive-timeout"),
            join(path, "keepalive-timeout"),
            GrpcConfig.EXPECTED_POSITIVE,
            false);
    Duration permitKeepalive =
        duration(
            fields.get("permit-keepalive-time"),
            join(path, "permit-keepalive-time"),
            GrpcConfig.EXPECTED_NOT_NEGATIVE,
            false);
    String metadataPath = join(path, "max-inbound-metadata-bytes");
    Long metadataBytes =
        integer(
            fields.get("max-inbound-metadata-bytes"),
            metadataPath,
            GrpcConfig.EXPECTED_METADATA_BYTES,
            false);
    Boolean reflection = bool(fields.get("reflection"), join(path, "reflection"), false);
    try {
      return new GrpcConfig(
          calls == null
              ? GrpcConfig.DEFAULT_MAX_CONCURRENT_CALLS_PER_CONNECTION
              : toInt(calls, callsPath, GrpcConfig.EXPECTED_CALLS),
          rstFrames == null
              ? GrpcConfig.DEFAULT_MAX_RST_FRAMES_PER_WINDOW
              : toInt(rstFrames, rstPath, GrpcConfig.EXPECTED_RST_FRAMES),
          rstWindow,
          idle,
          keepaliveTime,
          keepaliveTimeout,
          permitKeepalive,
          metadataBytes == null
              ? GrpcConfig.DEFAULT_MAX_INBOUND_METADATA_BYTES
              : toInt(metadataBytes, metadataPath, GrpcConfig.EXPECTED_METADATA_BYTES),
          reflection == null ? GrpcConfig.DEFAULT_REFLECTION : reflection);
    } catch (ConfigException e) {
      violations.addAll(path, e);
      return null;
    }
  }

  // ---- server.auth

  static final List<String> AUTH_KEYS =
      List.of("mode", "tokens", "tokens-file", "protect-inference", "protect-metadata");
  static final List<String> AUTH_TOKEN_KEYS = List.of("token", "user", "role");

  private AuthConfig auth(JsonNode node) {
    String path = "server.auth";
    Map<String, JsonNode> fields = object(node, path, AUTH_KEYS);
    String modeText = string(fields.get("mode"), path + ".mode", AuthConfig.EXPECTED_MODE, false);
    AuthConfig.Mode mode = null;
    if (modeText != null) {
      mode = enumValue(AuthConfig.Mode.values(), modeText);
      if (mode == null) {
        violations.invalid(path + ".mode", modeText, AuthConfig.EXPECTED_MODE);
      }
    }
    List<AuthConfig.Token> tokens = tokens(fields.get("tokens"), path + ".tokens");
    Path tokensFile =
        readableFile(
            fields.get("tokens-file"), path + ".tokens-file", AuthConfig.EXPECTED_TOKENS_FILE);
    Boolean protectInference =
        bool(fields.get("protect-inference"), path + ".protect-inference", false);
    Boolean protectMetadata =
        bool(fields.get("protect-metadata"), path + ".protect-metadata", false);
    try {
      return new AuthConfig(
          mode,
          tokens,
          tokensFile,
          protectInference == null ? AuthConfig.DEFAULT_PROTECT_INFERENCE : protectInference,
          protectMetadata == null ? AuthConfig.DEFAULT_PROTECT_METADATA : protectMetadata);
    } catch (ConfigException e) {
      violations.addAll(path, e);
      return null;
    }
  }

  private List<AuthConfig.Token> tokens(JsonNode node, String path) {
    if (isAbsent(node)) {
      return List.of();
    }
    String expected = "a list of {token, user, role} mappings";
    if (!node.isArray()) {
      bad(path, node, expected);
      return List.of();
    }
    List<AuthConfig.Token> tokens = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String itemPath = path + "[" + i + "]";
      JsonNode item = node.get(i);
      if (!item.isObject()) {
        bad(itemPath, item, expected);
        continue;
      }
      Map<String, JsonNode> fields = object(item, itemPath, AUTH_TOKEN_KEYS);
      String token =
          values.requiredString(
              fields.get("token"), itemPath + ".token", AuthConfig.EXPECTED_TOKEN);
      String user =
          values.requiredString(fields.get("user"), itemPath + ".user", AuthConfig.EXPECTED_USER);
      String roleText =
          values.requiredString(fields.get("role"), itemPath + ".role", Role.EXPECTED);
      Role role = roleText == null ? null : Role.parse(roleText).orElse(null);
      if (roleText != null && role == null) {
        violations.invalid(itemPath + ".role", roleText, Role.EXPECTED);
      }
      if (token == null || user == null || role == null) {
        continue;
      }
      try {
        tokens.add(new AuthConfig.Token(token, user, role));
      } catch (ConfigException e) {
        violations.addAll(itemPath, e);
      }
    }
    return tokens;
  }

  // ---- server.cors

  static final List<String> CORS_KEYS =
      List.of(
          "allowed-origins", "allowed-methods", "allowed-headers", "exposed-headers", "max-age");

  private CorsConfig cors(JsonNode node) {
    String path = "server.cors";
    Map<String, JsonNode> fields = object(node, path, CORS_KEYS);
    List<String> origins =
        values.strings(
            fields.get("allowed-origins"), path + ".allowed-origins", CorsConfig.EXPECTED_ORIGIN);
    List<String> methods =
        values.strings(
            fields.get("allowed-methods"), path + ".allowed-methods", CorsConfig.EXPECTED_METHOD);
    List<String> headers =
        values.strings(
            fields.get("allowed-headers"), path + ".allowed-headers", CorsConfig.EXPECTED_HEADER);
    List<String> exposed =
        values.strings(
            fields.get("exposed-headers"), path + ".exposed-headers", CorsConfig.EXPECTED_HEADER);
    Duration maxAge =
        duration(fields.get("max-age"), path + ".max-age", CorsConfig.EXPECTED_MAX_AGE, false);
    try {
      return new CorsConfig(origins, methods, headers, exposed, maxAge);
    } catch (ConfigException e) {
      violations.addAll(path, e);
      return null;
    }
  }

  // ---- server.tls

  static final List<String> TLS_KEYS =
      List.of("certificate", "key", "client-ca", "client-auth", "reload-interval");

  private TlsConfig tls(JsonNode node) {
    String path = "server.tls";
    Map<String, JsonNode> fields = object(node, path, TLS_KEYS);
    Path certificate =
        readableFile(fields.get("certificate"), path + ".certificate", TlsConfig.EXPECTED_FILE);
    Path key = readableFile(fields.get("key"), path + ".key", TlsConfig.EXPECTED_FILE);
    Path clientCa =
        readableFile(fields.get("client-ca"), path + ".client-ca", TlsConfig.EXPECTED_FILE);
    String clientAuthText =
        string(
            fields.get("client-auth"),
            path + ".client-auth",
            TlsConfig.EXPECTED_CLIENT_AUTH,
            false);
    TlsConfig.ClientAuth clientAuth = null;
    if (clientAuthText != null) {
      clientAuth = enumValue(TlsConfig.ClientAuth.values(), clientAuthText);
      if (clientAuth == null) {
        violations.invalid(path + ".client-auth", clientAuthText, TlsConfig.EXPECTED_CLIENT_AUTH);
      }
    }
    Duration reloadInterval =
        duration(
            fields.get("reload-interval"),
            path + ".reload-interval",
            TlsConfig.EXPECTED_RELOAD_INTERVAL,
            false);
    try {
      return new TlsConfig(certificate, key, clientCa, clientAuth, reloadInterval);
    } catch (ConfigException e) {
      violations.addAll(path, e);
      return null;
    }
  }

  /** A path to an existing regular file, resolved against the config's folder; null if absent. */
  private Path readableFile(JsonNode node, String path, String expected) {
    String text = string(node, path, expected, true);
    if (text == null) {
      return null;
    }
    Path file = resolve(text);
    if (file == null || !Files.isRegularFile(file) || !Files.isReadable(file)) {
      violations.invalid(path, file == null ? text : file.toString(), expected);
      return null;
    }
    return file;
  }

  /** The constant written in lower case as {@code text}, or null. */
  private static <E extends Enum<E>> E enumValue(E[] constants, String text) {
    for (E constant : constants) {
      if (constant.name().toLowerCase(Locale.ROOT).equals(text)) {
        return constant;
      }
    }
    return null;
  }

  private ModelRepositoryConfig repository(JsonNode node) {
    String path = "model-repository.path";
    Map<String, JsonNode> fields = object(node, "model-repository", MODEL_REPOSITORY_KEYS);
    String folder = string(fields.get("path"), path, EXPECTED_REPOSITORY_PATH, true);
    if (folder == null) {
      return ModelRepositoryConfig.none();
    }
    Path resolved = resolve(folder);
    if (resolved == null || !Files.isDirectory(resolved)) {
      violations.invalid(
          path, resolved == null ? folder : resolved.toString(), EXPECTED_REPOSITORY_PATH);
      return ModelRepositoryConfig.none();
    }
    return ModelRepositoryConfig.of(resolved);
  }

  private OnnxConfig onnx(JsonNode node) {
    String path = "onnx.intra-op-threads";
    Map<String, JsonNode> fields = object(node, "onnx", ONNX_KEYS);
    Long threads =
        integer(fields.get("intra-op-threads"), path, OnnxConfig.EXPECTED_INTRA_OP_THREADS, false);
    try {
      return new OnnxConfig(
          threads == null
              ? OnnxConfig.DEFAULT_INTRA_OP_THREADS
              : toInt(threads, path, OnnxConfig.EXPECTED_INTRA_OP_THREADS));
    } catch (ConfigException e) {
      violations.addAll("onnx", e);
      return null;
    }
  }

  private Map<String, ModelConfig> models(JsonNode node) {
    if (isAbsent(node)) {
      return Map.of();
    }
    if (!node.isObject()) {
      bad("models", node, "a mapping of model name to its settings");
      return Map.of();
    }
    Map<String, ModelConfig> models = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String name = entry.getKey();
      String path = "models." + name;
      boolean validName = ModelConfig.isValidName(name);
      if (!validName) {
        violations.invalid(path, name, "a model name of " + ModelConfig.EXPECTED_NAME);
      }
      ModelConfig model = model(entry.getValue(), path, true);
      if (model != null && validName) {
        models.put(name, model);
      }
    }
    return models;
  }

  /**
   * One model: an entry of {@code models:} (with uri and version) or a repository config.yaml (with
   * version-policy). Returns null when it is invalid (recorded).
   */
  private ModelConfig model(JsonNode node, String path, boolean inMainFile) {
    List<String> keys = inMainFile ? MODEL_KEYS : MODEL_CONFIG_KEYS;
    if (isAbsent(node) || !node.isObject()) {
      bad(path, node, "a mapping with keys: " + String.join(", ", keys));
      return null;
    }
    Map<String, JsonNode> fields = object(node, path, keys);
    String uri = string(fields.get("uri"), join(path, "uri"), ModelConfig.EXPECTED_URI, false);
    if (inMainFile && !fields.containsKey("uri")) {
      violations.add(join(path, "uri"), "missing (expected: " + ModelConfig.EXPECTED_URI + ")");
    }
    if (uri != null) {
      Path file = ModelConfig.parseFile(uri);
      uri = file == null ? uri : values.baseDir().resolve(file).normalize().toString();
    }
    String version = version(fields.get("version"), join(path, "version"));
    String labels =
        string(fields.get("labels"), join(path, "labels"), ModelConfig.EXPECTED_LABELS, true);
    if (labels != null) {
      Path file = resolve(labels);
      labels = file == null ? labels : file.toString();
    }
    String platform =
        string(
            fields.get("platform"), join(path, "platform"), ModelConfig.EXPECTED_PLATFORM, false);
    VersionPolicy policy =
        versionPolicy(fields.get("version-policy"), join(path, "version-policy"));
    Long threads =
        integer(
            fields.get("intra-op-threads"),
            join(path, "intra-op-threads"),
            OnnxConfig.EXPECTED_INTRA_OP_THREADS,
            true);
    List<String> outputs = outputs(fields.get("default-outputs"), join(path, "default-outputs"));
    BatchingConfig batching = batching(fields.get("batching"), join(path, "batching"));
    try {
      return new ModelConfig(
          uri,
          version,
          labels,
          platform,
          policy,
          threads == null
              ? null
              : toInt(
                  threads, join(path, "intra-op-threads"), OnnxConfig.EXPECTED_INTRA_OP_THREADS),
          outputs,
          batching);
    } catch (ConfigException e) {
      violations.addAll(path, e);
      return null;
    }
  }

  private VersionPolicy versionPolicy(JsonNode node, String path) {
    if (isAbsent(node)) {
      return null;
    }
    if (!node.isObject()) {
      bad(path, node, EXPECTED_POLICY);
      return null;
    }
    Map<String, JsonNode> fields = object(node, path, VERSION_POLICY_KEYS);
    if (fields.size() != 1) {
      if (fields.size() > 1 || node.isEmpty()) {
        violations.add(
            path,
            (node.isEmpty() ? "no policy" : "the keys " + String.join(", ", fields.keySet()))
                + " (expected: "
                + EXPECTED_POLICY
                + ")");
      }
      return null;
    }
    Map.Entry<String, JsonNode> choice = fields.entrySet().iterator().next();
    String choicePath = join(path, choice.getKey());
    try {
      return switch (choice.getKey()) {
        case "latest" -> {
          Long count = integer(choice.getValue(), choicePath, VersionPolicy.Latest.EXPECTED, false);
          yield count == null
              ? null
              : new VersionPolicy.Latest(toInt(count, choicePath, VersionPolicy.Latest.EXPECTED));
        }
        case "all" -> {
          JsonNode value = choice.getValue();
          if (!value.isNull() && !(value.isObject() && value.isEmpty())) {
            bad(choicePath, value, "{}");
            yield null;
          }
          yield new VersionPolicy.All();
        }
        default -> {
          JsonNode value = choice.getValue();
          if (!value.isArray()) {
            bad(choicePath, value, "a list of versions such as [\"1\", \"3\"]");
            yield null;
          }
          List<String> versions = new ArrayList<>();
          for (int i = 0; i < value.size(); i++) {
            String version = version(value.get(i), choicePath + "[" + i + "]");
            if (version == null) {
              yield null;
            }
            versions.add(version);
          }
          yield new VersionPolicy.Specific(versions);
        }
      };
    } catch (ConfigException e) {
      violations.addAll(path, e);
      return null;
    }
  }

  /** {@code batching:}; absent means none, {@code {}} every default. */
  private BatchingConfig batching(JsonNode node, String path) {
    if (node == null) {
      return null;
    }
    if (!node.isObject()) {
      bad(path, node, EXPECTED_BATCHING);
      return null;
    }
    Map<String, JsonNode> fields = object(node, path, BATCHING_KEYS);
    Long maxBatchSize =
        integer(
            fields.get("max-batch-size"),
            join(path, "max-batch-size"),
            BatchingConfig.EXPECTED_MAX_BATCH_SIZE,
            false);
    List<Integer> preferred =
        batchSizes(fields.get("preferred-batch-sizes"), join(path, "preferred-batch-sizes"));
    Long delay =
        integer(
            fields.get("max-queue-delay-micros"),
            join(path, "max-queue-delay-micros"),
            BatchingConfig.EXPECTED_DELAY,
            false);
    Long queueSize =
        integer(
            fields.get("max-queue-size"),
            join(path, "max-queue-size"),
            BatchingConfig.EXPECTED_QUEUE_SIZE,
            false);
    Long concurrent =
        integer(
            fields.get("max-concurrent-batches"),
            join(path, "max-concurrent-batches"),
            BatchingConfig.EXPECTED_CONCURRENT,
            false);
    try {
      return new BatchingConfig(
          maxBatchSize == null
              ? BatchingConfig.DEFAULT_MAX_BATCH_SIZE
              : toInt(
                  maxBatchSize,
                  join(path, "max-batch-size"),
                  BatchingConfig.EXPECTED_MAX_BATCH_SIZE),
          preferred,
          delay == null ? BatchingConfig.DEFAULT_MAX_QUEUE_DELAY_MICROS : delay,
          queueSize == null
              ? BatchingConfig.DEFAULT_MAX_QUEUE_SIZE
              : toInt(queueSize, join(path, "max-queue-size"), BatchingConfig.EXPECTED_QUEUE_SIZE),
          concurrent == null
              ? BatchingConfig.DEFAULT_MAX_CONCURRENT_BATCHES
              : toInt(
                  concurrent,
                  join(path, "max-concurrent-batches"),
                  BatchingConfig.EXPECTED_CONCURRENT));
    } catch (ConfigException e) {
      violations.addAll(path, e);
      return null;
    }
  }

  private List<Integer> batchSizes(JsonNode node, String path) {
    if (node == null) {
      return null;
    }
    if (!node.isArray()) {
      bad(path, node, BatchingConfig.EXPECTED_PREFERRED);
      return null;
    }
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String itemPath = path + "[" + i + "]";
      Long size = integer(node.get(i), itemPath, BatchingConfig.EXPECTED_PREFERRED, false);
      if (size == null) {
        return null;
      }
      sizes.add(toInt(size, itemPath, BatchingConfig.EXPECTED_PREFERRED));
    }
    return sizes;
  }

  private List<String> outputs(JsonNode node, String path) {
    if (isAbsent(node)) {
      return null;
    }
    if (!node.isArray()) {
      bad(path, node, ModelConfig.EXPECTED_OUTPUT);
      return null;
    }
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String output = string(node.get(i), path + "[" + i + "]", ModelConfig.EXPECTED_OUTPUT, false);
      if (output == null) {
        return null;
      }
      outputs.add(output);
    }
    return outputs;
  }

  // ---- shorthands for the tree reader

  private Map<String, JsonNode> object(JsonNode node, String path, List<String> keys) {
    return values.object(node, path, keys);
  }

  private static boolean isAbsent(JsonNode node) {
    return TreeReader.isAbsent(node);
  }

  private String string(JsonNode node, String path, String expected, boolean nullable) {
    return values.string(node, path, expected, nullable);
  }

  private String version(JsonNode node, String path) {
    return values.version(node, path);
  }

  private Long integer(JsonNode node, String path, String expected, boolean nullable) {
    return values.integer(node, path, expected, nullable);
  }

  private Boolean bool(JsonNode node, String path, boolean nullable) {
    return values.bool(node, path, nullable);
  }

  private Duration duration(JsonNode node, String path, String expected, boolean nullable) {
    return values.duration(node, path, expected, nullable);
  }

  private int toInt(long value, String path, String expected) {
    return values.toInt(value, path, expected);
  }

  private Path resolve(String path) {
    return values.resolve(path);
  }

  private void bad(String path, JsonNode node, String expected) {
    values.bad(path, node, expected);
  }
}
