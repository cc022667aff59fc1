package io.mlsys.batch;

import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.nio.file.Path;

/**
 * Where a job's predictions (or its rejected rows) go ({@code sink:} and {@code reject:} of a job
 * file): exactly one of the formats. Every sink holds a {@code row} column first, the input row's
 * number (from 1), so rows can be matched to their input.
 *
 * @param csv a CSV file, with a header line
 * @param jsonl a file of JSON lines, one object a row
 * @param parquet a folder of Parquet part files, one per chunk, and a {@code _manifest.json} that
 *     lists the parts complete (one Parquet file cannot be appended to after a kill)
 * @param jdbc a database table, created when absent; each chunk's rows are inserted in one
 *     transaction
 */
public record SinkSpec(Path csv, Path jsonl, Path parquet, JdbcTable jdbc) {

  /**
   * @throws ConfigException listing every invalid field
   */
  public SinkSpec {
    Violations violations = new Violations();
    int formats =
        (csv != null ? 1 : 0)
            + (jsonl != null ? 1 : 0)
            + (parquet != null ? 1 : 0)
            + (jdbc != null ? 1 : 0);
    violations.check(formats == 1, "csv", csv, "exactly one of csv, jsonl, parquet and jdbc");
    violations.check(
        jdbc == null || jdbc.table() != null,
        "jdbc.query",
        jdbc,
        "a table (a sink cannot be a query)");
    violations.check(
        jdbc == null || jdbc.orderBy() == null, "jdbc.order-by", jdbc, "absent for a sink");
    violations.throwIfAny(null);
  }

  /** A CSV file. */
  public static SinkSpec ofCsv(Path file) {
    return new SinkSpec(file, null, null, null);
  }

  /** The file or folder it writes, or null for a table. */
  Path path() {
    return csv != null ? csv : jsonl != null ? jsonl : parquet;
  }

  /**
   * The reject sink that goes with this sink by default: {@code predictions.csv} -> {@code
   * predictions.rejects.csv}, the same for JSONL and Parquet; {@code <table>_rejects} for a table.
   */
  SinkSpec defaultRejects() {
    if (jdbc != null) {
      return new SinkSpec(
          null,
          null,
          null,
          new JdbcTable(
              jdbc.url(), jdbc.user(), jdbc.password(), jdbc.table() + "_rejects", null, null));
    }
    Path rejects = BatchRun.rejectsOf(path());
    return csv != null
        ? new SinkSpec(rejects, null, null, null)
        : jsonl != null
            ? new SinkSpec(null, rejects, null, null)
            : new SinkSpec(null, null, rejects, null);
  }

  /** The checkpoint that goes with this sink by default: {@code <file>.checkpoint}. */
  Path defaultCheckpoint() {
    Path path = path();
    return path == null ? null : path.resolveSibling(path.getFileName() + ".checkpoint");
  }
}
