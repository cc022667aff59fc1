package io.mlsys.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the test's own ({@code initdb} in a folder the test owns, {@code pg_ctl}
 * on a free port), for outage tests that stop and restart the database: never the machine's shared
 * server. Needs PostgreSQL's server binaries ({@code /usr/lib/postgresql/<major>/bin}); as root,
 * runs them as the {@code postgres} user, since PostgreSQL refuses to run as root.
 */
public final class PrivatePostgres implements AutoCloseable {
  private final Path bin;
  private final Path dataDir;
  private final int port;

  private PrivatePostgres(Path bin, Path dataDir, int port) {
    this.bin = bin;
    this.dataDir = dataDir;
    this.port = port;
  }

  /** Creates a cluster under {@code dir} (trust auth, user postgres) and starts it. */
  public static PrivatePostgres start(Path dir) throws IOException, InterruptedException {
    Path bin = binaries();
    Files.createDirectories(dir);
    Path dataDir = dir.resolve("pgdata");
    if (isRoot()) {
      run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
      // The owner of the cluster must reach the folder through every parent.
      for (Path parent = dir.getParent(); parent != null; parent = parent.getParent()) {
        run(List.of("chmod", "o+x", parent.toString()));
      }
    }
    PrivatePostgres postgres = new PrivatePostgres(bin, dataDir, FreePorts.next());
    postgres.pg(
        "initdb",
        "-D",
        dataDir.toString(),
        "-A",
        "trust",
        "-U",
        "postgres",
        "--no-sync",
        "-E",
        "UTF8");
    postgres.start();
    return postgres;
  }

  /** A JDBC URL of the {@code postgres} database. */
  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  public int port() {
    return port;
  }

  /** Starts the server again after {@link #stop()}; waits until it accepts connections. */
  public void start() throws IOException, InterruptedException {
    pg(
        "pg_ctl",
        "-D",
        dataDir.toString(),
        "-l",
        dataDir.resolveSibling("postgres.log").toString(),
        "-o",
        "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dataDir.getParent() + " -F",
        "-w",
        "-t",
        "60",
        "start");
  }

  /** Stops the server at once ({@code -m immediate}: an outage, not a maintenance window). */
  public void stop() throws IOException, InterruptedException {
    pg("pg_ctl", "-D", dataDir.toString(), "-m", "immediate", "-w", "stop");
  }

  @Override
  public void close() throws IOException {
    if (Files.exists(dataDir.resolve("postmaster.pid"))) {
      try {
        stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void pg(String tool, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (isRoot()) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(bin.resolve(tool).toString());
    command.addAll(List.of(args));
    run(command);
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static Path binaries() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      throw new IllegalStateException(
          "PostgreSQL's server binaries are not installed (expected /usr/lib/postgresql/<major>/bin)");
    }
    try (Stream<Path> majors = Files.list(root)) {
      return majors
          .map(major -> major.resolve("bin"))
          .filter(bin -> Files.isExecutable(bin.resolve("pg_ctl")))
          .max(Path::compareTo)
          .orElseThrow(() -> new IllegalStateException("no pg_ctl under " + root));
    }
  }
}
