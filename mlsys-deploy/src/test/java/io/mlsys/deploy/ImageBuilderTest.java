package io.mlsys.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jib builds the plan offline: a Docker-format tar base in, an OCI layout tar out. */
class ImageBuilderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** A one-layer base made by Jib from scratch, as {@code mlsys image base} writes one. */
  private Path base() throws Exception {
    Path file = Files.writeString(dir.resolve("os-release"), "ID=test\n");
    Path archive = dir.resolve("base.tar");
    Jib.fromScratch()
        .setFormat(ImageFormat.Docker)
        .addLayer(List.of(file), AbsoluteUnixPath.get("/etc"))
        .addEnvironmentVariable("PATH", "/opt/java/bin:/usr/bin")
        .containerize(
            Containerizer.to(TarImage.at(archive).named("test-base:1"))
                .setBaseImageLayersCache(dir.resolve("cache/base"))
                .setApplicationLayersCache(dir.resolve("cache/application")));
    return archive;
  }

  @Test
  void anOciArchiveWithTheBasesLayersThenThePlansLayersLabelsAndEntrypoint() throws Exception {
    Path artifact = Versions.artifact(dir.resolve("artifact"));
    ImagePlan plan =
        ImagePlan.of(
            Versions.server(dir.resolve("server")),
            Versions.iris(3, artifact),
            "iris/3",
            artifact,
            "docker-archive:base.tar",
            Files.createDirectories(dir.resolve("staging")));
    Path target = dir.resolve("iris.tar");
    List<String> log = new ArrayList<>();

    ImageBuilder.Built built =
        new ImageBuilder(dir.resolve("cache"), Map.of(), log::add)
            .build(new BaseImage.DockerArchive(base()), new ImageTarget.OciArchive(target), plan);

    Map<String, byte[]> files = untar(Files.newInputStream(target));
    assertThat(files).containsKeys("oci-layout", "index.json");
    JsonNode index = JSON.readTree(files.get("index.json"));
    String manifestDigest = index.path("manifests").get(0).path("digest").asText();
    assertThat(manifestDigest).isEqualTo(built.digest());
    JsonNode manifest = JSON.readTree(blob(files, manifestDigest));
    assertThat(manifest.path("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.manifest.v1+json");
    JsonNode layers = manifest.path("layers");
    assertThat(layers).hasSize(4);
    JsonNode config = JSON.readTree(blob(files, manifest.path("config").path("digest").asText()));
    JsonNode container = config.path("config");
    assertThat(container.path("Entrypoint").toString())
        .isEqualTo(
            "[\"java\",\"-jar\",\"/app/mlsys.jar\",\"serve\",\"--config\",\"/app/mlsys.yaml\"]");
    assertThat(container.path("Labels").path("io.mlsys.model.version").asText()).isEqualTo("3");
    assertThat(container.path("ExposedPorts").has("8080/tcp")).isTrue();
    assertThat(container.path("ExposedPorts").has("8081/tcp")).isTrue();
    assertThat(container.path("Env").toString())
        .contains("PATH=/opt/java/bin:/usr/bin")
        .contains("MLSYS_DATA_DIR=/tmp/mlsys");
    assertThat(config.path("created").asText()).isEqualTo("2026-03-01T12:00:00Z");

    Map<String, byte[]> modelLayer =
        untar(
            new GZIPInputStream(new java.io.ByteArrayInputStream(blob(files, digest(layers, 3)))));
    assertThat(modelLayer)
        .containsKeys("app/models/iris/3/model.onnx", "app/mlsys.yaml", "app/model-version.json");
    assertThat(modelLayer.get("app/models/iris/3/model.onnx"))
        .isEqualTo(Files.readAllBytes(artifact.resolve("model.onnx")));
    Map<String, byte[]> projectLayer =
        untar(
            new GZIPInputStream(new java.io.ByteArrayInputStream(blob(files, digest(layers, 2)))));
    assertThat(projectLayer).containsKeys("app/mlsys.jar", "app/lib/mlsys-core-0.1.0.jar");
  }

  @Test
  void theSameVersionBuildsTheSameImage() throws Exception {
    Path artifact = Versions.artifact(dir.resolve("artifact"));
    Path base = base();
    List<String> digests = new ArrayList<>();
    for (int build = 0; build < 2; build++) {
      ImagePlan plan =
          ImagePlan.of(
              Versions.server(dir.resolve("server")),
              Versions.iris(3, artifact),
              "iris/3",
              artifact,
              "docker-archive:base.tar",
              Files.createDirectories(dir.resolve("staging-" + build)));
      digests.add(
          new ImageBuilder(dir.resolve("cache-" + build), Map.of(), line -> {})
              .build(
                  new BaseImage.DockerArchive(base),
                  new ImageTarget.OciArchive(dir.resolve("iris-" + build + ".tar")),
                  plan)
              .digest());
    }

    assertThat(digests.get(1)).isEqualTo(digests.get(0));
  }

  @Test
  void aDockerArchiveIsWhatDockerLoadReads() throws Exception {
    Path artifact = Versions.artifact(dir.resolve("artifact"));
    ImagePlan plan =
        ImagePlan.of(
            Versions.server(dir.resolve("server")),
            Versions.iris(3, artifact),
            "iris/3",
            artifact,
            "docker-archive:base.tar",
            Files.createDirectories(dir.resolve("staging")));
    Path target = dir.resolve("iris-docker.tar");

    new ImageBuilder(dir.resolve("cache"), Map.of(), line -> {})
        .build(new BaseImage.DockerArchive(base()), new ImageTarget.DockerArchive(target), plan);

    Map<String, byte[]> files = untar(Files.newInputStream(target));
    JsonNode manifest = JSON.readTree(files.get("manifest.json")).get(0);
    assertThat(manifest.path("RepoTags").toString()).contains("iris:3");
    assertThat(manifest.path("Layers")).hasSize(4);
  }

  private static String digest(JsonNode layers, int index) {
    return layers.get(index).path("digest").asText();
  }

  private static byte[] blob(Map<String, byte[]> files, String digest) {
    return files.get("blobs/sha256/" + digest.substring("sha256:".length()));
  }

  /** The regular files of a tar stream by name. */
  private static Map<String, byte[]> untar(InputStream in) throws IOException {
    Map<String, byte[]> files = new HashMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (entry.isFile()) {
          ByteArrayOutputStream content = new ByteArrayOutputStream();
          tar.transferTo(content);
          files.put(
              entry.getName().replaceFirst("^\\./", "").replaceFirst("^/", ""),
              content.toByteArray());
        }
      }
    }
    return files;
  }
}
