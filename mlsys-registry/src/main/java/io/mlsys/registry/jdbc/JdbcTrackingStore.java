package io.mlsys.registry.jdbc;

import static io.mlsys.registry.jdbc.JdbcRegistryStore.execute;
import static io.mlsys.registry.jdbc.JdbcRegistryStore.nullableLong;
import static io.mlsys.registry.jdbc.JdbcRegistryStore.page;

import io.mlsys.core.FailedPreconditionException;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ResourceExistsException;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.registry.Page;
import io.mlsys.registry.SearchLimits;
import io.mlsys.registry.SearchQuery;
import io.mlsys.registry.jdbc.SearchFilter.Op;
import io.mlsys.registry.jdbc.SearchSpec.Type;
import io.mlsys.registry.tracking.Experiment;
import io.mlsys.registry.tracking.Metric;
import io.mlsys.registry.tracking.Run;
import io.mlsys.registry.tracking.RunStatus;
import io.mlsys.registry.tracking.TrackingStore;
import io.mlsys.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * MLflow tracking over the registry's store: experiments, runs, params, metrics (full history and
 * the latest value per key, which searches filter and order on) and tags, with MLflow's limits.
 */
public final class JdbcTrackingStore implements TrackingStore {
  /** The tag MLflow keeps the run name in as well. */
  static final String RUN_NAME_TAG = "mlflow.runName";

  static final String ACTIVE = "active";
  static final String DELETED = "deleted";

  private static final String EXPERIMENT_COLUMNS =
      "e.id, e.name, e.artifact_location, e.lifecycle_stage, e.created_ms, e.updated_ms";
  private static final String RUN_COLUMNS =
      "r.run_uuid, r.experiment_id, r.name, r.user_id, r.status, r.start_time, r.end_time,"
          + " r.artifact_uri, r.lifecycle_stage";

  static final SearchSpec EXPERIMENTS =
      SearchSpec.builder("experiments")
          .filter("name", "e.name", Type.STRING, SearchSpec.STRING_OPS)
          .filter("creation_time", "e.created_ms", Type.INTEGER, SearchSpec.NUMBER_OPS)
          .filter("last_update_time", "e.updated_ms", Type.INTEGER, SearchSpec.NUMBER_OPS)
          .tags("experiment_tags", "kv.experiment_id = e.id")
          .order("name", "e.name")
          .order("experiment_id", "e.id")
          .order("creation_time", "e.created_ms")
          .order("last_update_time", "e.updated_ms")
          .defaultOrder(List.of("e.created_ms DESC"), "e.id ASC")
          .build();

  static final SearchSpec RUNS =
      SearchSpec.builder("runs")
          .filter(
              "status",
              "r.status",
              Type.STRING,
              EnumSet.of(Op.EQ, Op.NE, Op.LIKE, Op.ILIKE, Op.IN, Op.NOT_IN))
          .filter("run_name", "r.name", Type.STRING, SearchSpec.STRING_OPS)
          .filter("run_id", "r.run_uuid", Type.STRING, SearchSpec.ID_OPS)
          .filter("user_id", "r.user_id", Type.STRING, SearchSpec.STRING_OPS)
          .filter("artifact_uri", "r.artifact_uri", Type.STRING, SearchSpec.STRING_OPS)
          .filter("start_time", "r.start_time", Type.INTEGER, SearchSpec.NUMBER_OPS)
          .filter("end_time", "r.end_time", Type.INTEGER, SearchSpec.NUMBER_OPS)
          .tags("run_tags", "kv.run_uuid = r.run_uuid")
          .params("params", "kv.run_uuid = r.run_uuid")
          .metrics("latest_metrics", "kv.run_uuid = r.run_uuid")
          .order("start_time", "r.start_time")
          .order("end_time", "r.end_time")
          .order("status", "r.status")
          .order("run_name", "r.name")
          .order("run_id", "r.run_uuid")
          .order("user_id", "r.user_id")
          .defaultOrder(List.of("r.start_time DESC"), "r.run_uuid ASC")
          .build();

  private final Store store;
  private final Clock clock;
  private final Supplier<String> runIds;

  /**
   * @param store the registry's store (tracking shares its migrations and file)
   * @param runIds new run ids: 32 lower-case hex digits, as MLflow's
   */
  public JdbcTrackingStore(Store store, Clock clock, Supplier<String> runIds) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.runIds = Objects.requireNonNull(runIds, "runIds");
    store.inTransaction(
        c -> {
          long now = clock.millis();
          execute(
              c,
              "INSERT INTO experiments (id, name, artifact_location, lifecycle_stage, created_ms,"
                  + " updated_ms) VALUES (0, 'Default', 'mlflow-artifacts:/0', ?, ?, ?)"
                  + " ON CONFLICT DO NOTHING",
              ACTIVE,
              now,
              now);
          return null;
        });
  }

  // ---- experiments -------------------------------------------------------------------------

  @Override
  public String createExperiment(String name, String artifactLocation, Map<String, String> tags) {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("name", "missing (expected an experiment name)");
    }
    Validation.length("name", name, Validation.MAX_EXPERIMENT_NAME_LENGTH);
    if (artifactLocation != null && artifactLocation.startsWith("runs:")) {
      throw new InvalidInputException(
          "artifact_location", "'" + artifactLocation + "' may not be a runs: URI");
    }
    Map<String, String> checkedTags = tags == null ? Map.of() : new TreeMap<>(tags);
    for (Map.Entry<String, String> tag : checkedTags.entrySet()) {
      validateTag(tag.getKey(), tag.getValue());
    }
    return store.inTransaction(
        c -> {
          long now = clock.millis();
          int inserted =
              execute(
                  c,
                  "INSERT INTO experiments (name, artifact_location, lifecycle_stage, created_ms,"
                      + " updated_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
                  name,
                  artifactLocation,
                  ACTIVE,
                  now,
                  now);
          if (inserted == 0) {
            throw new ResourceExistsException("Experiment '" + name + "' already exists.");
          }
          long id =
              JdbcRegistryStore.queryLong(c, "SELECT id FROM experiments WHERE name = ?", name);
          if (artifactLocation == null) {
            execute(
                c,
                "UPDATE experiments SET artifact_location = ? WHERE id = ?",
                "mlflow-artifacts:/" + id,
                id);
          }
          for (Map.Entry<String, String> tag : checkedTags.entrySet()) {
            upsertTag(c, "experiment_tags", "experiment_id", id, tag.getKey(), tag.getValue());
          }
          return Long.toString(id);
        });
  }

  @Override
  public Experiment experiment(String id) {
    return store.read(c -> loadExperiment(c, id));
  }

  @Override
  public Experiment experimentByName(String name) {
    return store.read(
        c -> {
          try (PreparedStatement statement =
              c.prepareStatement(
                  "SELECT " + EXPERIMENT_COLUMNS + " FROM experiments e WHERE name = ?")) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
              if (rs.next()) {
                return toExperiment(c, rs);
              }
            }
          }
          throw new ResourceNotFoundException("Could not find experiment with name '" + name + "'");
        });
  }

  @Override
  public Page<Experiment> searchExperiments(SearchQuery query, String viewType) {
    Validation.maxResults(query.maxResults(), SearchLimits.EXPERIMENTS_MAX);
    List<String> stages = lifecycleStages(viewType);
    SearchFilter filter = SearchFilter.parse(query.filter());
    Sql where = EXPERIMENTS.where(filter, store.database());
    Sql order = EXPERIMENTS.orderBy(query.orderBy());
    String fingerprint =
        PageToken.fingerprint(
            "experiments", query.filter(), String.join(",", query.orderBy()), viewType(viewType));
    long offset = PageToken.decode(query.pageToken(), fingerprint);
    return store.read(
        c -> {
          Sql sql = new Sql().append("SELECT ").append(EXPERIMENT_COLUMNS);
          sql.append(" FROM experiments e WHERE ").append(inStages("e.lifecycle_stage", stages));
          if (!where.isEmpty()) {
            sql.append(" AND ").append(where);
          }
          sql.append(" ORDER BY ").append(order);
          sql.append(" LIMIT ").param((long) query.maxResults() + 1);
          sql.append(" OFFSET ").param(offset);
          List<Experiment> experiments = new ArrayList<>();
          try (PreparedStatement statement = sql.prepare(c);
              ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
              experiments.add(toExperiment(c, rs));
            }
          }
          return page(experiments, query.maxResults(), offset, fingerprint);
        });
  }

  @Override
  public void setExperimentTag(String experimentId, String key, String value) {
    validateTag(key, value);
    store.inTransaction(
        c -> {
          Experiment experiment = loadExperiment(c, experimentId);
          requireActive(experiment);
          long id = Long.parseLong(experiment.id());
          upsertTag(c, "experiment_tags", "experiment_id", id, key, value);
          execute(c, "UPDATE experiments SET updated_ms = ? WHERE id = ?", clock.millis(), id);
          return null;
        });
  }

  @Override
  public void deleteExperiment(String experimentId) {
    store.inTransaction(
        c -> {
          Experiment experiment = loadExperiment(c, experimentId);
          if (experiment.id().equals(DEFAULT_EXPERIMENT_ID)) {
            throw new InvalidInputException(
                "experiment_id", "the Default experiment (id 0) cannot be deleted");
          }
          execute(
              c,
              "UPDATE experiments SET lifecycle_stage = ?, updated_ms = ? WHERE id = ?",
              DELETED,
              clock.millis(),
              Long.parseLong(experiment.id()));
          return null;
        });
  }

  // ---- runs --------------------------------------------------------------------------------

  @Override
  public Run createRun(
      String experimentId,
      String userId,
      String runName,
      long startTime,
      Map<String, String> tags) {
    Map<String, String> checkedTags = tags == null ? new TreeMap<>() : new TreeMap<>(tags);
    if (checkedTags.size() > Validation.MAX_PARAMS_TAGS_PER_BATCH) {
      throw new InvalidInputException(
          "tags",
          checkedTags.size()
              + " tags (expected at most "
              + Validation.MAX_PARAMS_TAGS_PER_BATCH
              + ")");
    }
    for (Map.Entry<String, String> tag : checkedTags.entrySet()) {
      validateTag(tag.getKey(), tag.getValue());
    }
    String runId = runIds.get();
    String name =
        runName != null && !runName.isBlank()
            ? runName
            : checkedTags.getOrDefault(RUN_NAME_TAG, "run-" + runId.substring(0, 8));
    Validation.length("run_name", name, Validation.MAX_TAG_VAL_LENGTH);
    checkedTags.put(RUN_NAME_TAG, name);
    String experiment = experimentId == null ? DEFAULT_EXPERIMENT_ID : experimentId;
    return store.inTransaction(
        c -> {
          Experiment parent = loadExperiment(c, experiment);
          requireActive(parent);
          String base = parent.artifactLocation();
          String artifactUri = (base.endsWith("/") ? base : base + "/") + runId + "/artifacts";
          execute(
              c,
              "INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time,"
                  + " end_time, artifact_uri, lifecycle_stage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
              runId,
              Long.parseLong(parent.id()),
              name,
              userId,
              RunStatus.RUNNING.name(),
              startTime,
              null,
              artifactUri,
              ACTIVE);
          for (Map.Entry<String, String> tag : checkedTags.entrySet()) {
            upsertTag(c, "run_tags", "run_uuid", runId, tag.getKey(), tag.getValue());
          }
          return loadRun(c, runId);
        });
  }

  @Override
  public Run run(String runId) {
    return store.read(c -> loadRun(c, runId));
  }

  @Override
  public Run updateRun(String runId, RunStatus status, Long endTime, String runName) {
    if (runName != null) {
      Validation.length("run_name", runName, Validation.MAX_TAG_VAL_LENGTH);
    }
    return store.inTransaction(
        c -> {
          Run run = loadRun(c, runId);
          requireActive(run);
          execute(
              c,
              "UPDATE runs SET status = ?, end_time = ?, name = ? WHERE run_uuid = ?",
              (status == null ? run.status() : status).name(),
              endTime == null ? run.endTime() : endTime,
              runName == null || runName.isEmpty() ? run.runName() : runName,
              runId);
          if (runName != null && !runName.isEmpty()) {
            upsertTag(c, "run_tags", "run_uuid", runId, RUN_NAME_TAG, runName);
          }
          return loadRun(c, runId);
        });
  }

  @Override
  public Page<Run> searchRuns(List<String> experimentIds, SearchQuery query, String viewType) {
    Validation.maxResults(query.maxResults(), SearchLimits.RUNS_MAX);
    List<String> stages = lifecycleStages(viewType);
    SearchFilter filter = SearchFilter.parse(query.filter());
    Sql where = RUNS.where(filter, store.database());
    Sql order = RUNS.orderBy(query.orderBy());
    List<Long> ids = new ArrayList<>();
    for (String id : experimentIds == null ? List.<String>of() : experimentIds) {
      parseId(id).ifPresent(ids::add);
    }
    String fingerprint =
        PageToken.fingerprint(
            "runs",
            String.valueOf(experimentIds),
            query.filter(),
            String.join(",", query.orderBy()),
            viewType(viewType));
    long offset = PageToken.decode(query.pageToken(), fingerprint);
    if (ids.isEmpty()) {
      return new Page<>(List.of(), null);
    }
    return store.read(
        c -> {
          Sql sql = new Sql().append("SELECT ").append(RUN_COLUMNS).append(" FROM runs r WHERE ");
          sql.append("r.experiment_id IN (");
          String separator = "";
          for (long id : ids) {
            sql.append(separator).param(id);
            separator = ", ";
          }
          sql.append(") AND ").append(inStages("r.lifecycle_stage", stages));
          if (!where.isEmpty()) {
            sql.append(" AND ").append(where);
          }
          sql.append(" ORDER BY ").append(order);
          sql.append(" LIMIT ").param((long) query.maxResults() + 1);
          sql.append(" OFFSET ").param(offset);
          List<RunRow> rows = new ArrayList<>();
          try (PreparedStatement statement = sql.prepare(c);
              ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
              rows.add(runRow(rs));
            }
          }
          List<Run> runs = new ArrayList<>(rows.size());
          for (RunRow row : rows) {
            runs.add(toRun(c, row));
          }
          return page(runs, query.maxResults(), offset, fingerprint);
        });
  }

  @Override
  public void deleteRun(String runId) {
    store.inTransaction(
        c -> {
          loadRunRow(c, runId);
          execute(c, "UPDATE runs SET lifecycle_stage = ? WHERE run_uuid = ?", DELETED, runId);
          return null;
        });
  }

  @Override
  public void logMetric(String runId, Metric metric) {
    logBatch(runId, List.of(metric), Map.of(), Map.of());
  }

  @Override
  public void logParam(String runId, String key, String value) {
    logBatch(runId, List.of(), Map.of(key, value == null ? "" : value), Map.of());
  }

  @Override
  public void setTag(String runId, String key, String value) {
    logBatch(runId, List.of(), Map.of(), Map.of(key, value == null ? "" : value));
  }

  @Override
  public void deleteTag(String runId, String key) {
    store.inTransaction(
        c -> {
          RunRow run = loadRunRow(c, runId);
          requireActive(run.lifecycleStage(), runId);
          if (execute(c, "DELETE FROM run_tags WHERE run_uuid = ? AND key = ?", runId, key) == 0) {
            throw new ResourceNotFoundException(
                "No tag with name: " + key + " in run with id " + runId);
          }
          return null;
        });
  }

  @Override
  public void logBatch(
      String runId, List<Metric> metrics, Map<String, String> params, Map<String, String> tags) {
    List<Metric> checkedMetrics = metrics == null ? List.of() : metrics;
    Map<String, String> checkedParams = params == null ? Map.of() : new TreeMap<>(params);
    Map<String, String> checkedTags = tags == null ? Map.of() : new TreeMap<>(tags);
    batchLimit("metrics", checkedMetrics.size(), Validation.MAX_METRICS_PER_BATCH);
    batchLimit("params", checkedParams.size(), Validation.MAX_PARAMS_TAGS_PER_BATCH);
    batchLimit("tags", checkedTags.size(), Validation.MAX_PARAMS_TAGS_PER_BATCH);
    batchLimit(
        "metrics, params and tags",
        checkedMetrics.size() + checkedParams.size() + checkedTags.size(),
        Validation.MAX_ENTITIES_PER_BATCH);
    for (Metric metric : checkedMetrics) {
      Validation.key("metrics.key", metric.key(), Validation.MAX_ENTITY_KEY_LENGTH);
      if (metric.timestamp() < 0) {
        throw new InvalidInputException(
            "metrics.timestamp",
            metric.timestamp() + " (expected milliseconds since the epoch, >= 0)");
      }
    }
    for (Map.Entry<String, String> param : checkedParams.entrySet()) {
      Validation.key("params.key", param.getKey(), Validation.MAX_ENTITY_KEY_LENGTH);
      Validation.length(
          "params." + param.getKey(), param.getValue(), Validation.MAX_PARAM_VAL_LENGTH);
    }
    for (Map.Entry<String, String> tag : checkedTags.entrySet()) {
      validateTag(tag.getKey(), tag.getValue());
    }
    store.inTransaction(
        c -> {
          RunRow run = loadRunRow(c, runId);
          requireActive(run.lifecycleStage(), runId);
          for (Map.Entry<String, String> param : checkedParams.entrySet()) {
            logParam(c, runId, param.getKey(), param.getValue());
          }
          for (Metric metric : checkedMetrics) {
            logMetric(c, runId, metric);
          }
          for (Map.Entry<String, String> tag : checkedTags.entrySet()) {
            upsertTag(c, "run_tags", "run_uuid", runId, tag.getKey(), tag.getValue());
            if (tag.getKey().equals(RUN_NAME_TAG)) {
              execute(c, "UPDATE runs SET name = ? WHERE run_uuid = ?", tag.getValue(), runId);
            }
          }
          return null;
        });
  }

  @Override
  public Page<Metric> metricHistory(String runId, String key, int maxResults, String pageToken) {
    Validation.maxResults(maxResults, SearchLimits.METRIC_HISTORY_MAX);
    String fingerprint = PageToken.fingerprint("metric-history", runId, key);
    long offset = PageToken.decode(pageToken, fingerprint);
    return store.read(
        c -> {
          loadRunRow(c, runId);
          List<Metric> values = new ArrayList<>();
          try (PreparedStatement statement =
              c.prepareStatement(
                  "SELECT value, is_nan, timestamp_ms, step FROM metrics"
                      + " WHERE run_uuid = ? AND key = ? ORDER BY step, timestamp_ms, value"
                      + " LIMIT ? OFFSET ?")) {
            Sql.bind(statement, List.of(runId, key, (long) maxResults + 1, offset));
            try (ResultSet rs = statement.executeQuery()) {
              while (rs.next()) {
                values.add(metric(key, rs, 1));
              }
            }
          }
          return page(values, maxResults, offset, fingerprint);
        });
  }

  @Override
  public void close() {
    store.close();
  }

  // ---- statements --------------------------------------------------------------------------

  private static void logParam(Connection c, String runId, String key, String value)
      throws SQLException {
    int inserted =
        execute(
            c,
            "INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?)"
                + " ON CONFLICT (run_uuid, key) DO NOTHING",
            runId,
            key,
            value);
    if (inserted == 0) {
      String old;
      try (PreparedStatement statement =
          c.prepareStatement("SELECT value FROM params WHERE run_uuid = ? AND key = ?")) {
        Sql.bind(statement, List.of(runId, key));
        try (ResultSet rs = statement.executeQuery()) {
          rs.next();
          old = rs.getString(1);
        }
      }
      if (!old.equals(value)) {
        throw new InvalidInputException(
            "params." + key,
            "Changing param values is not allowed. Param with key='"
                + key
                + "' was already logged with value='"
                + old
                + "' for run ID='"
                + runId
                + "'. Attempted logging new value '"
                + value
                + "'.");
      }
    }
  }

  private static void logMetric(Connection c, String runId, Metric metric) throws SQLException {
    boolean nan = Double.isNaN(metric.value());
    double value = nan ? 0 : metric.value();
    execute(
        c,
        "INSERT INTO metrics (run_uuid, key, value, is_nan, timestamp_ms, step)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        runId,
        metric.key(),
        value,
        nan,
        metric.timestamp(),
        metric.step());
    // The latest value is the one with the highest step, then timestamp, then value (MLflow's).
    execute(
        c,
        "INSERT INTO latest_metrics (run_uuid, key, value, is_nan, timestamp_ms, step)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_uuid, key) DO UPDATE SET"
            + " value = excluded.value, is_nan = excluded.is_nan,"
            + " timestamp_ms = excluded.timestamp_ms, step = excluded.step"
            + " WHERE excluded.step > latest_metrics.step"
            + " OR (excluded.step = latest_metrics.step"
            + " AND excluded.timestamp_ms > latest_metrics.timestamp_ms)"
            + " OR (excluded.step = latest_metrics.step"
            + " AND excluded.timestamp_ms = latest_metrics.timestamp_ms"
            + " AND excluded.value > latest_metrics.value)",
        runId,
        metric.key(),
        value,
        nan,
        metric.timestamp(),
        metric.step());
  }

  private static void upsertTag(
      Connection c, String table, String idColumn, Object id, String key, String value)
      throws SQLException {
    execute(
        c,
        "INSERT INTO "
            + table
            + " ("
            + idColumn
            + ", key, value) VALUES (?, ?, ?) ON CONFLICT ("
            + idColumn
            + ", key) DO UPDATE SET value = excluded.value",
        id,
        key,
        value);
  }

  private static Metric metric(String key, ResultSet rs, int first) throws SQLException {
    boolean nan = rs.getBoolean(first + 1);
    return new Metric(
        key, nan ? Double.NaN : rs.getDouble(first), rs.getLong(first + 2), rs.getLong(first + 3));
  }

  // ---- rows --------------------------------------------------------------------------------

  private record RunRow(
      String runId,
      long experimentId,
      String name,
      String userId,
      String status,
      long startTime,
      Long endTime,
      String artifactUri,
      String lifecycleStage) {}

  private static RunRow runRow(ResultSet rs) throws SQLException {
    return new RunRow(
        rs.getString(1),
        rs.getLong(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getLong(6),
        nullableLong(rs, 7),
        rs.getString(8),
        rs.getString(9));
  }

  private static RunRow loadRunRow(Connection c, String runId) throws SQLException {
    if (runId != null) {
      try (PreparedStatement statement =
          c.prepareStatement("SELECT " + RUN_COLUMNS + " FROM runs r WHERE run_uuid = ?")) {
        statement.setString(1, runId);
        try (ResultSet rs = statement.executeQuery()) {
          if (rs.next()) {
            return runRow(rs);
          }
        }
      }
    }
    throw new ResourceNotFoundException("Run with id=" + runId + " not found");
  }

  private static Run loadRun(Connection c, String runId) throws SQLException {
    return toRun(c, loadRunRow(c, runId));
  }

  private static Run toRun(Connection c, RunRow row) throws SQLException {
    List<Metric> metrics = new ArrayList<>();
    try (PreparedStatement statement =
        c.prepareStatement(
            "SELECT key, value, is_nan, timestamp_ms, step FROM latest_metrics"
                + " WHERE run_uuid = ? ORDER BY key")) {
      statement.setString(1, row.runId());
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          metrics.add(metric(rs.getString(1), rs, 2));
        }
      }
    }
    return new Run(
        row.runId(),
        Long.toString(row.experimentId()),
        row.name(),
        row.userId(),
        RunStatus.valueOf(row.status()),
        row.startTime(),
        row.endTime(),
        row.artifactUri(),
        row.lifecycleStage(),
        metrics,
        keyValues(c, "params", "run_uuid", row.runId()),
        keyValues(c, "run_tags", "run_uuid", row.runId()));
  }

  private static Map<String, String> keyValues(
      Connection c, String table, String idColumn, Object id) throws SQLException {
    Map<String, String> values = new LinkedHashMap<>();
    try (PreparedStatement statement =
        c.prepareStatement(
            "SELECT key, value FROM " + table + " WHERE " + idColumn + " = ? ORDER BY key")) {
      Sql.bind(statement, 1, id);
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          values.put(rs.getString(1), rs.getString(2) == null ? "" : rs.getString(2));
        }
      }
    }
    return values;
  }

  private static Experiment loadExperiment(Connection c, String id) throws SQLException {
    Optional<Long> parsed = parseId(id);
    if (parsed.isPresent()) {
      try (PreparedStatement statement =
          c.prepareStatement("SELECT " + EXPERIMENT_COLUMNS + " FROM experiments e WHERE id = ?")) {
        statement.setLong(1, parsed.get());
        try (ResultSet rs = statement.executeQuery()) {
          if (rs.next()) {
            return toExperiment(c, rs);
          }
        }
      }
    }
    throw new ResourceNotFoundException("Could not find experiment with ID " + id);
  }

  private static Experiment toExperiment(Connection c, ResultSet rs) throws SQLException {
    long id = rs.getLong(1);
    return new Experiment(
        Long.toString(id),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        keyValues(c, "experiment_tags", "experiment_id", id),
        Instant.ofEpochMilli(rs.getLong(5)),
        Instant.ofEpochMilli(rs.getLong(6)));
  }

  private static Optional<Long> parseId(String id) {
    if (id == null || !id.matches("[0-9]{1,18}")) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(id));
  }

  // ---- rules -------------------------------------------------------------------------------

  private static void requireActive(Experiment experiment) {
    if (!ACTIVE.equals(experiment.lifecycleStage())) {
      throw new FailedPreconditionException(
          "experiment " + experiment.id() + " is deleted (expected an active experiment)");
    }
  }

  private static void requireActive(Run run) {
    requireActive(run.lifecycleStage(), run.runId());
  }

  private static void requireActive(String lifecycleStage, String runId) {
    if (!ACTIVE.equals(lifecycleStage)) {
      throw new FailedPreconditionException(
          "The run "
              + runId
              + " must be in the 'active' state. Current state is "
              + lifecycleStage
              + ".");
    }
  }

  private static void validateTag(String key, String value) {
    Validation.key("tags.key", key, Validation.MAX_ENTITY_KEY_LENGTH);
    Validation.length("tags." + key, value, Validation.MAX_TAG_VAL_LENGTH);
  }

  private static void batchLimit(String what, int count, int limit) {
    if (count > limit) {
      throw new InvalidInputException(
          what.contains(",") ? "batch" : what,
          "A batch logging request can contain at most "
              + limit
              + " "
              + what
              + ". Got "
              + count
              + " "
              + what
              + ". Please split up "
              + what
              + " across multiple requests and try again.");
    }
  }

  static String viewType(String viewType) {
    return viewType == null ? "ACTIVE_ONLY" : viewType.toUpperCase(Locale.ROOT);
  }

  private static List<String> lifecycleStages(String viewType) {
    return switch (viewType(viewType)) {
      case "ACTIVE_ONLY" -> List.of(ACTIVE);
      case "DELETED_ONLY" -> List.of(DELETED);
      case "ALL" -> List.of(ACTIVE, DELETED);
      default ->
          throw new InvalidInputException(
              "view_type",
              "'" + viewType + "' is not a view type (expected ACTIVE_ONLY, DELETED_ONLY or ALL)");
    };
  }

  private static Sql inStages(String column, List<String> stages) {
    Sql sql = new Sql().append(column).append(" IN (");
    String separator = "";
    for (String stage : stages) {
      sql.append(separator).param(stage);
      separator = ", ";
    }
    return sql.append(")");
  }
}
