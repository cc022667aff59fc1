package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.registry.RegistryConfig;
import io.mlsys.store.StoreConfig;
import io.mlsys.testing.PostgresDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main MLflow API flow against a registry on the machine's PostgreSQL (a database of its own,
 * dropped afterwards): the same calls and answers as on SQLite.
 */
class MlflowPostgresTest {
  private static PostgresDatabase postgres;

  @TempDir Path dataDir;
  @TempDir Path sources;

  @BeforeAll
  static void createDatabase() {
    postgres = PostgresDatabase.create("mlflowapi");
  }

  @AfterAll
  static void dropDatabase() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .repository(new TestRepository())
                  .registry(
                      TestRegistries.open(
                          StoreConfig.postgresql(postgres.url(), postgres.user(), null),
                          dataDir,
                          RegistryConfig.defaults().withSourceRoots(List.of(sources)))));

  @Test
  void theMainFlowWorksOnPostgresql() {
    MlflowHttp http = new MlflowHttp(() -> server.port());

    MlflowRestApiTest.mainFlow(http, sources);

    assertThat(dataDir.resolve("registry.db")).doesNotExist();
  }
}
