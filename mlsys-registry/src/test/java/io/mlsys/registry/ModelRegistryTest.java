package io.mlsys.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.FailedPreconditionException;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelLoadException;
import io.mlsys.registry.RegistryConfig.ApprovalConfig;
import io.mlsys.repository.ModelLoader;
import io.mlsys.store.StoreConfig;
import io.mlsys.testing.Fixtures;
import io.mlsys.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade over the SQLite stores with the real ONNX runtime: register, alias, resolve, GC. */
class ModelRegistryTest {
  @TempDir Path dataDir;

  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");

  private ModelRegistry registry(Path sourceRoot) {
    RegistryStores stores = RegistryStores.open(StoreConfig.defaults(), dataDir, clock);
    return new ModelRegistry(
        stores.registry(),
        stores.tracking(),
        stores.artifacts(),
        ModelLoader.installedRuntimes(),
        RegistryConfig.defaults()
            .withSourceRoots(List.of(sourceRoot))
            .withApproval(new ApprovalConfig(List.of("champion"), true)));
  }

  @Test
  void registersApprovesAliasesAndResolvesAVersion() throws Exception {
    Path iris = Fixtures.require("sklearn-iris/iris_svc.onnx");
    try (ModelRegistry registry = registry(iris.getParent())) {
      ModelVersion ready =
          registry.register(
              new NewVersion("iris", iris.toString(), null, null, null, null, null, null), "ana");
      assertThat(ready.status()).isEqualTo(VersionStatus.READY);
      assertThat(ready.signature().inputs()).isNotEmpty();
      assertThat(ready.artifactDigest()).startsWith("sha256:");

      assertThatThrownBy(() -> registry.setAlias("iris", "champion", 1, "ana"))
          .isInstanceOf(FailedPreconditionException.class);
      registry.approve("iris", 1, "champion", "bob", "ok");
      registry.setAlias("iris", "champion", 1, "ana");

      ModelVersion resolved = registry.resolve(RegistryReference.parse("iris@champion", "ref"));
      Path folder = registry.artifactFolder(resolved);
      assertThat(Files.readAllBytes(ModelRegistry.modelFile(folder)))
          .isEqualTo(Files.readAllBytes(iris));
      // Referenced artifacts survive garbage collection, even when old.
      clock.advance(java.time.Duration.ofDays(1));
      assertThat(registry.collectGarbage()).isEmpty();
    }
  }

  @Test
  void anArtifactThatDoesNotLoadLeavesAFailedVersion() throws Exception {
    Path sources = Files.createDirectories(dataDir.resolve("sources"));
    Path broken = Files.writeString(sources.resolve("broken.onnx"), "not a model");
    try (ModelRegistry registry = registry(sources)) {
      assertThatThrownBy(
              () ->
                  registry.register(
                      new NewVersion("iris", broken.toString(), null, null, null, null, null, null),
                      "ana"))
          .isInstanceOf(ModelLoadException.class);
      ModelVersion failed = registry.store().version("iris", 1);
      assertThat(failed.status()).isEqualTo(VersionStatus.FAILED_REGISTRATION);
      assertThat(failed.statusMessage()).isNotBlank();

      // A source outside the allowed roots writes nothing at all.
      assertThatThrownBy(
              () ->
                  registry.register(
                      new NewVersion("other", "/etc/passwd", null, null, null, null, null, null),
                      "ana"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("source:");
      assertThat(registry.store().findModel("other")).isEmpty();
    }
  }
}
