package io.mlsys.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigViolation;
import io.mlsys.registry.RegistryConfig;
import io.mlsys.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code store:}, {@code registry:} and {@code data-dir} in mlsys.yaml. */
class RegistryConfigLoadTest {
  @TempDir Path dir;

  @Test
  void absentSectionsTakeTheirDefaults() {
    MlsysConfig config = MlsysConfigLoader.parse("{}", dir, Map.of());

    assertThat(config.store()).isEqualTo(StoreConfig.defaults());
    assertThat(config.registry()).isEqualTo(RegistryConfig.defaults());
    assertThat(config.dataDir()).isNull();
    assertThat(config.registry().maxArtifactBytes())
        .isEqualTo(RegistryConfig.DEFAULT_MAX_ARTIFACT_BYTES);
  }

  @Test
  void readsTheStoreTheRegistryAndTheDataDir() {
    MlsysConfig config =
        MlsysConfigLoader.parse(
            """
            data-dir: ./data
            store:
              url: jdbc:postgresql://db:5432/mlsys
              user: mlsys
              password: ${PG_PASSWORD}
              pool-size: 4
            registry:
              source-roots: [./models]
              approval: { aliases: [champion], approver-must-differ: true }
              promotion:
                champion:
                  metrics:
                    accuracy: { max-drop: 0.01 }
                    loss: { min: 0.5, lower-is-better: true }
              gc-period: 30m
              follow-period: 2s
              max-artifact-bytes: 1048576
            """,
            dir,
            Map.of("PG_PASSWORD", "secret"));

    assertThat(config.dataDir()).isEqualTo(dir.resolve("data"));
    assertThat(config.store().url()).isEqualTo("jdbc:postgresql://db:5432/mlsys");
    assertThat(config.store().password()).isEqualTo("secret");
    assertThat(config.store().poolSize()).isEqualTo(4);
    RegistryConfig registry = config.registry();
    assertThat(registry.sourceRoots()).containsExactly(dir.resolve("models"));
    assertThat(registry.aliasRule("champion").approverMustDiffer()).isTrue();
    assertThat(registry.promotion().get("champion").metrics().get("accuracy").maxDrop())
        .isEqualTo(0.01);
    assertThat(registry.promotion().get("champion").metrics().get("loss").lowerIsBetter()).isTrue();
    assertThat(registry.promotion().get("champion").metrics().get("accuracy").lowerIsBetter())
        .isFalse();
    assertThat(registry.gcPeriod()).isEqualTo(Duration.ofMinutes(30));
    assertThat(registry.followPeriod()).isEqualTo(Duration.ofSeconds(2));
    assertThat(registry.maxArtifactBytes()).isEqualTo(1_048_576);
  }

  @Test
  void badValuesAreReportedWithTheirPaths() {
    assertThatThrownBy(
            () ->
                MlsysConfigLoader.parse(
                    """
                    store: { url: "mysql://x", pool-size: 0 }
                    registry: { max-artifact-bytes: -1, sourceroots: [] }
                    """,
                    dir,
                    Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.violations().stream().map(ConfigViolation::toString).toList())
                    .anyMatch(v -> v.startsWith("store.url: "))
                    .anyMatch(v -> v.startsWith("store.pool-size: "))
                    .anyMatch(v -> v.startsWith("registry.max-artifact-bytes: "))
                    .anyMatch(v -> v.startsWith("registry.sourceroots: unknown key")));
  }

  @Test
  void theDataDirIsTheConfigsElseTheEnvironmentsElseTheHomeFolders() {
    MlsysConfig defaults = MlsysConfig.defaults();

    assertThat(defaults.resolvedDataDir(Map.of(), "/home/ana"))
        .isEqualTo(Path.of("/home/ana/.mlsys"));
    assertThat(defaults.resolvedDataDir(Map.of("MLSYS_DATA_DIR", "/srv/mlsys"), "/home/ana"))
        .isEqualTo(Path.of("/srv/mlsys"));
    assertThat(
            defaults
                .withDataDir(Path.of("/data"))
                .resolvedDataDir(Map.of("MLSYS_DATA_DIR", "/srv/mlsys"), "/home/ana"))
        .isEqualTo(Path.of("/data"));
    assertThat(defaults.withRegistry(RegistryConfig.defaults().withSourceRoots(List.of())))
        .isEqualTo(defaults);
  }
}
