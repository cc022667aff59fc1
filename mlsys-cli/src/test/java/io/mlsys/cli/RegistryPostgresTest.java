package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.testing.PostgresDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mlsys train} and {@code mlsys registry} against the shared PostgreSQL store. */
class RegistryPostgresTest {
  @TempDir Path dataDir;

  private PostgresDatabase database;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  @BeforeEach
  void createDatabase() {
    database = PostgresDatabase.create("cli");
  }

  @AfterEach
  void dropDatabase() {
    database.close();
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--data-dir",
            dataDir.toString(),
            "--store-url",
            database.url() + "?user=" + database.user()));
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(all.toArray(String[]::new));
  }

  @Test
  void trainAliasListAndAuditOnPostgresql() {
    assertThat(run("train", "--alias", "champion", "--actor", "alice")).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("registered iris/1 (1.0.0-1.1) READY")
        .contains("alias champion -> 1");

    assertThat(run("registry", "list", "iris")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("iris/1").contains("champion").contains("accuracy");

    assertThat(run("registry", "audit", "--model", "iris")).isZero();
    assertThat(out.toString()).contains("alice").contains("alias.set").contains("version.register");
  }

  @Test
  void anUnreachableStoreIsOneClearMessage() {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));

    int code =
        commandLine.execute(
            "registry",
            "list",
            "--data-dir",
            dataDir.toString(),
            "--store-url",
            "jdbc:postgresql://127.0.0.1:1/nothing");

    assertThat(code).isEqualTo(CliErrorHandler.EXIT_FAILURE);
    assertThat(err.toString()).startsWith("mlsys: ").doesNotContain("\tat ");
  }
}
