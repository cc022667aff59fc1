package io.mlsys.repository;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigText;
import io.mlsys.config.Violations;
import io.mlsys.core.ModelNames;
import io.mlsys.core.spi.DecoratorOptions;
import io.mlsys.monitoring.MonitoringConfig;
import io.mlsys.resilience.BatchingConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * One model named in mlsys.yaml ({@code models.<name>:}), or read from a repository model's {@code
 * config.yaml} (where {@code uri} is absent and the versions come from the folder).
 *
 * @param uri where the model is: {@code file:path/model.onnx}, {@code file:///abs/model.onnx} or a
 *     plain path; null for a repository model. Relative paths are resolved against the working
 *     directory (the loader resolves them against the config file's folder first).
 * @param registry a model version in the model registry instead of a file: {@code name@alias} (the
 *     server follows the alias as it moves) or {@code name/version} (pinned); {@code uri:
 *     registry:name@alias} means the same. The served version is then the registry's version
 *     number, and {@code version} and {@code labels} are not given (they come with the version)
 * @param version the version it is served as, a positive integer; null means {@value
 *     #DEFAULT_VERSION}. Ignored for repository models, whose versions are their folders.
 * @param labels a JSON file mapping class key to display label, e.g. {@code {"0": "setosa"}}; null
 *     for none
 * @param platform the runtime that loads the model, by its platform name; null means {@value
 *     #DEFAULT_PLATFORM}. Any well-formed name is accepted here: which platforms have a runtime
 *     depends on the classpath (the {@code io.mlsys.core.spi.ModelRuntime} SPI), so the model
 *     repository checks it when it loads the model, and a model whose platform has no runtime fails
 *     to load with a reason listing the installed platforms
 * @param versionPolicy which versions of a repository model are served; null means {@code latest:
 *     1}
 * @param intraOpThreads overrides {@code onnx.intra-op-threads} for this model; null to inherit
 * @param defaultOutputs outputs computed when a request names none; null or empty means all
 * @param batching dynamic batching of this model's requests; null means none. Shorthand for a
 *     {@code batching} decorator as the innermost entry of the model's decorators (see {@link
 *     #decoratorChain}); a model that lists a {@code batching} decorator may not also have it
 * @param decorators what serves the model, outermost first: each entry a decorator kind with its
 *     options ({@code io.mlsys.core.spi.ModelDecorator}); null means the server-wide default list
 *     ({@code model-defaults.decorators}), empty means none
 * @param monitoring prediction monitoring of this model; null means none. Shorthand for a {@code
 *     monitor} decorator as the outermost entry of the model's decorators (see {@link
 *     #decoratorChain}); a model that lists a {@code monitor} decorator may not also have it
 */
public record ModelConfig(
    String uri,
    String registry,
    @ConfigText String version,
    String labels,
    String platform,
    VersionPolicy versionPolicy,
    Integer intraOpThreads,
    List<String> defaultOutputs,
    BatchingConfig batching,
    List<DecoratorOptions> decorators,
    MonitoringConfig monitoring) {

  public static final String DEFAULT_VERSION = "1";

  /**
   * The version an absent key gets. Its own instance of {@link #DEFAULT_VERSION}: the config binder
   * fills an absent {@code version} from {@link #defaults()}, and a registry model must tell that
   * from a {@code version} the file gives (which it refuses).
   */
  @SuppressWarnings("StringOperationCanBeSimplified")
  private static final String ABSENT_VERSION = new String(DEFAULT_VERSION);

  public static final String ONNX_PLATFORM = "onnxruntime_onnx";
  public static final String DEFAULT_PLATFORM = ONNX_PLATFORM;

  /**
   * What a platform name may be (Triton spells them {@code onnxruntime_onnx}, {@code
   * tensorflow_savedmodel}, {@code pytorch_libtorch}).
   */
  public static final Pattern PLATFORM_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  /**
   * What a model name may be: it is a folder name and a URL path segment. It may not start with a
   * dot, which also rules out {@code .} and {@code ..}; the repository skips such hidden folders
   * (e.g. {@code .git}, or {@code ..data} in a Kubernetes volume).
   */
  public static final Pattern NAME_PATTERN = ModelNames.NAME_PATTERN;

  public static final String EXPECTED_NAME = ModelNames.EXPECTED_NAME;
  public static final String EXPECTED_VERSION = ModelNames.EXPECTED_VERSION;
  static final String EXPECTED_URI =
      "file:PATH, file:///ABSOLUTE/PATH or a plain path to the model";
  static final String EXPECTED_LABELS = "the path of a JSON file of class key to label";
  static final String EXPECTED_PLATFORM =
      "a platform name of 1 to 64 letters, digits, '_', '.' or '-', such as " + ONNX_PLATFORM;
  static final String EXPECTED_OUTPUT = "a list of distinct output names";
  static final String EXPECTED_DECORATOR = "a decorator kind with its options";

  /** The uri scheme that names a registry reference ({@code registry:iris@champion}). */
  public static final String REGISTRY_SCHEME = "registry:";

  /** {@code name@alias} or {@code name/version}, with the name rule of models. */
  static final Pattern REGISTRY_REFERENCE =
      Pattern.compile(
          "[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}(@[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}|/[1-9][0-9]{0,17})");

  static final String EXPECTED_REGISTRY =
      "name@alias (e.g. iris@champion) or name/version (e.g. iris/3)";

  private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]+):.*");

  /**
   * @throws ConfigException listing every invalid field
   */
  public ModelConfig {
    Violations violations = new Violations();
    if (uri != null && uri.startsWith(REGISTRY_SCHEME)) {
      if (registry != null) {
        violations.add("registry", "given next to uri '" + uri + "' (expected: one of them)");
      }
      registry = uri.substring(REGISTRY_SCHEME.length());
      uri = null;
    }
    if (registry != null) {
      violations.check(
          REGISTRY_REFERENCE.matcher(registry).matches(), "registry", registry, EXPECTED_REGISTRY);
      if (uri != null) {
        violations.add("uri", "given next to registry '" + registry + "' (expected: one of them)");
      }
      if (version != null && version != ABSENT_VERSION) {
        violations.add(
            "version",
            "given for the registry model '"
                + registry
                + "' (expected: none; it is served as its registry version number)");
      }
      if (labels != null) {
        violations.add(
            "labels",
            "given for the registry model '"
                + registry
                + "' (expected: none; labels come with the registered version)");
      }
    }
    version = Objects.requireNonNullElse(version, ABSENT_VERSION);
    platform = Objects.requireNonNullElse(platform, DEFAULT_PLATFORM);
    versionPolicy = Objects.requireNonNullElseGet(versionPolicy, VersionPolicy::defaultPolicy);
    defaultOutputs = defaultOutputs == null ? List.of() : defaultOutputs;
    if (uri != null) {
      violations.check(parseFile(uri) != null, "uri", uri, EXPECTED_URI);
    }
    violations.check(isValidVersion(version), "version", version, EXPECTED_VERSION);
    if (labels != null) {
      violations.check(isValidPath(labels), "labels", labels, EXPECTED_LABELS);
    }
    violations.check(
        PLATFORM_PATTERN.matcher(platform).matches(), "platform", platform, EXPECTED_PLATFORM);
    if (intraOpThreads != null) {
      OnnxConfig.checkThreads(violations, "intra-op-threads", intraOpThreads);
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < defaultOutputs.size(); i++) {
      String output = defaultOutputs.get(i);
      violations.check(
          output != null && !output.isBlank() && seen.add(output),
          "default-outputs[" + i + "]",
          output,
          EXPECTED_OUTPUT);
    }
    if (decorators != null) {
      for (int i = 0; i < decorators.size(); i++) {
        DecoratorOptions decorator = decorators.get(i);
        violations.check(decorator != null, "decorators[" + i + "]", null, EXPECTED_DECORATOR);
        if (batching != null && decorator instanceof BatchingConfig) {
          violations.add(
              BATCHING_KEY,
              "given next to a batching decorator in decorators["
                  + i
                  + "] (expected: one of them; batching is shorthand for the innermost"
                  + " batching decorator)");
        }
        if (monitoring != null && decorator instanceof MonitoringConfig) {
          violations.add(
              MONITORING_KEY,
              "given next to a monitor decorator in decorators["
                  + i
                  + "] (expected: one of them; monitoring is shorthand for the outermost monitor"
                  + " decorator)");
        }
      }
    }
    violations.throwIfAny(null);
    defaultOutputs = List.copyOf(defaultOutputs);
    decorators = decorators == null ? null : List.copyOf(decorators);
  }

  /** The key of {@link #batching()}, for the messages about it. */
  private static final String BATCHING_KEY = "batching";

  /** The key of {@link #monitoring()}, for the messages about it. */
  private static final String MONITORING_KEY = "monitoring";

  /** A model served from one file as version {@value #DEFAULT_VERSION}, every other default. */
  public static ModelConfig of(String uri) {
    return new ModelConfig(uri, null, null, null, null, null, null, null, null, null, null);
  }

  /** Every default and no uri: a repository model folder without {@code config.yaml}. */
  @ConfigDefaults
  public static ModelConfig defaults() {
    return of(null);
  }

  public ModelConfig withUri(String newUri) {
    return copy(draft -> draft.uri = newUri);
  }

  /** The same model served from the registry ({@code name@alias} or {@code name/version}). */
  public ModelConfig withRegistry(String newRegistry) {
    return copy(
        draft -> {
          draft.registry = newRegistry;
          draft.uri = null;
          draft.version = null;
          draft.labels = null;
        });
  }

  public ModelConfig withVersion(String newVersion) {
    return copy(draft -> draft.version = newVersion);
  }

  public ModelConfig withLabels(String newLabels) {
    return copy(draft -> draft.labels = newLabels);
  }

  public ModelConfig withPlatform(String newPlatform) {
    return copy(draft -> draft.platform = newPlatform);
  }

  public ModelConfig withVersionPolicy(VersionPolicy newVersionPolicy) {
    return copy(draft -> draft.versionPolicy = newVersionPolicy);
  }

  /** The same model with its own thread count; null inherits {@code onnx.intra-op-threads}. */
  public ModelConfig withIntraOpThreads(Integer newIntraOpThreads) {
    return copy(draft -> draft.intraOpThreads = newIntraOpThreads);
  }

  public ModelConfig withDefaultOutputs(List<String> newDefaultOutputs) {
    return copy(draft -> draft.defaultOutputs = newDefaultOutputs);
  }

  /** The same model with dynamic batching; null for none. */
  public ModelConfig withBatching(BatchingConfig newBatching) {
    return copy(draft -> draft.batching = newBatching);
  }

  /**
   * The same model served through these decorators, outermost first; null for the server's
   * defaults, empty for none.
   */
  public ModelConfig withDecorators(List<DecoratorOptions> newDecorators) {
    return copy(draft -> draft.decorators = newDecorators);
  }

  /** The same model with prediction monitoring; null for none. */
  public ModelConfig withMonitoring(MonitoringConfig newMonitoring) {
    return copy(draft -> draft.monitoring = newMonitoring);
  }

  /**
   * The decorators this model is served through, outermost first: its own {@link #decorators()},
   * else the server-wide defaults; then, when it has {@link #batching()}, a batching decorator as
   * the innermost entry (next to the model).
   *
   * @throws ConfigException at {@code batching} when the model takes the defaults, has {@code
   *     batching} and the defaults already hold a batching decorator
   */
  public List<DecoratorOptions> decoratorChain(ModelDefaultsConfig defaults) {
    List<DecoratorOptions> chain = decorators != null ? decorators : defaults.decorators();
    if (monitoring != null) {
      for (int i = 0; i < chain.size(); i++) {
        if (chain.get(i) instanceof MonitoringConfig) {
          throw new ConfigException(
              MONITORING_KEY,
              "given next to a monitor decorator in "
                  + ModelDefaultsConfig.DECORATORS_PATH
                  + "["
                  + i
                  + "] (expected: one of them; to monitor this model otherwise, list its own"
                  + " decorators)");
        }
      }
      List<DecoratorOptions> monitored = new ArrayList<>();
      monitored.add(monitoring);
      monitored.addAll(chain);
      chain = List.copyOf(monitored);
    }
    if (batching == null) {
      return chain;
    }
    for (int i = 0; i < chain.size(); i++) {
      if (chain.get(i) instanceof BatchingConfig) {
        throw new ConfigException(
            BATCHING_KEY,
            "given next to a batching decorator in "
                + ModelDefaultsConfig.DECORATORS_PATH
                + "["
                + i
                + "] (expected: one of them; to batch this model otherwise, list its own"
                + " decorators)");
      }
    }
    List<DecoratorOptions> withBatching = new ArrayList<>(chain);
    withBatching.add(batching);
    return List.copyOf(withBatching);
  }

  /**
   * The same model with its file uri and labels path resolved against {@code folder} (the folder of
   * the file it was written in).
   */
  public ModelConfig resolvedAgainst(Path folder) {
    String resolvedUri = uri;
    Path file = uri == null ? null : parseFile(uri);
    if (file != null) {
      resolvedUri = folder.resolve(file).normalize().toString();
    }
    String resolvedLabels = labels == null ? null : folder.resolve(labels).normalize().toString();
    return new ModelConfig(
        resolvedUri,
        registry,
        registry == null ? version : null,
        resolvedLabels,
        platform,
        versionPolicy,
        intraOpThreads,
        defaultOutputs,
        batching,
        decorators,
        monitoring);
  }

  /** The model file named by {@link #uri()}, or null when there is no uri. */
  public Path file() {
    return uri == null ? null : parseFile(uri);
  }

  /** The labels file, or null when there is none. */
  public Path labelsFile() {
    return labels == null ? null : Path.of(labels);
  }

  /** The thread count for this model: its own, or {@code fallback} when it inherits. */
  public int intraOpThreadsOr(int fallback) {
    return intraOpThreads == null ? fallback : intraOpThreads;
  }

  /** Whether {@code name} may name a model (and so a folder and a URL path segment). */
  public static boolean isValidName(String name) {
    return ModelNames.isValidName(name);
  }

  /** Whether {@code version} is a positive integer written without leading zeros. */
  public static boolean isValidVersion(String version) {
    return ModelNames.isValidVersion(version);
  }

  /**
   * The path a {@code file:} uri or a plain path names; null when it is neither (another scheme, or
   * not a path at all).
   */
  static Path parseFile(String uri) {
    if (uri.isBlank()) {
      return null;
    }
    try {
      var scheme = SCHEME.matcher(uri);
      if (!scheme.matches()) {
        return Path.of(uri);
      }
      if (!scheme.group(1).equalsIgnoreCase("file")) {
        return null;
      }
      String rest = uri.substring(scheme.group(1).length() + 1);
      if (rest.startsWith("//")) {
        URI parsed = new URI(uri);
        String authority = parsed.getAuthority();
        if (authority != null && !authority.isEmpty() && !authority.equals("localhost")) {
          return null;
        }
        return Path.of(parsed.getPath());
      }
      return rest.isBlank() ? null : Path.of(rest);
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean isValidPath(String path) {
    if (path.isBlank()) {
      return false;
    }
    try {
      Path.of(path);
      return true;
    } catch (InvalidPathException e) {
      return false;
    }
  }

  /** A copy with one change: each {@code with...} method changes its fields of a draft. */
  private ModelConfig copy(Consumer<Draft> change) {
    Draft draft = new Draft(this);
    change.accept(draft);
    return draft.build();
  }

  /** The fields of a config being copied; built once, through the checking constructor. */
  private static final class Draft {
    private String uri;
    private String registry;
    private String version;
    private String labels;
    private String platform;
    private VersionPolicy versionPolicy;
    private Integer intraOpThreads;
    private List<String> defaultOutputs;
    private BatchingConfig batching;
    private List<DecoratorOptions> decorators;
    private MonitoringConfig monitoring;

    Draft(ModelConfig config) {
      uri = config.uri;
      registry = config.registry;
      version = config.registry == null ? config.version : null;
      labels = config.labels;
      platform = config.platform;
      versionPolicy = config.versionPolicy;
      intraOpThreads = config.intraOpThreads;
      defaultOutputs = config.defaultOutputs;
      batching = config.batching;
      decorators = config.decorators;
      monitoring = config.monitoring;
    }

    ModelConfig build() {
      return new ModelConfig(
          uri,
          registry,
          version,
          labels,
          platform,
          versionPolicy,
          intraOpThreads,
          defaultOutputs,
          batching,
          decorators,
          monitoring);
    }
  }
}
