package io.mlsys.batch;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch jobs that {@code mlsys serve} runs on their schedules ({@code batch:} in mlsys.yaml), with
 * the same leases in the store as {@code mlsys batch schedule}: a server and separate schedulers
 * over one store never start the same run.
 *
 * @param jobs job files, each with a {@code schedule:}, relative to the mlsys.yaml; a job is named
 *     by its file name without {@code .yaml} (the name of its lease and its metrics' {@code job}
 *     tag, as for {@code mlsys batch schedule}); none by default
 */
public record BatchConfig(List<Path> jobs) {

  public BatchConfig {
    jobs = jobs == null ? List.of() : List.copyOf(jobs);
  }

  /** No scheduled jobs. */
  @ConfigDefaults
  public static BatchConfig defaults() {
    return new BatchConfig(List.of());
  }

  /**
   * Reads the job files, each named by its file name.
   *
   * @param key how messages name the list ({@code batch.jobs}, or a command's parameter)
   * @throws ConfigException when a file is invalid, has no schedule, or two share a name
   */
  public Map<String, BatchJob> load(Map<String, String> environment, String key) {
    return load(jobs, environment, key);
  }

  /** {@link #load(Map, String)} for any list of job files. */
  public static Map<String, BatchJob> load(
      List<Path> files, Map<String, String> environment, String key) {
    Map<String, BatchJob> scheduled = new LinkedHashMap<>();
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      String path = key + "[" + i + "]";
      BatchJob job = BatchJob.load(file, environment);
      if (job.schedule() == null) {
        throw new ConfigException(path, file + " has no schedule: (expected: schedule.cron)");
      }
      String name = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
      if (scheduled.put(name, job) != null) {
        throw new ConfigException(path, file + ": two job files named " + name);
      }
    }
    return scheduled;
  }
}
