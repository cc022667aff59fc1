package io.mlsys.registry.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.DataType;
import io.mlsys.core.FailedPreconditionException;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ResourceExistsException;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.core.TensorSpec;
import io.mlsys.registry.AliasMove;
import io.mlsys.registry.AuditEntry;
import io.mlsys.registry.AuditQuery;
import io.mlsys.registry.DataProfile;
import io.mlsys.registry.Lineage;
import io.mlsys.registry.ModelCard;
import io.mlsys.registry.ModelSignature;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.NewModel;
import io.mlsys.registry.NewVersion;
import io.mlsys.registry.Page;
import io.mlsys.registry.RegisteredModel;
import io.mlsys.registry.RegistryStore;
import io.mlsys.registry.RegistryStore.AliasRule;
import io.mlsys.registry.VersionName;
import io.mlsys.registry.VersionStatus;
import io.mlsys.store.Database;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

class JdbcRegistryStoreTest extends StoreFixture {
  static final ModelSignature SIGNATURE =
      new ModelSignature(
          "onnxruntime_onnx",
          List.of(new TensorSpec("float_input", DataType.FP32, List.of(-1L, 4L))),
          List.of(
              new TensorSpec(
                  "probabilities",
                  DataType.FP32,
                  List.of(-1L, 3L),
                  List.of("setosa", "versicolor", "virginica"),
                  Map.of("zipmap", true))),
          Map.of("0", "setosa"));
  static final String DIGEST = "sha256:" + "a".repeat(64);

  static ModelVersion registerReady(RegistryStore store, String model, String actor) {
    ModelVersion pending =
        store.createPendingVersion(
            new NewVersion(model, "/models/" + model, null, null, null, null, null, null), actor);
    return store.completeRegistration(
        model, pending.version(), DIGEST, "onnxruntime_onnx", SIGNATURE);
  }

  @BothDatabases
  void createsReadsUpdatesAndDeletesAModel(Database database) {
    RegistryStore store = open(database).registry();
    RegisteredModel created =
        store.createModel(
            new NewModel("iris", "Iris classifier", "ml-team", Map.of("team", "ml")), "ana");
    assertThat(created.name()).isEqualTo("iris");
    assertThat(created.tags()).containsEntry("team", "ml");
    assertThat(created.created()).isEqualTo(clock.instant());

    assertThatThrownBy(() -> store.createModel(new NewModel("iris", null, null, null), "ana"))
        .isInstanceOf(ResourceExistsException.class)
        .hasMessageContaining("iris");

    clock.advance(Duration.ofSeconds(5));
    RegisteredModel updated = store.updateModel("iris", "Better", "bob");
    assertThat(updated.description()).isEqualTo("Better");
    assertThat(updated.updated()).isAfter(created.updated());
    assertThat(store.model("iris").owner()).isEqualTo("ml-team");

    store.deleteModel("iris", "bob");
    assertThat(store.findModel("iris")).isEmpty();
    assertThatThrownBy(() -> store.model("iris"))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("iris");
  }

  @BothDatabases
  void refusesInvalidNames(Database database) {
    RegistryStore store = open(database).registry();
    assertThatThrownBy(() -> store.createModel(new NewModel("bad name/..", null, null, null), "a"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("name: 'bad name/..'");
    assertThat(store.findModel("bad name/..")).isEmpty();
  }

  @BothDatabases
  void renameKeepsVersionsAliasesAndHistory(Database database) {
    RegistryStore store = open(database).registry();
    registerReady(store, "iris", "ana");
    store.setAlias("iris", "champion", 1, AliasRule.NONE, null, "ana");
    store.createModel(new NewModel("taken", null, null, null), "ana");

    assertThatThrownBy(() -> store.renameModel("iris", "taken", "ana"))
        .isInstanceOf(ResourceExistsException.class);
    RegisteredModel renamed = store.renameModel("iris", "iris-v2", "ana");

    assertThat(renamed.aliases()).containsEntry("champion", 1L);
    assertThat(store.versionByAlias("iris-v2", "champion").version()).isEqualTo(1);
    assertThat(store.aliasHistory("iris-v2", "champion")).hasSize(1);
    assertThat(store.findModel("iris")).isEmpty();
    // The next version continues the numbering under the new name.
    assertThat(registerReady(store, "iris-v2", "ana").version()).isEqualTo(2);
  }

  @BothDatabases
  void tagsOfModelsAndVersions(Database database) {
    RegistryStore store = open(database).registry();
    registerReady(store, "iris", "ana");
    store.setModelTag("iris", "team", "ml", "ana");
    store.setModelTag("iris", "team", "platform", "ana");
    store.setVersionTag("iris", 1, "validated", "yes", "ana");
    assertThat(store.model("iris").tags()).isEqualTo(Map.of("team", "platform"));
    assertThat(store.version("iris", 1).tags()).isEqualTo(Map.of("validated", "yes"));

    store.deleteModelTag("iris", "team", "ana");
    store.deleteVersionTag("iris", 1, "validated", "ana");
    assertThat(store.model("iris").tags()).isEmpty();
    assertThat(store.version("iris", 1).tags()).isEmpty();

    assertThatThrownBy(() -> store.setModelTag("iris", "../escape", "x", "ana"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("key:");
    assertThatThrownBy(() -> store.setModelTag("iris", "k", "x".repeat(5001), "ana"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("limit of 5000");

    List<AuditEntry> audit = store.audit(new AuditQuery("iris", 100, null)).items();
    assertThat(audit)
        .filteredOn(e -> e.action().equals("tag.set"))
        .extracting(AuditEntry::oldValue, AuditEntry::newValue)
        .contains(
            org.assertj.core.groups.Tuple.tuple(null, "ml"),
            org.assertj.core.groups.Tuple.tuple("ml", "platform"));
  }

  @BothDatabases
  void versionsAreNumberedFromOneAndCarryWhatWasRegistered(Database database) {
    RegistryStore store = open(database).registry();
    Lineage lineage =
        new Lineage(
            "run-1",
            "file:/data/iris.csv",
            "sha256:" + "b".repeat(64),
            "train 0.7 / test 0.3, seed 1",
            Map.of("epochs", "10"),
            Map.of("accuracy", 0.96),
            "abc123",
            Map.of("jdk", "25"));
    ModelCard card =
        new ModelCard(
            "classify iris",
            List.of(new ModelCard.Input("petal_length", "petal", "cm")),
            "ana",
            "lab only");
    DataProfile profile =
        new DataProfile(
            150,
            List.of(
                new DataProfile.Feature(
                    "petal_length",
                    150,
                    0,
                    new DataProfile.Numeric(
                        1,
                        6.9,
                        3.76,
                        1.76,
                        Map.of("0.5", 4.35),
                        List.of(1.0, 4.0, 6.9),
                        List.of(50L, 100L)),
                    Map.of())));
    ModelVersion pending =
        store.createPendingVersion(
            new NewVersion(
                "iris",
                "/models/iris.onnx",
                "first",
                VersionName.parse("1.0.0-1.1", "version_name"),
                lineage,
                card,
                profile,
                Map.of("k", "v")),
            "ana");
    assertThat(pending.version()).isEqualTo(1);
    assertThat(pending.status()).isEqualTo(VersionStatus.PENDING_REGISTRATION);
    assertThat(pending.stage()).isEqualTo("None");
    assertThat(pending.createdBy()).isEqualTo("ana");
    // The model was created with its first version, as MLflow's log_model does.
    assertThat(store.model("iris").owner()).isEqualTo("ana");

    ModelVersion ready =
        store.completeRegistration("iris", 1, DIGEST, "onnxruntime_onnx", SIGNATURE);
    assertThat(ready.status()).isEqualTo(VersionStatus.READY);
    assertThat(ready.signature()).isEqualTo(SIGNATURE);
    assertThat(ready.lineage()).isEqualTo(lineage);
    assertThat(ready.card()).isEqualTo(card);
    assertThat(ready.profile()).isEqualTo(profile);
    assertThat(ready.versionName()).hasToString("1.0.0-1.1");
    assertThat(ready.runId()).isEqualTo("run-1");
    assertThat(ready.artifactDigest()).isEqualTo(DIGEST);
    assertThatThrownBy(() -> store.completeRegistration("iris", 1, DIGEST, "x", SIGNATURE))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("READY");

    ModelVersion second =
        store.createPendingVersion(
            new NewVersion("iris", "/m", null, null, null, null, null, null), "ana");
    ModelVersion failed = store.failRegistration("iris", second.version(), "does not load");
    assertThat(failed.version()).isEqualTo(2);
    assertThat(failed.status()).isEqualTo(VersionStatus.FAILED_REGISTRATION);
    assertThat(failed.statusMessage()).isEqualTo("does not load");
    assertThat(store.referencedDigests()).containsExactly(DIGEST);

    assertThatThrownBy(() -> store.version("iris", 7))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("version=7");
    assertThatThrownBy(() -> store.version("nope", 1))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("nope");
  }

  @BothDatabases
  void deletedVersionNumbersAreNotReused(Database database) {
    RegistryStore store = open(database).registry();
    registerReady(store, "iris", "ana");
    registerReady(store, "iris", "ana");
    store.deleteVersion("iris", 2, "ana");
    assertThat(registerReady(store, "iris", "ana").version()).isEqualTo(3);
  }

  @BothDatabases
  void aliasesMoveWithHistoryAndAudit(Database database) {
    RegistryStore store = open(database).registry();
    registerReady(store, "iris", "ana");
    registerReady(store, "iris", "ana");
    long before = store.changeSequence();

    store.setAlias("iris", "champion", 1, AliasRule.NONE, null, "ana");
    clock.advance(Duration.ofMinutes(1));
    ModelVersion moved =
        store.setAlias("iris", "champion", 2, AliasRule.NONE, "accuracy 0.97 >= 0.96", "bob");

    assertThat(moved.aliases()).containsExactly("champion");
    assertThat(store.version("iris", 1).aliases()).isEmpty();
    assertThat(store.versionByAlias("iris", "champion").version()).isEqualTo(2);
    assertThat(store.model("iris").aliases()).isEqualTo(Map.of("champion", 2L));
    assertThat(store.changeSequence()).isGreaterThan(before);

    List<AliasMove> history = store.aliasHistory("iris", "champion");
    assertThat(history)
        .extracting(AliasMove::from, AliasMove::to, AliasMove::actor)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1L, 2L, "bob"),
            org.assertj.core.groups.Tuple.tuple(null, 1L, "ana"));
    assertThat(history.get(0).detail()).isEqualTo("accuracy 0.97 >= 0.96");

    store.deleteAlias("iris", "champion", "carol");
    assertThatThrownBy(() -> store.versionByAlias("iris", "champion"))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("champion");
    assertThat(store.aliasHistory("iris", "champion").get(0).to()).isNull();

    List<AuditEntry> audit = store.audit(new AuditQuery("iris", 100, null)).items();
    assertThat(audit.get(0).action()).isEqualTo("alias.delete");
    assertThat(audit.get(0).actor()).isEqualTo("carol");
    assertThat(audit)
        .filteredOn(e -> e.action().equals("alias.set"))
        .extracting(AuditEntry::oldValue, AuditEntry::newValue, AuditEntry::detail)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("1", "2", "accuracy 0.97 >= 0.96"),
            org.assertj.core.groups.Tuple.tuple(null, "1", null));
  }

  @BothDatabases
  void anAliasPointsOnlyToAReadyUnarchivedVersion(Database database) {
    RegistryStore store = open(database).registry();
    store.createPendingVersion(
        new NewVersion("iris", "/m", null, null, null, null, null, null), "ana");
    registerReady(store, "iris", "ana");
    store.archiveVersion("iris", 2, "ana");

    assertThatThrownBy(() -> store.setAlias("iris", "champion", 1, AliasRule.NONE, null, "ana"))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("PENDING_REGISTRATION");
    assertThatThrownBy(() -> store.setAlias("iris", "champion", 2, AliasRule.NONE, null, "ana"))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("archived");
    assertThatThrownBy(() -> store.setAlias("iris", "champion", 9, AliasRule.NONE, null, "ana"))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> store.setAlias("iris", "latest", 2, AliasRule.NONE, null, "ana"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("reserved");
    // Archived versions stay readable.
    assertThat(store.version("iris", 2).archived()).isTrue();
    // Refusals are in the audit, though nothing moved.
    assertThat(store.audit(new AuditQuery("iris", 10, null)).items())
        .filteredOn(e -> e.action().equals("alias.refused"))
        .hasSize(2);
  }

  @BothDatabases
  void approvalsGateAliasesThatRequireThem(Database database) {
    RegistryStore store = open(database).registry();
    registerReady(store, "iris", "ana");
    AliasRule rule = new AliasRule(true, true);

    assertThatThrownBy(() -> store.setAlias("iris", "champion", 1, rule, null, "ana"))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("requires an approval");
    assertThatThrownBy(() -> store.approve("iris", 1, "champion", rule, "ana", "lgtm"))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("another approver");
    // An approval for another alias does not count.
    store.approve("iris", 1, "challenger", rule, "bob", "ok");
    assertThatThrownBy(() -> store.setAlias("iris", "champion", 1, rule, null, "ana"))
        .isInstanceOf(FailedPreconditionException.class);

    store.approve("iris", 1, "champion", rule, "bob", "metrics fine");
    assertThat(store.setAlias("iris", "champion", 1, rule, null, "ana").aliases())
        .containsExactly("champion");
    assertThat(store.approvals("iris", 1))
        .extracting(a -> a.alias() + ":" + a.approver())
        .containsExactly("challenger:bob", "champion:bob");
    assertThat(store.audit(new AuditQuery("iris", 50, null)).items())
        .filteredOn(e -> e.action().equals("version.approve"))
        .hasSize(2);

    // Without approver-must-differ, the registrant may approve.
    AliasRule selfApproval = new AliasRule(true, false);
    store.approve("iris", 1, "staging", selfApproval, "ana", null);
    store.setAlias("iris", "staging", 1, selfApproval, null, "ana");
  }

  @BothDatabases
  void aVersionAnAliasPointsToOrAServerServesIsNotDeleted(Database database) {
    RegistryStore store = open(database).registry();
    registerReady(store, "iris", "ana");
    registerReady(store, "iris", "ana");
    store.setAlias("iris", "champion", 1, AliasRule.NONE, null, "ana");

    assertThatThrownBy(() -> store.deleteVersion("iris", 1, "ana"))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("alias champion points to it");
    assertThatThrownBy(() -> store.archiveVersion("iris", 1, "ana"))
        .isInstanceOf(FailedPreconditionException.class);
    assertThatThrownBy(() -> store.deleteModel("iris", "ana"))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("champion");

    store.leaseServing("server-a", "iris", 2, clock.instant().plus(Duration.ofMinutes(1)));
    assertThatThrownBy(() -> store.deleteVersion("iris", 2, "ana"))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("server 'server-a' serves version 2");
    assertThatThrownBy(() -> store.archiveVersion("iris", 2, "ana"))
        .isInstanceOf(FailedPreconditionException.class);

    // An expired lease no longer protects it.
    clock.advance(Duration.ofMinutes(2));
    store.deleteVersion("iris", 2, "ana");
    assertThatThrownBy(() -> store.version("iris", 2))
        .isInstanceOf(ResourceNotFoundException.class);

    // A released lease neither.
    registerReady(store, "iris", "ana");
    store.leaseServing("server-a", "iris", 3, clock.instant().plus(Duration.ofMinutes(1)));
    store.releaseServing("server-a", "iris");
    store.deleteVersion("iris", 3, "ana");

    store.deleteAlias("iris", "champion", "ana");
    store.deleteModel("iris", "ana");
    assertThat(store.findModel("iris")).isEmpty();
    assertThat(store.audit(new AuditQuery("iris", 1, null)).items().get(0).action())
        .isEqualTo("model.delete");
  }

  @BothDatabases
  void stagesAndLatestVersions(Database database) {
    RegistryStore store = open(database).registry();
    for (int i = 0; i < 4; i++) {
      registerReady(store, "iris", "ana");
    }
    store.setStage("iris", 1, "production", false, "ana");
    store.setStage("iris", 2, "Staging", false, "ana");
    store.setStage("iris", 3, "Production", true, "ana");

    assertThat(store.version("iris", 1).stage()).isEqualTo("Archived");
    assertThat(store.latestVersions("iris", List.of()))
        .extracting(v -> v.stage() + ":" + v.version())
        .containsExactly("None:4", "Staging:2", "Production:3", "Archived:1");
    assertThat(store.latestVersions("iris", List.of("production")))
        .extracting(ModelVersion::version)
        .containsExactly(3L);
    assertThatThrownBy(() -> store.setStage("iris", 1, "Prod", false, "ana"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("stage:");
    assertThatThrownBy(() -> store.latestVersions("nope", List.of()))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @BothDatabases
  void auditPagesNewestFirst(Database database) {
    RegistryStore store = open(database).registry();
    store.createModel(new NewModel("iris", null, null, null), "ana");
    for (int i = 0; i < 5; i++) {
      store.setModelTag("iris", "k" + i, "v", "ana");
    }
    store.recordAudit("server-a", "alias.refused", "iris", 1L, "champion", "1", "2", "signature");
    Page<AuditEntry> first = store.audit(new AuditQuery("iris", 4, null));
    assertThat(first.items()).hasSize(4);
    assertThat(first.items().get(0).action()).isEqualTo("alias.refused");
    assertThat(first.items().get(0).detail()).isEqualTo("signature");
    Page<AuditEntry> second = store.audit(new AuditQuery("iris", 4, first.nextPageToken()));
    assertThat(second.items()).hasSize(3);
    assertThat(second.nextPageToken()).isNull();
    assertThat(second.items().get(2).action()).isEqualTo("model.create");
    assertThat(second.items().get(2).at()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThatThrownBy(() -> store.audit(new AuditQuery("other", 4, first.nextPageToken())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("page_token:");
  }

  @BothDatabases
  void subscribersHearOfChangesWherePushExists(Database database) throws Exception {
    RegistryStore store = open(database).registry();
    CountDownLatch changed = new CountDownLatch(1);
    AutoCloseable subscription = store.subscribe(changed::countDown);
    try {
      registerReady(store, "iris", "ana");
      boolean heard = changed.await(database == Database.POSTGRESQL ? 10 : 0, TimeUnit.SECONDS);
      assertThat(heard).isEqualTo(database.supportsNotify());
    } finally {
      subscription.close();
    }
  }

  @org.junit.jupiter.api.Test
  void theListenerReconnectsAndReportsWhatItMayHaveMissed() throws Exception {
    RegistryStore store = open(Database.POSTGRESQL).registry();
    java.util.concurrent.Semaphore calls = new java.util.concurrent.Semaphore(0);
    AutoCloseable subscription = store.subscribe(calls::release);
    try {
      // Cut the listener's connection, as a server restart or a network failure would.
      try (java.sql.Connection admin =
              java.sql.DriverManager.getConnection(postgresUrl(), "postgres", null);
          java.sql.Statement statement = admin.createStatement()) {
        statement.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE application_name = 'mlsys-registry-listen'"
                + " AND datname = current_database()");
      }
      registerReady(store, "iris", "ana");
      // Called after the reconnect (the change may have been missed) or for the change itself.
      assertThat(calls.tryAcquire(15, TimeUnit.SECONDS)).isTrue();
      calls.drainPermits();
      store.setAlias("iris", "champion", 1, AliasRule.NONE, null, "ana");
      assertThat(calls.tryAcquire(15, TimeUnit.SECONDS)).isTrue();
    } finally {
      subscription.close();
    }
  }
}
