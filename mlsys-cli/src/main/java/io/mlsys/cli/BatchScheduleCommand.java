package io.mlsys.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlsys.batch.BatchConfig;
import io.mlsys.batch.BatchJob;
import io.mlsys.batch.BatchReport;
import io.mlsys.batch.BatchScheduler;
import io.mlsys.batch.BatchSchedules;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import io.mlsys.store.Store;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mlsys batch schedule job.yaml...}: runs the jobs at the times their {@code schedule:}
 * names, with a lease per job in the store so that several schedulers (on several hosts, or {@code
 * mlsys serve} with a {@code batch:} section) never start the same run, and a job's runs never
 * overlap.
 */
@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs job files at the times their schedule: names (cron), one run at a time per job. Any"
          + " number of schedulers may run over one store: a lease in it (owner batch) lets one"
          + " of them start each run. A run killed with its scheduler resumes from its checkpoint"
          + " at the job's next time."
    })
final class BatchScheduleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "JOB", description = "Job files with a schedule:.")
  List<Path> jobs;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "An mlsys.yaml whose store: holds the leases (default: the embedded store).")
  Path config;

  @Option(
      names = "--once",
      description = "Start what is due now, wait for it, and exit (as from an external cron).")
  boolean once;

  @Option(
      names = "--metrics-port",
      paramLabel = "N",
      description =
          "Serve the jobs' progress gauges as Prometheus text on http://127.0.0.1:N/metrics (0: a"
              + " free port).")
  Integer metricsPort;

  @Override
  public Integer call() throws Exception {
    Map<String, BatchJob> scheduled = BatchConfig.load(jobs, System.getenv(), "JOB");
    MlsysConfig mlsys = config == null ? MlsysConfig.defaults() : MlsysConfigLoader.load(config);
    Clock clock = Clock.systemUTC();
    PrintWriter out = spec.commandLine().getOut();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Store store =
            Store.open(
                mlsys.store(),
                mlsys.resolvedDataDir(System.getenv(), System.getProperty("user.home")),
                BatchScheduler.OWNER);
        MetricsEndpoint metrics =
            metricsPort == null ? null : MetricsEndpoint.start(registry, metricsPort);
        BatchSchedules schedules =
            new BatchSchedules(
                new BatchScheduler(store, BatchScheduler.processHolder(), clock),
                scheduled,
                BatchRunCommand::runJob,
                new Printer(out, scheduled),
                registry,
                clock)) {
      if (metrics != null) {
        out.printf("metrics on http://127.0.0.1:%d/metrics%n", metrics.port());
        out.flush();
      }
      if (once) {
        schedules.runDue();
      } else {
        schedules.runUntilClosed();
      }
      return 0;
    }
  }

  /** Each run's start and report on the console. */
  private record Printer(PrintWriter out, Map<String, BatchJob> jobs)
      implements BatchSchedules.Listener {
    @Override
    public void started(String job, Instant scheduled) {
      out.printf("%s: the run of %s started%n", job, scheduled);
      out.flush();
    }

    @Override
    public void finished(String job, Instant scheduled, BatchReport report) {
      out.print(job + ": ");
      BatchRunCommand.report(out, report, BatchRunCommand.rejectsOf(jobs.get(job)));
    }

    @Override
    public void stopped(String job, Instant scheduled, Exception error) {
      out.printf("%s: the run of %s stopped: %s%n", job, scheduled, error.getMessage());
      out.flush();
    }
  }
}
