package io.mlsys.registry;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The registry's tables over the mlsys store (SQLite or PostgreSQL). Every method is one
 * transaction: it does all it says or nothing. Every change writes its audit entry in the same
 * transaction. Errors are the core's: {@link io.mlsys.core.ResourceNotFoundException}, {@link
 * io.mlsys.core.ResourceExistsException}, {@link io.mlsys.core.InvalidInputException} (naming the
 * field) and {@link io.mlsys.core.FailedPreconditionException}.
 *
 * <p>{@code actor} is who asks (the authenticated user, or the OS user for the CLI); it goes into
 * the audit.
 */
public interface RegistryStore extends AutoCloseable {

  RegisteredModel createModel(NewModel model, String actor);

  RegisteredModel model(String name);

  Optional<RegisteredModel> findModel(String name);

  Page<RegisteredModel> searchModels(SearchQuery query);

  RegisteredModel updateModel(String name, String description, String actor);

  /** Renames the model; its versions, aliases and history follow. */
  RegisteredModel renameModel(String name, String newName, String actor);

  /**
   * Deletes the model and its versions.
   *
   * @throws io.mlsys.core.FailedPreconditionException when an alias points to one of its versions
   */
  void deleteModel(String name, String actor);

  void setModelTag(String name, String key, String value, String actor);

  void deleteModelTag(String name, String key, String actor);

  /**
   * Allocates the next version number (unique per model even with several writers, across
   * processes) and creates the version as {@link VersionStatus#PENDING_REGISTRATION}; creates the
   * registered model first when it does not exist.
   */
  ModelVersion createPendingVersion(NewVersion version, String actor);

  /** Marks a pending version READY with its artifact and signature. */
  ModelVersion completeRegistration(
      String model, long version, String artifactDigest, String platform, ModelSignature signature);

  /** Marks a pending version FAILED_REGISTRATION with the reason. */
  ModelVersion failRegistration(String model, long version, String statusMessage);

  ModelVersion version(String model, long version);

  Page<ModelVersion> searchVersions(SearchQuery query);

  ModelVersion updateVersion(String model, long version, String description, String actor);

  /**
   * Sets the MLflow stage; with {@code archiveExisting}, other versions in that stage move to
   * {@code Archived}.
   */
  ModelVersion setStage(
      String model, long version, String stage, boolean archiveExisting, String actor);

  /** Per stage the highest version in it (stage {@code None} unless set); all stages when empty. */
  List<ModelVersion> latestVersions(String model, List<String> stages);

  /**
   * @throws io.mlsys.core.FailedPreconditionException when an alias points to it or a server holds
   *     an unexpired serving lease on it
   */
  void deleteVersion(String model, long version, String actor);

  void setVersionTag(String model, long version, String key, String value, String actor);

  void deleteVersionTag(String model, long version, String key, String actor);

  /**
   * Archives a version: it stays readable, but no alias may point to it.
   *
   * @throws io.mlsys.core.FailedPreconditionException when an alias points to it
   */
  ModelVersion archiveVersion(String model, long version, String actor);

  /**
   * Points {@code alias} at {@code version} atomically, with history and audit.
   *
   * @param rule what the move requires (approval); checked in the same transaction
   * @param detail written to the audit (e.g. the promotion rule's check with its numbers); may be
   *     null
   * @throws io.mlsys.core.FailedPreconditionException when the version is not READY, is archived,
   *     or lacks the approval the rule requires
   */
  ModelVersion setAlias(
      String model, String alias, long version, AliasRule rule, String detail, String actor);

  ModelVersion versionByAlias(String model, String alias);

  void deleteAlias(String model, String alias, String actor);

  /** The moves of one alias, newest first. */
  List<AliasMove> aliasHistory(String model, String alias);

  /**
   * Records an approval of {@code version} for {@code alias}.
   *
   * @throws io.mlsys.core.FailedPreconditionException when the rule requires another approver than
   *     who registered the version, and it is the same person
   */
  Approval approve(
      String model, long version, String alias, AliasRule rule, String approver, String comment);

  List<Approval> approvals(String model, long version);

  Page<AuditEntry> audit(AuditQuery query);

  /** Writes an audit entry for something refused outside a change (a server refusing a version). */
  void recordAudit(
      String actor,
      String action,
      String model,
      Long version,
      String alias,
      String oldValue,
      String newValue,
      String detail);

  /**
   * Records that server {@code serverId} serves {@code version} until {@code until} (renewed while
   * it serves): such a version cannot be deleted or archived. A lease for another version of the
   * same model by the same server replaces it.
   */
  void leaseServing(String serverId, String model, long version, java.time.Instant until);

  /** Ends the leases of {@code serverId} (on shutdown, or when it stops serving {@code model}). */
  void releaseServing(String serverId, String model);

  /** Artifact digests that any version (of any status) refers to: what garbage collection keeps. */
  Set<String> referencedDigests();

  /**
   * A number that grows with every change to aliases or versions (for cheap polling by servers that
   * follow aliases).
   */
  long changeSequence();

  /**
   * Calls {@code onChange} (on a thread of the store's) soon after changes commit, where the
   * database can push them (PostgreSQL {@code LISTEN/NOTIFY}); after a lost connection it calls
   * once more when it is back, since changes may have been missed. Calls may be merged or spurious:
   * compare {@link #changeSequence()}. Without push (SQLite, the default) nothing is called and the
   * caller polls {@link #changeSequence()}.
   *
   * @return closes the subscription
   */
  default AutoCloseable subscribe(Runnable onChange) {
    return () -> {};
  }

  @Override
  void close();

  /**
   * What moving an alias requires.
   *
   * @param approvalRequired an approval of the version for this alias must exist
   * @param approverMustDiffer the approval must come from someone other than who registered it
   */
  record AliasRule(boolean approvalRequired, boolean approverMustDiffer) {
    public static final AliasRule NONE = new AliasRule(false, false);
  }
}
