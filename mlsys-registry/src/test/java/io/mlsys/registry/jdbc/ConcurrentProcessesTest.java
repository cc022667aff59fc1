package io.mlsys.registry.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.registry.AuditEntry;
import io.mlsys.registry.AuditQuery;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.RegistryStore;
import io.mlsys.registry.RegistryStores;
import io.mlsys.registry.SearchQuery;
import io.mlsys.registry.VersionStatus;
import io.mlsys.store.Database;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/**
 * Two JVMs register versions of one model at once against the same SQLite file or PostgreSQL
 * schema: the numbers are exactly 1..2N, none twice, none lost.
 */
class ConcurrentProcessesTest extends StoreFixture {
  private static final int PER_PROCESS = 25;

  @BothDatabases
  void twoProcessesNeverDuplicateOrLoseVersions(Database database) throws Exception {
    String schema = "concurrent_" + database.vendor();
    Path dir = dataDir.resolve(schema);
    // Created (and migrated) here first, so that the children only open it.
    try (RegistryStores stores =
        RegistryStores.open(config(database, schema), dir, Clock.systemUTC())) {
      stores.registry().changeSequence();
    }
    Path go = dataDir.resolve("go-" + database.vendor());
    List<Process> children = new ArrayList<>();
    List<BufferedReader> outputs = new ArrayList<>();
    try {
      for (String actor : List.of("p1", "p2")) {
        Process child = start(database, dir, schema, actor, go);
        children.add(child);
        outputs.add(
            new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)));
      }
      for (int i = 0; i < children.size(); i++) {
        assertThat(outputs.get(i).readLine()).as(log(children.get(i))).isEqualTo("ready");
      }
      Files.createFile(go);
      for (int i = 0; i < children.size(); i++) {
        Process child = children.get(i);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("finished in time").isTrue();
        assertThat(child.exitValue()).as(log(child)).isZero();
        assertThat(outputs.get(i).readLine()).isEqualTo("done " + PER_PROCESS);
      }
    } finally {
      children.forEach(Process::destroyForcibly);
    }

    try (RegistryStores stores =
        RegistryStores.open(config(database, schema), dir, Clock.systemUTC())) {
      RegistryStore registry = stores.registry();
      List<ModelVersion> versions =
          registry.searchVersions(new SearchQuery("name = 'race'", List.of(), 1000, null)).items();
      assertThat(versions)
          .extracting(ModelVersion::version)
          .containsExactlyInAnyOrderElementsOf(
              LongStream.rangeClosed(1, 2L * PER_PROCESS).boxed().toList());
      assertThat(versions).allMatch(v -> v.status() == VersionStatus.READY);
      for (String actor : List.of("p1", "p2")) {
        assertThat(versions)
            .filteredOn(v -> actor.equals(v.createdBy()) && actor.equals(v.tags().get("by")))
            .hasSize(PER_PROCESS);
      }
      List<AuditEntry> audit = registry.audit(new AuditQuery("race", 1000, null)).items();
      assertThat(audit)
          .filteredOn(e -> e.action().equals("version.create"))
          .hasSize(2 * PER_PROCESS);
      assertThat(audit).filteredOn(e -> e.action().equals("model.create")).hasSize(1);
    }
  }

  private static Process start(Database database, Path dir, String schema, String actor, Path go)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-cp",
            classPath,
            "-Xmx128m",
            RegisterVersionsMain.class.getName(),
            dir.toString(),
            database == Database.SQLITE ? "-" : postgresUrl(),
            schema,
            "race",
            Integer.toString(PER_PROCESS),
            actor,
            go.toString());
    builder.redirectError(dir.resolveSibling(schema + "-" + actor + ".log").toFile());
    return builder.start();
  }

  private static String log(Process child) {
    return "child " + child.pid() + " (its stderr is in the test's temp dir)";
  }
}
