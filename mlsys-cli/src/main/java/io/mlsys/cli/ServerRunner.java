package io.mlsys.cli;

import io.mlsys.batch.BatchJob;
import io.mlsys.batch.BatchReport;
import io.mlsys.batch.BatchScheduler;
import io.mlsys.batch.BatchSchedules;
import io.mlsys.repository.ModelState;
import io.mlsys.repository.ModelStatus;
import io.mlsys.server.MlsysServer;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.store.Store;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Starts a server from a config, reports what it serves, and runs until the JVM is stopped. */
final class ServerRunner {
  private static final Logger LOG = Logger.getLogger("io.mlsys.batch.schedules");

  private ServerRunner() {}

  /** The server's batch schedules and the store of their leases, closed in that order. */
  record Schedules(BatchSchedules schedules, Store store) implements AutoCloseable {
    @Override
    public void close() {
      try {
        schedules.close();
      } finally {
        store.close();
      }
    }
  }

  /**
   * The config's {@code batch:} jobs, read and checked before the server starts.
   *
   * @throws io.mlsys.config.ConfigException naming {@code batch.jobs[i]} for a bad job file
   */
  static Map<String, BatchJob> scheduledJobs(MlsysConfig config) {
    return config.batch().load(System.getenv(), "batch.jobs");
  }

  /**
   * Runs {@code jobs} on their schedules, in this process beside the server: the loop of {@code
   * mlsys batch schedule} on a daemon thread, with the leases in the config's store (so a separate
   * scheduler never starts the same run) and the gauges in the server's registry ({@code GET
   * /metrics}).
   *
   * @return what to close at shutdown; null when there are no jobs
   */
  static Schedules startSchedules(
      Map<String, BatchJob> jobs, MlsysConfig config, MlsysServer server, Clock clock) {
    if (jobs.isEmpty()) {
      return null;
    }
    Store store =
        Store.open(
            config.store(),
            config.resolvedDataDir(System.getenv(), System.getProperty("user.home")),
            BatchScheduler.OWNER);
    try {
      BatchSchedules schedules =
          new BatchSchedules(
              new BatchScheduler(store, BatchScheduler.processHolder(), clock),
              jobs,
              BatchRunCommand::runJob,
              new LogListener(),
              server.meterRegistry(),
              clock);
      return new Schedules(schedules.start(), store);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** The runs of the server's schedules, in its log. */
  private static final class LogListener implements BatchSchedules.Listener {
    @Override
    public void started(String job, Instant scheduled) {
      LOG.info(() -> "batch job " + job + ": the run of " + scheduled + " started");
    }

    @Override
    public void finished(String job, Instant scheduled, BatchReport report) {
      LOG.info(
          () ->
              String.format(
                  "batch job %s: the run of %s ended: %d rows, %d predicted, %d rejected, %.1f"
                      + " rows/s",
                  job,
                  scheduled,
                  report.rows(),
                  report.predicted(),
                  report.rejected(),
                  report.rowsPerSecond()));
    }

    @Override
    public void stopped(String job, Instant scheduled, Exception error) {
      LOG.log(
          Level.WARNING,
          "batch job " + job + ": the run of " + scheduled + " stopped; its next time resumes it",
          error);
    }
  }

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
    awaitShutdown(server, null);
  }

  /** As {@link #awaitShutdown(MlsysServer)}, closing {@code schedules} (when any) first. */
  static void awaitShutdown(MlsysServer server, Schedules schedules) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("mlsys-shutdown")
                .unstarted(
                    () -> {
                      if (schedules != null) {
                        schedules.close();
                      }
                      server.stop();
                      stopped.countDown();
                    }));
    stopped.await();
  }
}
