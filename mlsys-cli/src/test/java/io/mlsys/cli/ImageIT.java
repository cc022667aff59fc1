package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlsys.registry.FileArtifactStore;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.RegistryConfig;
import io.mlsys.registry.RegistryReference;
import io.mlsys.repository.ModelLoader;
import io.mlsys.store.StoreConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code mlsys image build} end to end, offline: a registry with two trained iris versions, a base
 * image made from this machine ({@code mlsys image base --from-host}), the model image written as
 * an OCI archive from the packaged {@code target/mlsys.jar}, checked with {@code skopeo}, unpacked
 * with {@code umoci} and started as a container runtime would start it: its entrypoint, its
 * environment, chrooted into its root file system with its own {@code /proc} and the host's {@code
 * /dev}.
 */
class ImageIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int mlsys(String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void theImageServesTheRegisteredVersion() throws Exception {
    for (String tool : List.of("skopeo", "umoci", "unshare", "chroot", "ldd", "mount")) {
      Assumptions.assumeTrue(
          onPath(tool), "skipped: " + tool + " is not on the PATH (apt-get install skopeo umoci)");
    }
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "skipped: starting the image with chroot needs root");
    Path serverJar = ExamplesIT.checkoutRoot().resolve("mlsys-cli/target/mlsys.jar");
    Assumptions.assumeTrue(
        Files.isRegularFile(serverJar), "skipped: " + serverJar + " is not packaged");
    Path dataDir = dir.resolve("data");

    // Two versions, so that the image has to carry the alias's version, not the first one.
    assertThat(mlsys("train", "--data-dir", dataDir.toString(), "--alias", "champion"))
        .as(err.toString())
        .isZero();
    assertThat(
            mlsys("train", "--data-dir", dataDir.toString(), "--alias", "champion", "--seed", "7"))
        .as(err.toString())
        .isZero();
    ModelVersion champion = champion(dataDir);
    assertThat(champion.version()).isEqualTo(2);

    Path base = dir.resolve("base.tar");
    assertThat(
            mlsys(
                "image",
                "base",
                "--from-host",
                "--to",
                "docker-archive:" + base,
                "--data-dir",
                dataDir.toString()))
        .as(err.toString())
        .isZero();
    Path archive = dir.resolve("iris.tar");
    assertThat(
            mlsys(
                "image",
                "build",
                "--model",
                "iris@champion",
                "--base",
                "docker-archive:" + base,
                "--to",
                "oci-archive:" + archive,
                "--server-jar",
                serverJar.toString(),
                "--data-dir",
                dataDir.toString()))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("wrote oci-archive:" + archive);

    JsonNode inspect = JSON.readTree(run("skopeo", "inspect", "oci-archive:" + archive));
    // The base's two (C libraries, Java), then dependencies, project jars, model.
    assertThat(inspect.path("Layers")).hasSize(5);
    JsonNode labels = inspect.path("Labels");
    assertThat(labels.path("io.mlsys.model.name").asText()).isEqualTo("iris");
    assertThat(labels.path("io.mlsys.model.version").asText()).isEqualTo("2");
    assertThat(labels.path("io.mlsys.model.digest").asText()).isEqualTo(champion.artifactDigest());
    assertThat(labels.path("org.opencontainers.image.version").asText()).isEqualTo("2");
    JsonNode config =
        JSON.readTree(run("skopeo", "inspect", "--config", "oci-archive:" + archive))
            .path("config");
    List<String> entrypoint = strings(config.path("Entrypoint"));
    assertThat(entrypoint)
        .containsExactly("java", "-jar", "/app/mlsys.jar", "serve", "--config", "/app/mlsys.yaml");
    assertThat(config.path("ExposedPorts").has("8080/tcp")).isTrue();
    assertThat(config.path("ExposedPorts").has("8081/tcp")).isTrue();

    Path layout = dir.resolve("oci");
    Path bundle = dir.resolve("bundle");
    run("skopeo", "copy", "oci-archive:" + archive, "oci:" + layout + ":iris");
    run("umoci", "unpack", "--rootless", "--image", layout + ":iris", bundle.toString());
    Path rootfs = bundle.resolve("rootfs");
    // The files served are the registered artifact, byte for byte.
    assertThat(FileArtifactStore.digest(rootfs.resolve("app/models/iris/2")))
        .isEqualTo(champion.artifactDigest());
    assertThat(Files.readString(rootfs.resolve("app/model-version.json")))
        .contains(champion.artifactDigest());

    int port = freePort();
    List<String> command = new ArrayList<>(entrypoint);
    command.addAll(List.of("--port", Integer.toString(port), "--grpc-port", "0"));
    Process server = start(rootfs, strings(config.path("Env")), command, dir.resolve("server.log"));
    try {
      HttpClient http = HttpClient.newHttpClient();
      String url = "http://127.0.0.1:" + port;
      awaitReady(http, url, server, dir.resolve("server.log"));

      JsonNode metadata = JSON.readTree(get(http, url + "/v2/models/iris"));
      assertThat(strings(metadata.path("versions"))).containsExactly("2");
      JsonNode answer =
          JSON.readTree(
              post(
                  http,
                  url + "/v2/models/iris/infer",
                  "{\"inputs\":[{\"name\":\"input\",\"shape\":[2,4],\"datatype\":\"FP32\","
                      + "\"data\":[[5.1,3.5,1.4,0.2],[6.7,3.0,5.2,2.3]]}]}"));
      assertThat(answer.path("model_version").asText()).isEqualTo("2");
      JsonNode label = answer.path("outputs").get(0);
      assertThat(label.path("name").asText()).isEqualTo("label");
      // setosa, virginica: the two rows every iris model gets right
      assertThat(label.path("data").toString()).isEqualTo("[0,2]");
    } finally {
      stop(server);
    }
  }

  private static ModelVersion champion(Path dataDir) {
    try (ModelRegistry registry =
        RegistryFiles.open(
            StoreConfig.defaults(),
            dataDir,
            RegistryConfig.defaults(),
            ModelLoader.installedRuntimes())) {
      return registry.resolve(RegistryReference.parse("iris@champion", "model"));
    }
  }

  /**
   * Starts {@code command} in the root file system as a container would: a new PID namespace with
   * its own {@code /proc}, the host's {@code /dev}, the image's environment only. The mounts live
   * in a private mount namespace and go with it.
   */
  private static Process start(
      Path rootfs, List<String> environment, List<String> command, Path log) throws IOException {
    Files.createDirectories(rootfs.resolve("proc"));
    Files.createDirectories(rootfs.resolve("dev"));
    List<String> argv =
        new ArrayList<>(
            List.of(
                "unshare",
                "--mount",
                "--pid",
                "--fork",
                "--mount-proc=" + rootfs.resolve("proc"),
                "/bin/sh",
                "-c",
                "mount --rbind /dev \"$0/dev\" && exec chroot \"$0\" \"$@\"",
                rootfs.toString()));
    argv.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    String hostPath = env.get("PATH");
    env.clear();
    for (String variable : environment) {
      int equals = variable.indexOf('=');
      env.put(variable.substring(0, equals), variable.substring(equals + 1));
    }
    // unshare, sh and chroot are found on the host's PATH; java then on the image's, in the root.
    String imagePath = env.get("PATH");
    env.put("PATH", imagePath + ":" + hostPath);
    return builder.start();
  }

  /** SIGTERM to the server (PID 1 of its namespace), then the namespace's end. */
  private static void stop(Process server) throws InterruptedException {
    server.descendants().forEach(ProcessHandle::destroy);
    if (!server.waitFor(30, TimeUnit.SECONDS)) {
      server.descendants().forEach(ProcessHandle::destroyForcibly);
      server.destroyForcibly();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void awaitReady(HttpClient http, String base, Process server, Path log)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      assertThat(server.isAlive()).as("the server exited:%n%s", Files.readString(log)).isTrue();
      try {
        HttpResponse<Void> ready =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/v2/health/ready")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException notYetListening) {
        // the JVM is still starting
      }
      Thread.sleep(250);
    }
    throw new AssertionError("not ready after " + READY_TIMEOUT + ":\n" + Files.readString(log));
  }

  private static String get(HttpClient http, String url) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private static String post(HttpClient http, String url, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  /** Runs a tool, fails with its output when it fails, and returns its standard output. */
  private static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + ":\n" + output).isZero();
    return output;
  }

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String folder : path.split(":")) {
      if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, tool))) {
        return true;
      }
    }
    return false;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
