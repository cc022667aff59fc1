package io.mlsys.deploy;

import io.mlsys.registry.FileArtifactStore;
import io.mlsys.registry.Lineage;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.VersionName;
import io.mlsys.registry.VersionStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Registered versions and a packaged server laid out in a temporary folder. */
final class Versions {
  static final Instant REGISTERED = Instant.parse("2026-03-01T12:00:00Z");

  private Versions() {}

  /** An artifact folder as the registry stores one: model.onnx and labels.json. */
  static Path artifact(Path folder) throws IOException {
    Files.createDirectories(folder);
    Files.write(folder.resolve("model.onnx"), new byte[] {8, 1, 18, 4, 't', 'e', 's', 't'});
    Files.writeString(folder.resolve("labels.json"), "{\"0\": \"setosa\", \"1\": \"versicolor\"}");
    return folder;
  }

  /** Version {@code number} of iris whose digest is {@code digest}. */
  static ModelVersion iris(long number, String digest) {
    return new ModelVersion(
        "iris",
        number,
        VersionName.parse("1.0.0-1.1", "version"),
        VersionStatus.READY,
        null,
        null,
        "test version",
        "/models/iris.onnx",
        digest,
        "onnxruntime_onnx",
        null,
        new Lineage(
            "0123456789abcdef0123456789abcdef",
            "classpath:/iris.csv",
            "sha256:" + "a".repeat(64),
            "train 0.7 / test 0.3, seed 42",
            Map.of("epochs", "300"),
            Map.of("accuracy", 0.97),
            "mlsys-test",
            Map.of()),
        null,
        null,
        Map.of(),
        List.of("champion"),
        "alice",
        REGISTERED,
        REGISTERED,
        false);
  }

  static ModelVersion iris(long number, Path artifact) throws IOException {
    return iris(number, FileArtifactStore.digest(artifact));
  }

  /** A server laid out as the build packages it: mlsys.jar with lib/ beside it. */
  static ServerApplication server(Path folder) throws IOException {
    Files.createDirectories(folder.resolve("lib"));
    Path main = Files.writeString(folder.resolve("mlsys.jar"), "main");
    Path dependency = Files.writeString(folder.resolve("lib/picocli-4.7.7.jar"), "picocli");
    Path own = Files.writeString(folder.resolve("lib/mlsys-core-0.1.0.jar"), "core");
    return new ServerApplication(main, List.of(dependency), List.of(own));
  }
}
