package io.mlsys.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigViolation;
import io.mlsys.graph.GraphConfig;
import io.mlsys.graph.ModelOptions;
import io.mlsys.graph.RemoteOptions;
import io.mlsys.repository.ModelConfig;
import io.mlsys.repository.OnnxConfig;
import io.mlsys.repository.VersionPolicy;
import io.mlsys.resilience.BatchingConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Everything settable in YAML is settable in Java, with the same checks. */
class ConfigRecordsTest {

  @Test
  void javaBuiltConfigEqualsTheLoadedOne() {
    MlsysConfig built =
        MlsysConfig.defaults()
            .withServer(
                ServerConfig.defaults()
                    .withHost("127.0.0.1")
                    .withPort(9090)
                    .withMaxRequestBytes(1024)
                    .withShutdownGrace(Duration.ofSeconds(5))
                    .withDefaultTimeout(Duration.ofSeconds(2))
                    .withAccessLog(false))
            .withOnnx(new OnnxConfig(2))
            .withModel(
                "m",
                ModelConfig.of("/srv/m.onnx")
                    .withVersion("2")
                    .withLabels("/srv/labels.json")
                    .withPlatform(ModelConfig.ONNX_PLATFORM)
                    .withIntraOpThreads(3)
                    .withDefaultOutputs(List.of("y")));

    MlsysConfig loaded =
        MlsysConfigLoader.parse(
            """
            server: { host: 127.0.0.1, port: 9090, max-request-bytes: 1024, shutdown-grace: 5s,
                      default-timeout: 2s, access-log: false }
            onnx: { intra-op-threads: 2 }
            models:
              m: { uri: /srv/m.onnx, version: 2, labels: /srv/labels.json,
                   platform: onnxruntime_onnx, intra-op-threads: 3, default-outputs: [y] }
            """,
            Path.of("/"),
            Map.of());

    assertThat(built).isEqualTo(loaded);
  }

  @Test
  void serverConfigReportsEveryInvalidField() {
    assertThatThrownBy(
            () ->
                new ServerConfig(
                    " ",
                    70_000,
                    0,
                    Duration.ofSeconds(-1),
                    Duration.ZERO,
                    null,
                    null,
                    true,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).violations())
                    .extracting(ConfigViolation::path)
                    .containsExactly(
                        "host", "port", "max-request-bytes", "shutdown-grace", "default-timeout"));
  }

  @Test
  void aSingleJavaViolationIsTheWholeMessage() {
    assertThatThrownBy(() -> ServerConfig.defaults().withPort(-1))
        .hasMessage("port: -1 (expected: an integer from 0 to 65535)");
  }

  @Test
  void nullsTakeTheDefaults() {
    ServerConfig server =
        new ServerConfig(
            null, 1, 1, null, null, null, null, true, null, null, null, null, null, null);

    assertThat(server.host()).isEqualTo(ServerConfig.DEFAULT_HOST);
    assertThat(server.shutdownGrace()).isEqualTo(ServerConfig.DEFAULT_SHUTDOWN_GRACE);
    assertThat(new MlsysConfig(null, null, null)).isEqualTo(MlsysConfig.defaults());
    assertThat(ModelConfig.defaults().versionPolicy()).isEqualTo(new VersionPolicy.Latest(1));
  }

  @Test
  void aMainFileModelNeedsAUri() {
    assertThatThrownBy(() -> MlsysConfig.defaults().withModel("m", ModelConfig.defaults()))
        .hasMessageStartingWith("models.m.uri: missing");
  }

  @Test
  void aModelNameMustBeSafeAsAFolderAndUrlSegment() {
    assertThat(ModelConfig.isValidName("iris-svc_1.0")).isTrue();
    assertThat(ModelConfig.isValidName("..")).isFalse();
    assertThat(ModelConfig.isValidName(".hidden")).isFalse();
    assertThat(ModelConfig.isValidName("-x")).isTrue();
    assertThat(ModelConfig.isValidName("a/b")).isFalse();
    assertThat(ModelConfig.isValidName("")).isFalse();
    assertThat(ModelConfig.isValidName("x".repeat(129))).isFalse();
    assertThatThrownBy(() -> MlsysConfig.defaults().withModel("../etc", ModelConfig.of("m.onnx")))
        .hasMessageStartingWith("models.../etc: '../etc' (expected: a model name");
  }

  @Test
  void aNullModelNameIsAViolationNotANullPointer() {
    Map<String, ModelConfig> models = new HashMap<>();
    models.put(null, ModelConfig.of("m.onnx"));

    assertThatThrownBy(() -> MlsysConfig.defaults().withModels(models))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("models: null (expected: a model name");
  }

  @Test
  void modelConfigChecksItsFields() {
    assertThatThrownBy(
            () ->
                new ModelConfig(
                    "s3://bucket/m.onnx",
                    null,
                    "v1",
                    " ",
                    "pytorch libtorch",
                    null,
                    0,
                    Arrays.asList("a", "a", null),
                    null,
                    null,
                    null))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).violations())
                    .extracting(ConfigViolation::path)
                    .containsExactly(
                        "uri",
                        "version",
                        "labels",
                        "platform",
                        "intra-op-threads",
                        "default-outputs[1]",
                        "default-outputs[2]"));
  }

  @Test
  void versionPoliciesAreValidated() {
    assertThatThrownBy(() -> new VersionPolicy.Latest(0))
        .hasMessage("0 (expected: an integer >= 1)");
    assertThatThrownBy(() -> new VersionPolicy.Specific(List.of()))
        .hasMessage("[] (expected: a non-empty list of versions)");
    assertThatThrownBy(() -> new VersionPolicy.Specific(null))
        .hasMessage("null (expected: a non-empty list of versions)");
  }

  @Test
  void fileUrisAndPlainPathsNameTheModelFile() {
    assertThat(ModelConfig.of("file:models/m.onnx").file()).isEqualTo(Path.of("models/m.onnx"));
    assertThat(ModelConfig.of("file:///srv/m.onnx").file()).isEqualTo(Path.of("/srv/m.onnx"));
    assertThat(ModelConfig.of("file://localhost/srv/m.onnx").file())
        .isEqualTo(Path.of("/srv/m.onnx"));
    assertThat(ModelConfig.of("/srv/m.onnx").file()).isEqualTo(Path.of("/srv/m.onnx"));
    assertThatThrownBy(() -> ModelConfig.of("file://remote-host/m.onnx"))
        .hasMessageStartingWith("uri: 'file://remote-host/m.onnx'");
  }

  @Test
  void grpcPortConfigWatchingAndBatchingAreSettableInJava() {
    MlsysConfig built =
        MlsysConfig.defaults()
            .withServer(ServerConfig.defaults().withGrpcPort(null).withWatchConfig(false))
            .withModel(
                "m",
                ModelConfig.of("/srv/m.onnx")
                    .withBatching(BatchingConfig.defaults().withMaxBatchSize(8)));

    MlsysConfig loaded =
        MlsysConfigLoader.parse(
            """
            server: { grpc-port: null, watch-config: false }
            models: { m: { uri: /srv/m.onnx, batching: { max-batch-size: 8 } } }
            """,
            Path.of("/"),
            Map.of());

    assertThat(built).isEqualTo(loaded);
  }

  @Test
  void graphsAreSettableInJavaAndKeepTheirOrder() {
    MlsysConfig built =
        MlsysConfig.defaults()
            .withGraph("b", GraphConfig.of(ModelOptions.of("m")))
            .withGraph("a", GraphConfig.of(RemoteOptions.of("http://h:8080", "m")))
            .withGraph("b", GraphConfig.of(ModelOptions.of("n")));

    MlsysConfig loaded =
        MlsysConfigLoader.parse(
            """
            graphs:
              b: { model: n }
              a: { remote: { url: "http://h:8080", model: m } }
            """,
            Path.of("/"),
            Map.of());

    assertThat(built).isEqualTo(loaded);
    assertThat(built.graphs().keySet()).containsExactly("b", "a");
    assertThat(built.withGraphs(null).graphs()).isEmpty();
  }

  @Test
  void aGraphMayNotShareItsNameWithAModel() {
    MlsysConfig withModel = MlsysConfig.defaults().withModel("iris", ModelConfig.of("i.onnx"));

    assertThatThrownBy(() -> withModel.withGraph("iris", GraphConfig.of(ModelOptions.of("iris"))))
        .hasMessage("graphs.iris: 'iris' (expected: a name not also used under models)");
    assertThatThrownBy(
            () -> MlsysConfig.defaults().withGraph("a/b", GraphConfig.of(ModelOptions.of("m"))))
        .hasMessageStartingWith("graphs.a/b: 'a/b' (expected: a graph name of");
  }

  @Test
  void theGrpcPortIsCheckedInJava() {
    assertThatThrownBy(() -> ServerConfig.defaults().withGrpcPort(-1))
        .hasMessage(
            "grpc-port: -1 (expected: an integer from 0 to 65535, or null for no gRPC listener)");
    assertThatThrownBy(() -> ServerConfig.defaults().withPort(8081))
        .hasMessage(
            "grpc-port: 8081 (expected: a port other than server.port, or null for no gRPC"
                + " listener)");
    assertThat(ServerConfig.defaults().withPort(0).withGrpcPort(0).grpcPort()).isZero();
  }
}
