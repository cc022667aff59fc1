package io.mlsys.registry.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.FailedPreconditionException;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ResourceExistsException;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.registry.Page;
import io.mlsys.registry.SearchQuery;
import io.mlsys.registry.tracking.Experiment;
import io.mlsys.registry.tracking.Metric;
import io.mlsys.registry.tracking.Run;
import io.mlsys.registry.tracking.RunStatus;
import io.mlsys.registry.tracking.TrackingStore;
import io.mlsys.store.Database;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

class JdbcTrackingStoreTest extends StoreFixture {

  @BothDatabases
  void hasTheDefaultExperimentAndCreatesOthers(Database database) {
    TrackingStore tracking = open(database).tracking();
    Experiment defaults = tracking.experiment(TrackingStore.DEFAULT_EXPERIMENT_ID);
    assertThat(defaults.name()).isEqualTo("Default");
    assertThat(defaults.lifecycleStage()).isEqualTo("active");

    String id = tracking.createExperiment("iris", null, Map.of("team", "ml"));
    Experiment iris = tracking.experimentByName("iris");
    assertThat(iris.id()).isEqualTo(id).isNotEqualTo("0");
    assertThat(iris.artifactLocation()).isEqualTo("mlflow-artifacts:/" + id);
    assertThat(iris.tags()).containsEntry("team", "ml");
    assertThat(tracking.createExperiment("s3", "s3://bucket/x", null)).isNotEqualTo(id);
    assertThat(tracking.experimentByName("s3").artifactLocation()).isEqualTo("s3://bucket/x");

    assertThatThrownBy(() -> tracking.createExperiment("iris", null, null))
        .isInstanceOf(ResourceExistsException.class);
    assertThatThrownBy(() -> tracking.createExperiment("x".repeat(501), null, null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("limit of 500");
    assertThatThrownBy(() -> tracking.experiment("999"))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> tracking.experimentByName("nope"))
        .isInstanceOf(ResourceNotFoundException.class);

    tracking.setExperimentTag(id, "stage", "dev");
    assertThat(tracking.experiment(id).tags()).containsEntry("stage", "dev");
    tracking.deleteExperiment(id);
    assertThat(tracking.experiment(id).lifecycleStage()).isEqualTo("deleted");
    assertThatThrownBy(() -> tracking.createRun(id, "ana", null, 1, null))
        .isInstanceOf(FailedPreconditionException.class);
    assertThat(
            tracking.searchExperiments(SearchQuery.all(100), "ACTIVE_ONLY").items().stream()
                .map(Experiment::name))
        .containsExactlyInAnyOrder("Default", "s3");
    assertThat(tracking.searchExperiments(SearchQuery.all(100), "DELETED_ONLY").items())
        .extracting(Experiment::name)
        .containsExactly("iris");
  }

  @BothDatabases
  void runsLogMetricsParamsAndTags(Database database) {
    TrackingStore tracking = open(database).tracking();
    String experiment = tracking.createExperiment("iris", null, null);
    Run run = tracking.createRun(experiment, "ana", "first", 1000, Map.of("k", "v"));
    assertThat(run.runId()).hasSize(32);
    assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(run.artifactUri())
        .isEqualTo("mlflow-artifacts:/" + experiment + "/" + run.runId() + "/artifacts");
    assertThat(run.tags()).containsEntry("mlflow.runName", "first").containsEntry("k", "v");

    String id = run.runId();
    tracking.logParam(id, "lr", "0.1");
    tracking.logParam(id, "lr", "0.1");
    assertThatThrownBy(() -> tracking.logParam(id, "lr", "0.2"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Changing param values is not allowed");
    tracking.logMetric(id, new Metric("acc", 0.5, 10, 0));
    tracking.logMetric(id, new Metric("acc", 0.9, 20, 2));
    tracking.logMetric(id, new Metric("acc", 0.7, 30, 1));
    tracking.logMetric(id, new Metric("loss", Double.NaN, 30, 0));
    tracking.setTag(id, "note", "hello");
    tracking.deleteTag(id, "k");
    assertThatThrownBy(() -> tracking.deleteTag(id, "k"))
        .isInstanceOf(ResourceNotFoundException.class);

    Run read = tracking.run(id);
    assertThat(read.params()).isEqualTo(Map.of("lr", "0.1"));
    assertThat(read.metrics())
        .extracting(Metric::key, Metric::value, Metric::step)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("acc", 0.9, 2L),
            org.assertj.core.groups.Tuple.tuple("loss", Double.NaN, 0L));
    assertThat(read.tags()).containsEntry("note", "hello").doesNotContainKey("k");
    assertThat(tracking.metricHistory(id, "acc", 100, null).items())
        .extracting(Metric::value)
        .containsExactly(0.5, 0.7, 0.9);
    Page<Metric> page = tracking.metricHistory(id, "acc", 2, null);
    assertThat(page.items()).hasSize(2);
    assertThat(tracking.metricHistory(id, "acc", 2, page.nextPageToken()).items())
        .extracting(Metric::value)
        .containsExactly(0.9);

    Run finished = tracking.updateRun(id, RunStatus.FINISHED, 5000L, "renamed");
    assertThat(finished.status()).isEqualTo(RunStatus.FINISHED);
    assertThat(finished.endTime()).isEqualTo(5000L);
    assertThat(finished.runName()).isEqualTo("renamed");
    assertThat(finished.tags()).containsEntry("mlflow.runName", "renamed");

    tracking.deleteRun(id);
    assertThat(tracking.run(id).lifecycleStage()).isEqualTo("deleted");
    assertThatThrownBy(() -> tracking.logMetric(id, new Metric("acc", 1, 1, 3)))
        .isInstanceOf(FailedPreconditionException.class);
    assertThatThrownBy(() -> tracking.run("nope")).isInstanceOf(ResourceNotFoundException.class);
  }

  @BothDatabases
  void enforcesMlflowLimits(Database database) {
    TrackingStore tracking = open(database).tracking();
    String id = tracking.createRun(null, "ana", null, 1, null).runId();
    assertThat(tracking.run(id).experimentId()).isEqualTo("0");

    assertThatThrownBy(() -> tracking.logParam(id, "p", "x".repeat(6001)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("limit of 6000");
    tracking.logParam(id, "p", "x".repeat(6000));
    assertThatThrownBy(() -> tracking.setTag(id, "t", "x".repeat(5001)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("limit of 5000");
    assertThatThrownBy(() -> tracking.logParam(id, "k".repeat(251), "v"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("limit of 250");
    assertThatThrownBy(() -> tracking.logMetric(id, new Metric("bad*name", 1, 1, 0)))
        .isInstanceOf(InvalidInputException.class);

    List<Metric> metrics = new ArrayList<>();
    for (int i = 0; i < 1001; i++) {
      metrics.add(new Metric("m", i, i, i));
    }
    assertThatThrownBy(() -> tracking.logBatch(id, metrics, Map.of(), Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at most 1000 metrics");
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < 101; i++) {
      params.put("p" + i, "v");
    }
    assertThatThrownBy(() -> tracking.logBatch(id, List.of(), params, Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at most 100 params");
    assertThatThrownBy(() -> tracking.logBatch(id, List.of(), Map.of(), params))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at most 100 tags");

    // A batch is all or nothing: the changed param fails it, the metric is not kept.
    assertThatThrownBy(
            () ->
                tracking.logBatch(
                    id, List.of(new Metric("kept", 1, 1, 0)), Map.of("p", "other"), Map.of()))
        .isInstanceOf(InvalidInputException.class);
    assertThat(tracking.run(id).metrics()).isEmpty();
    tracking.logBatch(id, metrics.subList(0, 1000), Map.of(), Map.of());
    assertThat(tracking.metricHistory(id, "m", 25_000, null).items()).hasSize(1000);
  }

  @BothDatabases
  void searchesRunsByMetricsParamsTagsAndAttributes(Database database) {
    TrackingStore tracking = open(database).tracking();
    String experiment = tracking.createExperiment("iris", null, null);
    String other = tracking.createExperiment("other", null, null);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Run run = tracking.createRun(experiment, "ana", "run" + i, 100 + i, null);
      tracking.logBatch(
          run.runId(),
          List.of(new Metric("acc", 0.8 + i * 0.05, 1, 0)),
          Map.of("algo", i % 2 == 0 ? "svm" : "tree"),
          Map.of("team", "ml"));
      ids.add(run.runId());
    }
    tracking.updateRun(ids.get(4), RunStatus.FINISHED, 200L, null);
    tracking.createRun(other, "bob", "elsewhere", 1, null);

    assertThat(runNames(tracking, List.of(experiment), "metrics.acc > 0.88", List.of()))
        .containsExactly("run4", "run3", "run2");
    assertThat(
            runNames(
                tracking,
                List.of(experiment),
                "params.algo = 'svm' and metrics.acc >= 0.8",
                List.of("metrics.acc ASC")))
        .containsExactly("run0", "run2", "run4");
    assertThat(runNames(tracking, List.of(experiment), "attributes.status = 'FINISHED'", List.of()))
        .containsExactly("run4");
    assertThat(
            runNames(
                tracking,
                List.of(experiment),
                "attributes.run_name LIKE 'run%' AND attributes.start_time < 102",
                List.of("attributes.start_time ASC")))
        .containsExactly("run0", "run1");
    assertThat(
            runNames(
                tracking,
                List.of(experiment),
                "tags.`mlflow.runName` IN ('run1', 'run3')",
                List.of("attributes.run_name DESC")))
        .containsExactly("run3", "run1");
    assertThat(
            runNames(
                tracking,
                List.of(experiment, other),
                "attributes.run_id = '" + ids.get(2) + "'",
                List.of()))
        .containsExactly("run2");
    assertThat(runNames(tracking, List.of(experiment, other), "", List.of("params.algo ASC")))
        .hasSize(6)
        .endsWith("elsewhere");
    assertThatThrownBy(
            () -> runNames(tracking, List.of(experiment), "metrics.acc > 'x'", List.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("filter:");
    assertThatThrownBy(() -> runNames(tracking, List.of(experiment), "params.algo > 1", List.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("filter:");

    Page<Run> first =
        tracking.searchRuns(
            List.of(experiment), new SearchQuery(null, List.of(), 2, null), "ACTIVE_ONLY");
    Page<Run> second =
        tracking.searchRuns(
            List.of(experiment),
            new SearchQuery(null, List.of(), 2, first.nextPageToken()),
            "ACTIVE_ONLY");
    assertThat(first.items()).extracting(Run::runName).containsExactly("run4", "run3");
    assertThat(second.items()).extracting(Run::runName).containsExactly("run2", "run1");
  }

  @BothDatabases
  void searchesExperimentsByNameTagsAndTimes(Database database) {
    TrackingStore tracking = open(database).tracking();
    tracking.createExperiment("iris", null, Map.of("team", "ml"));
    clock.advance(java.time.Duration.ofSeconds(10));
    tracking.createExperiment("iris-tuning", null, Map.of("team", "ml"));
    tracking.createExperiment("wine", null, Map.of("team", "vision"));
    long cutoff = clock.instant().minusSeconds(5).toEpochMilli();

    assertThat(experimentNames(tracking, "name LIKE 'iris%'", "name DESC"))
        .containsExactly("iris-tuning", "iris");
    assertThat(experimentNames(tracking, "tags.team = 'ml'", "name ASC"))
        .containsExactly("iris", "iris-tuning");
    assertThat(
            experimentNames(
                tracking, "attributes.creation_time > " + cutoff + " AND name != 'wine'", "name"))
        .containsExactly("iris-tuning");
    // Newest first by default, then by id.
    assertThat(experimentNames(tracking, null))
        .containsExactly("iris-tuning", "wine", "Default", "iris");
    assertThatThrownBy(() -> experimentNames(tracking, "metrics.x > 1"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("experiments have no metrics");
    assertThatThrownBy(() -> tracking.searchExperiments(SearchQuery.all(10), "SOMETIMES"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("view_type:");
  }

  private static List<String> experimentNames(
      TrackingStore tracking, String filter, String... orderBy) {
    return tracking
        .searchExperiments(new SearchQuery(filter, List.of(orderBy), 100, null), "ACTIVE_ONLY")
        .items()
        .stream()
        .map(Experiment::name)
        .toList();
  }

  private static List<String> runNames(
      TrackingStore tracking, List<String> experiments, String filter, List<String> orderBy) {
    return tracking
        .searchRuns(experiments, new SearchQuery(filter, orderBy, 100, null), "ACTIVE_ONLY")
        .items()
        .stream()
        .map(Run::runName)
        .toList();
  }
}
