package io.mlsys.cli;

import io.mlsys.repository.ModelState;
import io.mlsys.repository.ModelStatus;
import io.mlsys.server.MlsysServer;
import io.mlsys.server.config.MlsysConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

/** Starts a server from a config, reports what it serves, and runs until the JVM is stopped. */
final class ServerRunner {
  private ServerRunner() {}

  /** Starts the server; the returned server is already loading/serving. */
  static MlsysServer start(MlsysConfig config) {
    return MlsysServer.fromConfig(config).start();
  }

  /** Starts the server from a config file (with {@code flags} applied), watching it for changes. */
  static MlsysServer start(Path configFile, UnaryOperator<MlsysConfig> flags) {
    return MlsysServer.fromConfigFile(configFile, flags).start();
  }

  /** One line per model version: state and, when not ready, why. */
  static void printModels(MlsysServer server, PrintWriter out) {
    for (ModelStatus status : server.repository().index()) {
      out.printf(
          "  %-20s version %-4s %s%s%n",
          status.name(),
          status.version(),
          status.state(),
          status.state() == ModelState.READY ? "" : " (" + status.reason() + ")");
    }
    out.flush();
  }

  /**
   * Blocks until the JVM is asked to stop (Ctrl-C, SIGTERM), then stops the server gracefully:
   * in-flight requests finish first.
   */
  static void awaitShutdown(MlsysServer server) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("mlsys-shutdown")
                .unstarted(
                    () -> {
                      server.stop();
                      stopped.countDown();
                    }));
    stopped.await();
  }
}
