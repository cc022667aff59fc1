package io.mlsys.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** The {@code mlsys} command in a JVM of its own, for the tests that kill it with SIGKILL. */
final class ChildMlsys {
  private ChildMlsys() {}

  /** The command line that runs {@code mlsys <args>} on this test's JDK and class path. */
  static List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    return command;
  }

  /**
   * Starts a batch run up to {@code attempts} times and kills each with SIGKILL once it has
   * checkpointed a chunk of its own (so at a moment it is writing), unless it finished first.
   *
   * @return how many runs were killed
   */
  static int killAfterEachCheckpoint(Callable<Process> start, Path checkpoint, int attempts)
      throws Exception {
    long lastDone = 0;
    int kills = 0;
    for (int attempt = 0; attempt < attempts; attempt++) {
      Process run = start.call();
      Instant deadline = Instant.now().plusSeconds(120);
      while (rowsDone(checkpoint) <= lastDone
          && run.isAlive()
          && Instant.now().isBefore(deadline)) {
        Thread.sleep(20);
      }
      if (!run.isAlive()) {
        break;
      }
      run.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      kills++;
      lastDone = rowsDone(checkpoint);
    }
    return kills;
  }

  /** Rows a batch checkpoint says are done; 0 while it is absent or being replaced. */
  static long rowsDone(Path checkpoint) {
    try {
      return new ObjectMapper().readTree(Files.readAllBytes(checkpoint)).get("rows_done").asLong();
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
