package io.mlsys.cli;

import io.mlsys.batch.BatchJob;
import io.mlsys.batch.BatchProgress;
import io.mlsys.batch.BatchReport;
import io.mlsys.batch.BatchScheduler;
import io.mlsys.config.ConfigException;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import io.mlsys.store.Store;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mlsys batch schedule job.yaml...}: runs the jobs at the times their {@code schedule:}
 * names, with a lease per job in the store so that several schedulers (on several hosts) never
 * start the same run, and a job's runs never overlap.
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

  @Override
  public Integer call() throws Exception {
    Map<String, BatchJob> scheduled = new LinkedHashMap<>();
    for (Path file : jobs) {
      BatchJob job = BatchJob.load(file, System.getenv());
      if (job.schedule() == null) {
        throw new ConfigException("JOB", file + " has no schedule: (expected: schedule.cron)");
      }
      String name = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
      if (scheduled.put(name, job) != null) {
        throw new ConfigException("JOB", file + ": two job files named " + name);
      }
    }
    MlsysConfig mlsys = config == null ? MlsysConfig.defaults() : MlsysConfigLoader.load(config);
    Clock clock = Clock.systemUTC();
    PrintWriter out = spec.commandLine().getOut();
    String holder =
        ProcessHandle.current().pid() + "@" + java.net.InetAddress.getLocalHost().getHostName();
    try (Store store =
            Store.open(
                mlsys.store(),
                mlsys.resolvedDataDir(System.getenv(), System.getProperty("user.home")),
                BatchScheduler.OWNER);
        ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor()) {
      BatchScheduler scheduler = new BatchScheduler(store, holder, clock);
      while (true) {
        for (Map.Entry<String, BatchJob> entry : scheduled.entrySet()) {
          runIfDue(scheduler, entry.getKey(), entry.getValue(), renewals, out, clock);
        }
        if (once) {
          return 0;
        }
        Instant now = clock.instant();
        List<Instant> next = new ArrayList<>();
        for (BatchJob job : scheduled.values()) {
          BatchScheduler.next(job.schedule(), now).ifPresent(next::add);
        }
        // Wake at the earliest next time, and at least once a minute (a lease another scheduler
        // left may have expired meanwhile).
        long wait = Duration.ofMinutes(1).toMillis();
        for (Instant time : next) {
          wait = Math.min(wait, Math.max(0, Duration.between(now, time).toMillis()) + 50);
        }
        Thread.sleep(wait);
      }
    }
  }

  private static void runIfDue(
      BatchScheduler scheduler,
      String name,
      BatchJob job,
      ScheduledExecutorService renewals,
      PrintWriter out,
      Clock clock)
      throws Exception {
    Optional<Instant> fire = scheduler.tryStart(name, job.schedule());
    if (fire.isEmpty()) {
      return;
    }
    out.printf("%s: the run of %s started%n", name, fire.get());
    out.flush();
    long period = Math.max(1, job.schedule().lease().toMillis() / 3);
    var renewing =
        renewals.scheduleAtFixedRate(
            () -> scheduler.renew(name, job.schedule()), period, period, TimeUnit.MILLISECONDS);
    try {
      BatchReport report = BatchRunCommand.runJob(job, BatchProgress.NONE, clock);
      out.print(name + ": ");
      BatchRunCommand.report(out, report, BatchRunCommand.rejectsOf(job));
    } catch (Exception e) {
      // The run stopped; its checkpoint stays, and the job's next time resumes it.
      out.printf("%s: the run of %s stopped: %s%n", name, fire.get(), e.getMessage());
      out.flush();
    } finally {
      renewing.cancel(false);
      scheduler.finish(name);
    }
  }
}
