package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import inference.GRPCInferenceServiceGrpc;
import inference.GrpcPredictV2.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.mlsys.core.FailedPreconditionException;
import io.mlsys.registry.AuditEntry;
import io.mlsys.registry.AuditQuery;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.NewVersion;
import io.mlsys.registry.RegistryConfig;
import io.mlsys.repository.ModelConfig;
import io.mlsys.repository.ModelsConfig;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.ServerConfig;
import io.mlsys.store.StoreConfig;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model-load by alias: a server serving {@code iris@champion} from its registry follows the alias
 * as it moves, without failing a request, and refuses a version whose signature does not fit.
 */
class RegistryServingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROW = "[5.1, 3.5, 1.4, 0.2]";
  private static final String INFER_BODY =
      "{\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":"
          + ROW
          + "}]}";

  @TempDir Path dataDir;
  @TempDir Path sources;

  private ModelRegistry registry;
  private MlsysServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void registerTwoVersionsAndServeTheChampion() throws IOException {
    RegistryConfig rules =
        RegistryConfig.defaults()
            .withSourceRoots(List.of(sources))
            .withFollowPeriod(Duration.ofMillis(50));
    registry = TestRegistries.open(StoreConfig.defaults(), dataDir, rules);
    for (int version = 1; version <= 2; version++) {
      Path folder = TestRegistries.irisFolder(sources, "v" + version);
      registry.register(
          new NewVersion("iris", folder.toString(), null, null, null, null, null, Map.of()),
          "alice");
    }
    registry.setAlias("iris", "champion", 1, "alice");
    MlsysConfig config =
        MlsysConfig.defaults()
            .withServer(ServerConfig.defaults().withPort(0).withGrpcPort(0))
            .withModelSources(
                ModelsConfig.defaults()
                    .withModels(
                        Map.of("iris", ModelConfig.defaults().withRegistry("iris@champion"))))
            .withRegistry(rules)
            .withDataDir(dataDir);
    server = MlsysServer.fromConfig(config).start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void servesTheAliasVersionWithItsLineage() throws Exception {
    JsonNode metadata = get("/v2/models/iris");
    assertThat(metadata.path("versions").toString()).isEqualTo("[\"1\"]");
    JsonNode properties = metadata.path("properties");
    assertThat(properties.path("registry.version").asText()).isEqualTo("1");
    assertThat(properties.path("registry.alias").asText()).isEqualTo("champion");
    assertThat(properties.path("registry.artifact_digest").asText()).startsWith("sha256:");
    assertThat(metadata.toString()).hasSizeLessThan(4096);

    JsonNode answer = infer();
    assertThat(answer.path("model_version").asText()).isEqualTo("1");
    assertThat(answer.path("parameters").path("registry_version").asText()).isEqualTo("1");

    ManagedChannel channel = GrpcInferenceServiceTest.connect(server);
    try {
      ModelInferResponse overGrpc =
          GRPCInferenceServiceGrpc.newBlockingStub(channel)
              .modelInfer(
                  GrpcInferenceServiceTest.fp32Request(
                      "iris", "float_input", 5.1f, 3.5f, 1.4f, 0.2f));
      assertThat(overGrpc.getModelVersion()).isEqualTo("1");
      assertThat(overGrpc.getParametersMap().get("registry_version").getStringParam())
          .isEqualTo("1");
    } finally {
      GrpcInferenceServiceTest.disconnect(channel);
    }
  }

  @Test
  void tenAliasMovesUnderLoadFailNoRequest() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong answered = new AtomicLong();
    Set<String> failures = ConcurrentHashMap.newKeySet();
    Set<String> versionsSeen = ConcurrentHashMap.newKeySet();
    List<Thread> callers =
        java.util.stream.IntStream.range(0, 4)
            .mapToObj(
                i ->
                    Thread.ofPlatform()
                        .start(
                            () -> {
                              while (running.get()) {
                                try {
                                  HttpResponse<String> response = post(INFER_BODY);
                                  if (response.statusCode() != 200) {
                                    failures.add(response.statusCode() + " " + response.body());
                                  } else {
                                    versionsSeen.add(
                                        JSON.readTree(response.body())
                                            .path("model_version")
                                            .asText());
                                    answered.incrementAndGet();
                                  }
                                } catch (IOException | InterruptedException e) {
                                  failures.add(e.toString());
                                }
                              }
                            }))
            .toList();
    try {
      for (int move = 0; move < 10; move++) {
        long target = move % 2 == 0 ? 2 : 1;
        registry.setAlias("iris", "champion", target, "alice");
        awaitServed(Long.toString(target));
      }
    } finally {
      running.set(false);
      for (Thread caller : callers) {
        caller.join();
      }
    }
    assertThat(failures).isEmpty();
    assertThat(versionsSeen).containsExactlyInAnyOrder("1", "2");
    assertThat(answered.get()).isGreaterThan(10);
  }

  @Test
  void anIncompatibleVersionIsRefusedAuditedAndTheOldOneKeepsServing() throws Exception {
    Path outlier = Files.createDirectories(sources.resolve("ocs"));
    Files.copy(Fixtures.require("sklearn-iris/iris_ocs.onnx"), outlier.resolve("model.onnx"));
    long incompatible =
        registry
            .register(
                new NewVersion("iris", outlier.toString(), null, null, null, null, null, Map.of()),
                "alice")
            .version();
    registry.setAlias("iris", "champion", incompatible, "alice");

    await(
        () ->
            refusals().stream()
                .anyMatch(entry -> entry.version() != null && entry.version() == incompatible),
        "the refusal in the audit");
    AuditEntry refusal = refusals().getFirst();
    assertThat(refusal.actor()).startsWith("server:");
    assertThat(refusal.oldValue()).isEqualTo("1");
    assertThat(refusal.detail())
        .isEqualTo("output 'output_label' is missing (the served version has it)");
    assertThat(infer().path("model_version").asText()).isEqualTo("1");
  }

  @Test
  void aServedVersionCannotBeDeletedEvenWithoutAnAlias() throws Exception {
    registry.setAlias("iris", "champion", 2, "alice");
    awaitServed("2");
    registry.store().deleteAlias("iris", "champion", "alice");

    assertThatThrownBy(() -> registry.store().deleteVersion("iris", 2, "alice"))
        .isInstanceOf(FailedPreconditionException.class);
    assertThat(infer().path("model_version").asText()).isEqualTo("2");
  }

  private List<AuditEntry> refusals() {
    return registry.store().audit(new AuditQuery("iris", 100, null)).items().stream()
        .filter(entry -> entry.action().equals("serve.refused"))
        .toList();
  }

  private void awaitServed(String version) {
    await(
        () -> {
          try {
            return get("/v2/models/iris")
                .path("versions")
                .toString()
                .equals("[\"" + version + "\"]");
          } catch (Exception e) {
            return false;
          }
        },
        "version " + version + " serving");
  }

  /** Polls a condition that another thread (the server's follower) makes true, with a deadline. */
  private static void await(BooleanSupplier condition, String what) {
    Instant deadline = Instant.now().plusSeconds(30);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.onSpinWait();
    }
  }

  private JsonNode infer() throws Exception {
    HttpResponse<String> response = post(INFER_BODY);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> post(String body) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri("/v2/models/iris/infer"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> response =
        http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
