package io.mlsys.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.FailedPreconditionException;
import io.mlsys.registry.FileArtifactStore;
import io.mlsys.registry.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagePlanTest {
  @TempDir Path dir;

  private ImagePlan plan(ModelVersion version, Path artifact) throws Exception {
    Path staging = Files.createDirectories(dir.resolve("staging"));
    return ImagePlan.of(
        Versions.server(dir.resolve("server")),
        version,
        "iris@champion",
        artifact,
        "eclipse-temurin:21-jre",
        staging);
  }

  private static List<String> targets(ImagePlan.Layer layer) {
    return layer.entries().stream().map(ImagePlan.Entry::target).toList();
  }

  @Test
  void dependenciesThenProjectJarsThenTheModel() throws Exception {
    Path artifact = Versions.artifact(dir.resolve("artifact"));

    ImagePlan plan = plan(Versions.iris(3, artifact), artifact);

    assertThat(plan.layers())
        .extracting(ImagePlan.Layer::name)
        .containsExactly("dependencies", "project", "model");
    assertThat(targets(plan.layers().get(0))).containsExactly("/app/lib/picocli-4.7.7.jar");
    assertThat(targets(plan.layers().get(1)))
        .containsExactly("/app/lib/mlsys-core-0.1.0.jar", "/app/mlsys.jar");
    assertThat(targets(plan.layers().get(2)))
        .containsExactlyInAnyOrder(
            "/app/models/iris/3/model.onnx",
            "/app/models/iris/3/labels.json",
            "/app/models/iris/config.yaml",
            "/app/mlsys.yaml",
            "/app/model-version.json");
  }

  @Test
  void theModelLayerHoldsTheRegisteredArtifactUnchanged() throws Exception {
    Path artifact = Versions.artifact(dir.resolve("artifact"));
    ModelVersion version = Versions.iris(3, artifact);

    ImagePlan plan = plan(version, artifact);

    Path modelFile =
        plan.layers().get(2).entries().stream()
            .filter(entry -> entry.target().equals("/app/models/iris/3/model.onnx"))
            .findFirst()
            .orElseThrow()
            .source();
    assertThat(FileArtifactStore.digest(modelFile.getParent())).isEqualTo(version.artifactDigest());
    assertThat(Files.readString(modelFile.getParent().getParent().resolve("config.yaml")))
        .contains("labels: \"3/labels.json\"");
  }

  @Test
  void anArtifactThatDoesNotMatchItsDigestIsRefused() throws Exception {
    Path artifact = Versions.artifact(dir.resolve("artifact"));
    ModelVersion version = Versions.iris(3, "sha256:" + "0".repeat(64));

    assertThatThrownBy(() -> plan(version, artifact))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("model 'iris' version 3: the copied artifact is sha256:")
        .hasMessageContaining("(expected: sha256:" + "0".repeat(64) + ")");
  }

  @Test
  void withoutLabelsThereIsNoModelConfig() throws Exception {
    Path artifact = Versions.artifact(dir.resolve("artifact"));
    Files.delete(artifact.resolve("labels.json"));

    ImagePlan plan = plan(Versions.iris(2, artifact), artifact);

    assertThat(targets(plan.layers().get(2)))
        .containsExactlyInAnyOrder(
            "/app/models/iris/2/model.onnx", "/app/mlsys.yaml", "/app/model-version.json");
  }

  @Test
  void labelsNameTheModelVersionAndItsDigest() throws Exception {
    Path artifact = Versions.artifact(dir.resolve("artifact"));
    ModelVersion version = Versions.iris(3, artifact);

    ImagePlan plan = plan(version, artifact);

    assertThat(plan.labels())
        .containsEntry("io.mlsys.model.name", "iris")
        .containsEntry("io.mlsys.model.version", "3")
        .containsEntry("io.mlsys.model.digest", version.artifactDigest())
        .containsEntry("io.mlsys.model.reference", "iris@champion")
        .containsEntry("io.mlsys.model.version-name", "1.0.0-1.1")
        .containsEntry("io.mlsys.model.run-id", "0123456789abcdef0123456789abcdef")
        .containsEntry("org.opencontainers.image.title", "iris")
        .containsEntry("org.opencontainers.image.version", "3")
        .containsEntry("org.opencontainers.image.created", "2026-03-01T12:00:00Z")
        .containsEntry("org.opencontainers.image.base.name", "eclipse-temurin:21-jre");
    assertThat(plan.imageName()).isEqualTo("iris:3");
    assertThat(plan.created()).isEqualTo(Versions.REGISTERED);
  }

  @Test
  void theEntrypointServesTheImagesConfigOnBothPorts() throws Exception {
    Path artifact = Versions.artifact(dir.resolve("artifact"));

    ImagePlan plan = plan(Versions.iris(3, artifact), artifact);

    assertThat(plan.entrypoint())
        .containsExactly("java", "-jar", "/app/mlsys.jar", "serve", "--config", "/app/mlsys.yaml");
    assertThat(plan.ports()).containsExactly(8080, 8081);
    assertThat(plan.environment()).containsEntry("MLSYS_DATA_DIR", "/tmp/mlsys");
    assertThat(plan.workingDirectory()).isEqualTo("/app");
    Path config = source(plan, "/app/mlsys.yaml");
    assertThat(Files.readString(config))
        .contains("host: 0.0.0.0")
        .contains("port: 8080")
        .contains("grpc-port: 8081")
        .contains("path: /app/models");
  }

  @Test
  void theVersionFileCarriesTheLineage() throws Exception {
    Path artifact = Versions.artifact(dir.resolve("artifact"));
    ModelVersion version = Versions.iris(3, artifact);

    ImagePlan plan = plan(version, artifact);

    assertThat(Files.readString(source(plan, "/app/model-version.json")))
        .contains("\"artifact_digest\" : \"" + version.artifactDigest() + "\"")
        .contains("\"version\" : 3")
        .contains("\"run_id\" : \"0123456789abcdef0123456789abcdef\"")
        .contains("\"dataset_uri\" : \"classpath:/iris.csv\"")
        .contains("\"accuracy\" : 0.97");
  }

  private static Path source(ImagePlan plan, String target) {
    return plan.layers().stream()
        .flatMap(layer -> layer.entries().stream())
        .filter(entry -> entry.target().equals(target))
        .findFirst()
        .orElseThrow()
        .source();
  }
}
