package io.mlsys.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigDocument;
import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigViolation;
import io.mlsys.graph.ModelOptions;
import io.mlsys.graph.NodeConfig;
import io.mlsys.repository.ModelConfig;
import io.mlsys.repository.ModelConfigLoader;
import io.mlsys.repository.VersionPolicy;
import io.mlsys.resilience.BatchingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MlsysConfigLoaderTest {
  private static final Map<String, String> NO_ENV = Map.of();

  @TempDir Path dir;

  private MlsysConfig parse(String yaml) {
    return MlsysConfigLoader.parse(yaml, dir, NO_ENV);
  }

  private List<String> violations(String yaml) {
    return violations(yaml, NO_ENV);
  }

  private List<String> violations(String yaml, Map<String, String> env) {
    try {
      MlsysConfigLoader.parse(yaml, dir, env);
    } catch (ConfigException e) {
      return e.violations().stream().map(ConfigViolation::toString).toList();
    }
    throw new AssertionError("expected a ConfigException for:\n" + yaml);
  }

  @Test
  void readsEveryKeyOfTheExample() throws IOException {
    Files.createDirectories(dir.resolve("models"));
    MlsysConfig config =
        parse(
            """
            server: { host: 127.0.0.1, port: 9090, max-request-bytes: 1024, shutdown-grace: 5s,
                      default-timeout: 250ms, access-log: false }
            model-repository: { path: ./models }
            onnx: { intra-op-threads: 2 }
            models:
              iris-svc:
                uri: file:./models/iris_svc.onnx
                labels: ./models/label.json
                version: "3"
                platform: onnxruntime_onnx
                intra-op-threads: 4
                default-outputs: [output_label]
            """);

    assertThat(config.server())
        .isEqualTo(
            ServerConfig.defaults()
                .withHost("127.0.0.1")
                .withPort(9090)
                .withMaxRequestBytes(1024)
                .withShutdownGrace(Duration.ofSeconds(5))
                .withDefaultTimeout(Duration.ofMillis(250))
                .withAccessLog(false));
    assertThat(config.modelRepository().path()).isEqualTo(dir.resolve("models"));
    assertThat(config.onnx().intraOpThreads()).isEqualTo(2);
    ModelConfig iris = config.models().get("iris-svc");
    assertThat(iris.file()).isEqualTo(dir.resolve("models/iris_svc.onnx"));
    assertThat(iris.labelsFile()).isEqualTo(dir.resolve("models/label.json"));
    assertThat(iris.version()).isEqualTo("3");
    assertThat(iris.platform()).isEqualTo("onnxruntime_onnx");
    assertThat(iris.intraOpThreads()).isEqualTo(4);
    assertThat(iris.defaultOutputs()).containsExactly("output_label");
  }

  @Test
  void anEmptyFileGivesEveryDefault() {
    assertThat(parse("")).isEqualTo(MlsysConfig.defaults());
    assertThat(parse("# nothing yet\nmodels:\n")).isEqualTo(MlsysConfig.defaults());
  }

  @Test
  void aModelGetsTheDocumentedDefaults() {
    ModelConfig model = parse("models: { m: { uri: m.onnx } }").models().get("m");

    assertThat(model.version()).isEqualTo(ModelConfig.DEFAULT_VERSION);
    assertThat(model.platform()).isEqualTo(ModelConfig.DEFAULT_PLATFORM);
    assertThat(model.labels()).isNull();
    assertThat(model.intraOpThreads()).isNull();
    assertThat(model.intraOpThreadsOr(7)).isEqualTo(7);
    assertThat(model.defaultOutputs()).isEmpty();
  }

  @Test
  void loadResolvesRelativePathsAgainstTheFilesFolder() throws IOException {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.createDirectories(conf.resolve("repo"));
    Path file = conf.resolve("mlsys.yaml");
    Files.writeString(
        file,
        """
        model-repository: { path: repo }
        models:
          a: { uri: "file:../a.onnx", labels: labels/a.json }
          b: { uri: /opt/b.onnx }
          c: { uri: "file:///opt/c.onnx" }
        """);

    MlsysConfig config = MlsysConfigLoader.load(file, NO_ENV);

    assertThat(config.modelRepository().path()).isEqualTo(conf.resolve("repo"));
    assertThat(config.models().get("a").file()).isEqualTo(dir.resolve("a.onnx"));
    assertThat(config.models().get("a").labelsFile()).isEqualTo(conf.resolve("labels/a.json"));
    assertThat(config.models().get("b").file()).isEqualTo(Path.of("/opt/b.onnx"));
    assertThat(config.models().get("c").file()).isEqualTo(Path.of("/opt/c.onnx"));
  }

  @ParameterizedTest
  @CsvSource({"250ms, PT0.25S", "2s, PT2S", "5m, PT5M", "1h, PT1H", "PT2S, PT2S", "pt1m, PT1M"})
  void readsDurations(String written, String expected) {
    assertThat(parse("server: { shutdown-grace: " + written + " }").server().shutdownGrace())
        .isEqualTo(Duration.parse(expected));
  }

  @Test
  void substitutesEnvironmentVariablesInValues() {
    Map<String, String> env = Map.of("HOST", "10.0.0.1", "PORT", "9000", "LOG", "false");

    MlsysConfig config =
        MlsysConfigLoader.parse(
            """
            server:
              host: ${HOST}
              port: ${PORT}
              access-log: ${LOG}
              default-timeout: ${TIMEOUT:-3s}
            models:
              m: { uri: "${MODELS:-/srv}/m-$${literal}.onnx" }
            """,
            dir,
            env);

    assertThat(config.server().host()).isEqualTo("10.0.0.1");
    assertThat(config.server().port()).isEqualTo(9000);
    assertThat(config.server().accessLog().enabled()).isFalse();
    assertThat(config.server().defaultTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.models().get("m").uri()).isEqualTo("/srv/m-${literal}.onnx");
  }

  @Test
  void anUnsetVariableWithoutDefaultNamesTheKey() {
    assertThat(violations("server: { host: \"${BIND_HOST}\" }"))
        .containsExactly(
            "server.host: '${BIND_HOST}' (expected: the environment variable BIND_HOST to be set,"
                + " or a default as in ${BIND_HOST:-value})");
  }

  @Test
  void aVariableOfTheWrongTypeShowsWhereItCameFrom() {
    assertThat(violations("server: { port: \"${PORT}\" }", Map.of("PORT", "http")))
        .containsExactly("server.port: '${PORT}' = 'http' (expected: an integer (32-bit))");
  }

  @Test
  void anUnclosedPlaceholderIsAnError() {
    assertThat(violations("server: { host: \"${HOST\" }"))
        .singleElement()
        .asString()
        .startsWith("server.host: '${HOST' has an unclosed ${");
  }

  @Test
  void anUnknownKeyFailsWithItsFullPathAndTheAllowedKeys() {
    assertThat(violations("models: { iris-svc: { urii: x.onnx, uri: x.onnx } }"))
        .containsExactly(
            "models.iris-svc.urii: unknown key (expected one of: uri, registry, version, labels,"
                + " platform, intra-op-threads, default-outputs, batching, decorators, monitoring)");
  }

  @Test
  void anUnknownTopLevelKeyFails() {
    assertThat(violations("stores: {}"))
        .containsExactly(
            "stores: unknown key (expected one of: server, model-repository, onnx,"
                + " model-defaults, models, graphs, store, registry, data-dir, prediction-log, tracing, jobs, batch)");
  }

  @Test
  void aWrongTypeFailsWithThePathAndTheExpectedType() {
    assertThat(violations("server: { port: abc }"))
        .containsExactly("server.port: 'abc' (expected: an integer (32-bit))");
  }

  @Test
  void aQuotedNumberIsNotCoerced() {
    assertThat(violations("server: { port: \"8080\" }"))
        .containsExactly("server.port: '8080' (expected: an integer (32-bit))");
  }

  @Test
  void aNumberIsNotADuration() {
    assertThat(violations("server: { shutdown-grace: 30 }"))
        .containsExactly(
            "server.shutdown-grace: 30 (expected: a duration such as 250ms, 2s, 5m, 1h or PT2S)");
  }

  @Test
  void anyWellFormedPlatformIsAcceptedForTheRepositoryToCheckAgainstItsRuntimes() {
    // Which platforms have a runtime depends on the classpath: the model fails to load instead.
    ModelConfig model =
        parse("models: { web: { uri: m.savedmodel, platform: tensorflow_savedmodel } }")
            .models()
            .get("web");

    assertThat(model.platform()).isEqualTo("tensorflow_savedmodel");
  }

  @Test
  void reportsEveryViolationAtOnce() {
    List<String> found =
        violations(
            """
            server: { port: 70000, max-request-bytes: 0, shutdown-grace: -1s, colour: red }
            onnx: { intra-op-threads: 0 }
            models:
              "bad name": { uri: a.onnx }
              no-uri: { version: "1" }
              web: { uri: "https://example.com/m.onnx", platform: "tensor flow" }
              policy: { uri: p.onnx, version: "0" }
            """);

    assertThat(found)
        .containsExactlyInAnyOrder(
            "server.colour: unknown key (expected one of: host, port,"
                + " max-request-bytes, shutdown-grace, default-timeout, access-log, grpc-port, watch-config,"
                + " connections, limits, grpc, auth, cors, tls)",
            "server.port: 70000 (expected: an integer from 0 to 65535)",
            "server.max-request-bytes: 0 (expected: an integer from 1 to 2147483647)",
            "server.shutdown-grace: -1s (expected: a duration such as 250ms, 2s, 5m, 1h or PT2S,"
                + " >= 0)",
            "onnx.intra-op-threads: 0 (expected: an integer from 1 to 256)",
            "models.bad name: 'bad name' (expected: a model name of 1 to 128 letters, digits, '_',"
                + " '.' or '-', not starting with '.')",
            "models.no-uri.uri: missing (expected: file:PATH, file:///ABSOLUTE/PATH or a plain path"
                + " to the model; or registry: name@alias (e.g. iris@champion) or name/version (e.g."
                + " iris/3))",
            "models.web.uri: 'https://example.com/m.onnx' (expected: file:PATH,"
                + " file:///ABSOLUTE/PATH or a plain path to the model)",
            "models.web.platform: 'tensor flow' (expected: a platform name of 1 to 64 letters,"
                + " digits, '_', '.' or '-', such as onnxruntime_onnx)",
            "models.policy.version: '0' (expected: a positive integer such as 1 or \"2\")");
  }

  @Test
  void aModelNamesARegistryReferenceInsteadOfAFile() {
    MlsysConfig config =
        parse(
            """
            models:
              iris: { registry: "iris@champion" }
              pinned: { uri: "registry:iris/3" }
            """);

    assertThat(config.models().get("iris").registry()).isEqualTo("iris@champion");
    assertThat(config.models().get("iris").uri()).isNull();
    assertThat(config.models().get("pinned").registry()).isEqualTo("iris/3");
    assertThat(violations("models: { iris: { registry: \"iris@champion\", version: \"1\" } }"))
        .containsExactly(
            "models.iris.version: given for the registry model 'iris@champion' (expected: none;"
                + " it is served as its registry version number)");
    assertThat(violations("models: { iris: { registry: \"iris@\" } }"))
        .containsExactly(
            "models.iris.registry: 'iris@' (expected: name@alias (e.g. iris@champion) or"
                + " name/version (e.g. iris/3))");
  }

  @Test
  void theExceptionMessageListsEveryViolationWithTheSource() {
    assertThatThrownBy(() -> parse("server: { port: -1, host: \"\" }"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            """
            invalid configuration in mlsys.yaml (2 problems):
              server.host: '' (expected: a host name or IP address to bind)
              server.port: -1 (expected: an integer from 0 to 65535)""");
  }

  @Test
  void aDefaultTimeoutMustBePositive() {
    assertThat(violations("server: { default-timeout: 0s }"))
        .containsExactly(
            "server.default-timeout: 0s (expected: a duration such as 250ms, 2s, 5m, 1h or PT2S,"
                + " > 0, or null for no timeout)");
  }

  @Test
  void aMissingRepositoryFolderIsAnError() {
    assertThat(violations("model-repository: { path: nowhere }"))
        .containsExactly(
            "model-repository.path: '"
                + dir.resolve("nowhere")
                + "' (expected: an existing folder)");
  }

  @Test
  void aNullValueIsNotADefault() {
    assertThat(violations("server: { port: }"))
        .containsExactly("server.port: null (expected: a value, not null)");
  }

  @Test
  void aSectionMustBeAMapping() {
    assertThat(violations("server: [1, 2]"))
        .containsExactly(
            "server: a list (expected: a mapping with keys: host, port,"
                + " max-request-bytes, shutdown-grace, default-timeout, access-log, grpc-port, watch-config,"
                + " connections, limits, grpc, auth, cors, tls)");
  }

  @Test
  void versionPolicyIsNotAKeyOfAModelInTheMainFile() {
    assertThat(violations("models: { m: { uri: m.onnx, version-policy: { all: {} } } }"))
        .singleElement()
        .asString()
        .startsWith("models.m.version-policy: only in a repository model's config.yaml");
  }

  @Test
  void aYamlSyntaxErrorNamesTheLine() {
    assertThat(violations("server:\n  port: [8080\n"))
        .singleElement()
        .asString()
        .startsWith("not valid YAML at line 2, column 14:")
        .contains("expected ',' or ']'");
  }

  @Test
  void aDuplicateKeyIsAnError() {
    assertThat(violations("server:\n  port: 1\n  port: 2\n"))
        .singleElement()
        .asString()
        .startsWith("not valid YAML at line 3")
        .contains("Duplicate field 'port'");
  }

  @Test
  void aliasesAreRefusedRatherThanMisread() {
    assertThat(violations("server: { port: &p 8080 }\nonnx: { intra-op-threads: *p }"))
        .singleElement()
        .asString()
        .contains("the alias *p (expected: the value written out");
  }

  @Test
  void aSecondDocumentIsRefused() {
    assertThat(violations("server: { port: 1 }\n---\nserver: { port: 2 }\n"))
        .containsExactly("2 YAML documents (expected: one; remove the extra ---)");
  }

  @Test
  void aMissingFileIsAConfigException() {
    Path missing = dir.resolve("absent.yaml");

    assertThatThrownBy(() -> MlsysConfigLoader.load(missing, NO_ENV))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("no such file");
  }

  @Test
  void anOversizedFileIsRefused() throws IOException {
    Path big = dir.resolve("big.yaml");
    Files.writeString(big, "#" + "x".repeat(ConfigDocument.MAX_FILE_BYTES));

    assertThatThrownBy(() -> MlsysConfigLoader.load(big, NO_ENV))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("expected: a config file of at most 1048576");
  }

  @Test
  void readsARepositoryModelConfig() throws IOException {
    Path model = Files.createDirectories(dir.resolve("iris"));
    Path file = model.resolve("config.yaml");
    Files.writeString(
        file,
        """
        platform: onnxruntime_onnx
        labels: label.json
        version-policy: { specific: [1, "3"] }
        intra-op-threads: 2
        default-outputs: [output_label, output_probability]
        """);

    ModelConfig config = ModelConfigLoader.load(file, NO_ENV);

    assertThat(config.uri()).isNull();
    assertThat(config.labelsFile()).isEqualTo(model.resolve("label.json"));
    assertThat(config.versionPolicy()).isEqualTo(new VersionPolicy.Specific(List.of("1", "3")));
    assertThat(config.intraOpThreads()).isEqualTo(2);
    assertThat(config.defaultOutputs()).containsExactly("output_label", "output_probability");
  }

  @Test
  void anEmptyRepositoryModelConfigMeansDefaults() {
    assertThat(ModelConfigLoader.parse("", dir, NO_ENV)).isEqualTo(ModelConfig.defaults());
  }

  @Test
  void readsEachVersionPolicyForm() {
    assertThat(policy("{ latest: 2 }")).isEqualTo(new VersionPolicy.Latest(2));
    assertThat(policy("{ all: {} }")).isEqualTo(new VersionPolicy.All());
    assertThat(policy("{ specific: [\"1\", \"3\"] }"))
        .isEqualTo(new VersionPolicy.Specific(List.of("1", "3")));
  }

  private VersionPolicy policy(String yaml) {
    return ModelConfigLoader.parse("version-policy: " + yaml, dir, NO_ENV).versionPolicy();
  }

  @Test
  void aVersionPolicyNeedsExactlyOneChoice() {
    assertThat(modelConfigViolations("version-policy: { latest: 1, all: {} }"))
        .containsExactly(
            "version-policy: the keys latest, all (expected: exactly one of: latest, all,"
                + " specific)");
    assertThat(modelConfigViolations("version-policy: {}"))
        .containsExactly(
            "version-policy: {} (expected: a version policy: one of latest, all, specific as its"
                + " key)");
  }

  @Test
  void aVersionPolicyIsValidated() {
    assertThat(modelConfigViolations("version-policy: { latest: 0 }"))
        .containsExactly("version-policy.latest: 0 (expected: an integer >= 1)");
    assertThat(modelConfigViolations("version-policy: { specific: [\"1\", \"x\", \"1\"] }"))
        .containsExactly(
            "version-policy.specific[1]: 'x' (expected: a positive integer such as 1 or \"2\")",
            "version-policy.specific[2]: '1' (expected: each version once)");
    assertThat(modelConfigViolations("version-policy: { all: true }"))
        .containsExactly("version-policy.all: true (expected: {})");
  }

  @Test
  void aRepositoryModelConfigHasNoUri() {
    assertThat(modelConfigViolations("uri: m.onnx\nversion: 2"))
        .containsExactly(
            "uri: only in mlsys.yaml (a repository model's versions are its numbered folders)",
            "version: only in mlsys.yaml (a repository model's versions are its numbered"
                + " folders)");
  }

  @Test
  void aRepositoryModelConfigReadsTheEnvironment() {
    ModelConfig config =
        ModelConfigLoader.parse("intra-op-threads: ${THREADS}", dir, Map.of("THREADS", "3"));

    assertThat(config.intraOpThreads()).isEqualTo(3);
  }

  private List<String> modelConfigViolations(String yaml) {
    try {
      ModelConfigLoader.parse(yaml, dir, NO_ENV);
    } catch (ConfigException e) {
      assertThat(e.source()).isEqualTo(ModelConfigLoader.FILE_NAME);
      return e.violations().stream().map(ConfigViolation::toString).toList();
    }
    throw new AssertionError("expected a ConfigException for:\n" + yaml);
  }

  // ---- gRPC port, config watching, batching

  @Test
  void readsTheGrpcPortAndConfigWatching() {
    ServerConfig server = parse("server: { grpc-port: 9001, watch-config: false }").server();

    assertThat(server.grpcPort()).isEqualTo(9001);
    assertThat(server.watchConfig()).isFalse();
  }

  @Test
  void grpcDefaultsToItsOwnPortAndConfigIsWatched() {
    ServerConfig server = parse("server: { port: 9000 }").server();

    assertThat(server.grpcPort()).isEqualTo(ServerConfig.DEFAULT_GRPC_PORT).isEqualTo(8081);
    assertThat(server.watchConfig()).isTrue();
  }

  @Test
  void aNullGrpcPortTurnsTheListenerOff() {
    assertThat(parse("server: { grpc-port: null }").server().grpcPort()).isNull();
    assertThat(parse("server:\n  grpc-port:\n").server().grpcPort()).isNull();
    assertThat(parse("server: { grpc-port: 0 }").server().grpcPort()).isZero();
  }

  @Test
  void theGrpcPortIsChecked() {
    assertThat(violations("server: { grpc-port: 70000, watch-config: sometimes }"))
        .containsExactly(
            "server.watch-config: 'sometimes' (expected: true or false)",
            "server.grpc-port: 70000 (expected: an integer from 0 to 65535, or null for no gRPC"
                + " listener)");
    assertThat(violations("server: { port: 9000, grpc-port: 9000 }"))
        .containsExactly(
            "server.grpc-port: 9000 (expected: a port other than server.port, or null for no gRPC"
                + " listener)");
    assertThat(violations("server: { grpc-port: \"9000\" }"))
        .containsExactly("server.grpc-port: '9000' (expected: an integer (32-bit))");
  }

  @Test
  void theGrpcPortMayComeFromTheEnvironment() {
    MlsysConfig config =
        MlsysConfigLoader.parse(
            "server:\n  grpc-port: ${GRPC_PORT}\n", dir, Map.of("GRPC_PORT", "0"));

    assertThat(config.server().grpcPort()).isZero();
  }

  @Test
  void readsBatchingWithEveryKey() {
    ModelConfig model =
        parse(
                """
                models:
                  m:
                    uri: m.onnx
                    batching:
                      max-batch-size: 64
                      preferred-batch-sizes: [16, 32]
                      max-queue-delay-micros: 500
                      max-queue-size: 100
                      max-concurrent-batches: 2
                """)
            .models()
            .get("m");

    assertThat(model.batching()).isEqualTo(new BatchingConfig(64, List.of(16, 32), 500, 100, 2));
  }

  @Test
  void anEmptyBatchingMappingMeansEveryDefault() {
    assertThat(parse("models: { m: { uri: m.onnx, batching: {} } }").models().get("m").batching())
        .isEqualTo(BatchingConfig.defaults());
    assertThat(parse("models: { m: { uri: m.onnx } }").models().get("m").batching()).isNull();
  }

  @Test
  void batchingIsChecked() {
    assertThat(
            violations(
                """
                models:
                  m:
                    uri: m.onnx
                    batching:
                      max-batch-size: 0
                      preferred-batch-sizes: [0, 4, 4]
                      max-queue-delay-micros: -1
                      max-queue-size: 0
                      max-concurrent-batches: -1
                      max-delay: 5
                """))
        .containsExactlyInAnyOrder(
            "models.m.batching.max-delay: unknown key (expected one of: max-batch-size,"
                + " preferred-batch-sizes, max-queue-delay-micros, max-queue-size,"
                + " max-concurrent-batches)",
            "models.m.batching.max-batch-size: 0 (expected: an integer from 1 to 65536)",
            "models.m.batching.preferred-batch-sizes: [0, 4, 4] (expected: distinct integers from 1"
                + " to max-batch-size, such as [4, 8])",
            "models.m.batching.max-queue-delay-micros: -1 (expected: an integer >= 0"
                + " (microseconds))",
            "models.m.batching.max-queue-size: 0 (expected: an integer >= 1)",
            "models.m.batching.max-concurrent-batches: -1 (expected: an integer >= 0 (0: one per"
                + " available processor))");
  }

  @Test
  void batchingMustBeAMapping() {
    // An explicit null is null, as for every key: no batching.
    assertThat(parse("models: { m: { uri: m.onnx, batching: } }").models().get("m").batching())
        .isNull();
    assertThat(violations("models: { m: { uri: m.onnx, batching: 4 } }"))
        .containsExactly(
            "models.m.batching: 4 (expected: a mapping with keys: max-batch-size,"
                + " preferred-batch-sizes, max-queue-delay-micros, max-queue-size,"
                + " max-concurrent-batches)");
    assertThat(violations("models: { m: { uri: m.onnx, batching: { preferred-batch-sizes: 4 } } }"))
        .containsExactly("models.m.batching.preferred-batch-sizes: 4 (expected: a list)");
  }

  @Test
  void aRepositoryModelConfigReadsBatching() {
    ModelConfig config =
        ModelConfigLoader.parse(
            "batching: { max-batch-size: 8, max-queue-delay-micros: 100 }", dir, NO_ENV);

    assertThat(config.batching())
        .isEqualTo(BatchingConfig.defaults().withMaxBatchSize(8).withMaxQueueDelayMicros(100));
    assertThat(modelConfigViolations("batching: { max-batch-size: x }"))
        .containsExactly("batching.max-batch-size: 'x' (expected: an integer (32-bit))");
  }

  // ---- graphs (their nodes: GraphConfigTest in mlsys-graph)

  @Test
  void graphsAreBoundInTheOrderWritten() {
    MlsysConfig config =
        parse(
            """
            models: { iris: { uri: i.onnx } }
            graphs:
              zeta: { model: iris }
              alpha: { sequence: { a: { model: zeta }, b: { transform: [ { softmax: { tensor: p } } ] } } }
            """);

    assertThat(config.graphs().keySet()).containsExactly("zeta", "alpha");
    assertThat(config.graphs().get("zeta").root())
        .isEqualTo(NodeConfig.of(ModelOptions.of("iris")));
  }

  @Test
  void aGraphNamedLikeAModelIsAViolation() {
    assertThat(violations("models: { iris: { uri: i.onnx } }\ngraphs: { iris: { model: iris } }"))
        .containsExactly("graphs.iris: 'iris' (expected: a name not also used under models)");
  }

  @Test
  void aGraphNameFollowsTheModelNameRules() {
    assertThat(violations("graphs: { \".hidden\": { model: m } }"))
        .containsExactly(
            "graphs..hidden: '.hidden' (expected: a graph name of 1 to 128 letters, digits, '_',"
                + " '.' or '-', not starting with '.')");
  }

  @Test
  void graphNamesAreCheckedWhenAGraphIsInvalidToo() {
    assertThat(
            violations(
                """
                models: { iris: { uri: i.onnx } }
                graphs:
                  iris: { model: iris }
                  a: { model: m, colour: red }
                  b: { remote: { model: m } }
                """))
        .containsExactly(
            "graphs.a.colour: unknown key (expected one of: model, remote, transform, sequence,"
                + " ensemble, switch, cascade, split, mirror, timeout)",
            "graphs.b.remote.url: missing (expected: an http or https URL of the server, such as"
                + " http://10.0.0.5:8080)",
            "graphs.iris: 'iris' (expected: a name not also used under models)");
  }
}
