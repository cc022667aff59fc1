package io.mlsys.registry.jdbc;

import io.mlsys.core.FailedPreconditionException;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ResourceExistsException;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.registry.AliasMove;
import io.mlsys.registry.Approval;
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
import io.mlsys.registry.SearchLimits;
import io.mlsys.registry.SearchQuery;
import io.mlsys.registry.VersionName;
import io.mlsys.registry.VersionStatus;
import io.mlsys.registry.jdbc.SearchSpec.Type;
import io.mlsys.store.Database;
import io.mlsys.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The registry over the mlsys store (SQLite or PostgreSQL).
 *
 * <p>Every write transaction first takes the registry's write lock (SQLite: the file's, through
 * {@code BEGIN IMMEDIATE}; PostgreSQL: the row of {@code registry_changes}, {@code FOR UPDATE}), so
 * registry writers run one at a time even across processes and a check ("no alias points to it")
 * still holds when the write that depends on it commits. Version numbers come from the model's
 * {@code next_version} under that lock, with {@code (model, version)} as primary key behind it.
 * Registry writes are rare next to reads; the lock costs little and makes every rule simple to
 * keep.
 */
public final class JdbcRegistryStore implements RegistryStore {
  static final List<String> STAGES = List.of("None", "Staging", "Production", "Archived");

  private static final String MODEL_COLUMNS =
      "m.id, m.name, m.description, m.owner, m.created_ms, m.updated_ms";
  private static final String VERSION_COLUMNS =
      "m.name, v.model_id, v.version, v.version_name, v.status, v.status_message, v.stage,"
          + " v.description, v.source, v.artifact_digest, v.platform, v.signature, v.lineage,"
          + " v.card, v.profile, v.created_by, v.created_ms, v.updated_ms, v.archived";
  private static final String VERSIONS_FROM =
      " FROM model_versions v JOIN registered_models m ON m.id = v.model_id";

  static final SearchSpec MODELS =
      SearchSpec.builder("registered models")
          .filter("name", "m.name", Type.STRING, SearchSpec.STRING_OPS)
          .tags("model_tags", "kv.model_id = m.id")
          .order("name", "m.name")
          .order("timestamp", "m.created_ms")
          .order("creation_timestamp", "m.created_ms")
          .order("last_updated_timestamp", "m.updated_ms")
          .defaultOrder(List.of("m.name ASC"), "m.id ASC")
          .build();

  static final SearchSpec VERSIONS =
      SearchSpec.builder("model versions")
          .filter(
              "name",
              "m.name",
              Type.STRING,
              java.util.EnumSet.of(
                  SearchFilter.Op.EQ,
                  SearchFilter.Op.NE,
                  SearchFilter.Op.LIKE,
                  SearchFilter.Op.ILIKE,
                  SearchFilter.Op.IN,
                  SearchFilter.Op.NOT_IN))
          .filter("version_number", "v.version", Type.INTEGER, SearchSpec.NUMBER_OPS)
          .filter("run_id", "v.run_id", Type.STRING, SearchSpec.ID_OPS)
          .filter("source_path", "v.source", Type.STRING, SearchSpec.STRING_OPS)
          .tags("version_tags", "kv.model_id = v.model_id AND kv.version = v.version")
          .order("name", "m.name")
          .order("version_number", "v.version")
          .order("timestamp", "v.created_ms")
          .order("creation_timestamp", "v.created_ms")
          .order("last_updated_timestamp", "v.updated_ms")
          .defaultOrder(List.of("m.name ASC", "v.version DESC"), "v.model_id ASC, v.version ASC")
          .build();

  private final Store store;
  private final Clock clock;
  private final String channel;

  /**
   * @param store the registry's store ({@code Store.open(config, dataDir, "registry")}), which
   *     holds the registry's migrations; closed with this
   */
  public JdbcRegistryStore(Store store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.channel = store.schemaName() == null ? null : store.schemaName() + "_changes";
  }

  /** The PostgreSQL channel that carries change notifications, or null on SQLite. */
  String channel() {
    return channel;
  }

  // ---- registered models ------------------------------------------------------------------

  @Override
  public RegisteredModel createModel(NewModel model, String actor) {
    Objects.requireNonNull(model, "model");
    String name = Validation.modelName("name", model.name());
    validateTags(model.tags(), Validation.MAX_REGISTRY_TAG_KEY_LENGTH);
    return write(
        c -> {
          long now = clock.millis();
          if (!insertModel(c, name, model.description(), model.owner(), now)) {
            throw new ResourceExistsException(
                "Registered Model (name=" + name + ") already exists.");
          }
          long id = modelId(c, name);
          for (Map.Entry<String, String> tag : new TreeMap<>(model.tags()).entrySet()) {
            upsert(c, "model_tags", "model_id", id, null, tag.getKey(), tag.getValue());
          }
          audit(c, actor, "model.create", name, null, null, null, model.description(), null);
          changed(c);
          return loadModel(c, name).orElseThrow();
        });
  }

  @Override
  public RegisteredModel model(String name) {
    return findModel(name).orElseThrow(() -> modelNotFound(name));
  }

  @Override
  public Optional<RegisteredModel> findModel(String name) {
    if (name == null) {
      return Optional.empty();
    }
    return store.read(c -> loadModel(c, name));
  }

  @Override
  public Page<RegisteredModel> searchModels(SearchQuery query) {
    Validation.maxResults(query.maxResults(), SearchLimits.REGISTERED_MODELS_MAX);
    SearchFilter filter = SearchFilter.parse(query.filter());
    Sql where = MODELS.where(filter, store.database());
    Sql order = MODELS.orderBy(query.orderBy());
    String fingerprint =
        PageToken.fingerprint("models", query.filter(), String.join(",", query.orderBy()));
    long offset = PageToken.decode(query.pageToken(), fingerprint);
    return store.read(
        c -> {
          Sql sql = new Sql().append("SELECT ").append(MODEL_COLUMNS);
          sql.append(" FROM registered_models m");
          if (!where.isEmpty()) {
            sql.append(" WHERE ").append(where);
          }
          sql.append(" ORDER BY ").append(order);
          sql.append(" LIMIT ").param((long) query.maxResults() + 1);
          sql.append(" OFFSET ").param(offset);
          List<ModelRow> rows = new ArrayList<>();
          try (PreparedStatement statement = sql.prepare(c);
              ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
              rows.add(modelRow(rs));
            }
          }
          List<RegisteredModel> models = new ArrayList<>(rows.size());
          for (ModelRow row : rows) {
            models.add(toModel(c, row));
          }
          return page(models, query.maxResults(), offset, fingerprint);
        });
  }

  @Override
  public RegisteredModel updateModel(String name, String description, String actor) {
    return write(
        c -> {
          ModelRow row = modelRow(c, name);
          execute(
              c,
              "UPDATE registered_models SET description = ?, updated_ms = ? WHERE id = ?",
              description,
              clock.millis(),
              row.id());
          audit(c, actor, "model.update", name, null, null, row.description(), description, null);
          changed(c);
          return loadModel(c, name).orElseThrow();
        });
  }

  @Override
  public RegisteredModel renameModel(String name, String newName, String actor) {
    Validation.modelName("new_name", newName);
    return write(
        c -> {
          ModelRow row = modelRow(c, name);
          if (!name.equals(newName) && findModelId(c, newName).isPresent()) {
            throw new ResourceExistsException(
                "Registered Model (name=" + newName + ") already exists.");
          }
          execute(
              c,
              "UPDATE registered_models SET name = ?, updated_ms = ? WHERE id = ?",
              newName,
              clock.millis(),
              row.id());
          audit(c, actor, "model.rename", newName, null, null, name, newName, null);
          changed(c);
          return loadModel(c, newName).orElseThrow();
        });
  }

  @Override
  public void deleteModel(String name, String actor) {
    write(
        c -> {
          ModelRow row = modelRow(c, name);
          Map<String, Long> aliases = aliases(c, row.id());
          if (!aliases.isEmpty()) {
            throw new FailedPreconditionException(
                "model '"
                    + name
                    + "' cannot be deleted: aliases point to its versions "
                    + aliases
                    + " (delete the aliases first)");
          }
          List<String> leases = activeLeases(c, row.id(), null);
          if (!leases.isEmpty()) {
            throw new FailedPreconditionException(
                "model '" + name + "' cannot be deleted: " + String.join("; ", leases));
          }
          execute(c, "DELETE FROM model_versions WHERE model_id = ?", row.id());
          execute(c, "DELETE FROM registered_models WHERE id = ?", row.id());
          audit(c, actor, "model.delete", name, null, null, name, null, null);
          changed(c);
          return null;
        });
  }

  @Override
  public void setModelTag(String name, String key, String value, String actor) {
    Validation.key("key", key, Validation.MAX_REGISTRY_TAG_KEY_LENGTH);
    Validation.length("value", value, Validation.MAX_REGISTRY_TAG_VALUE_LENGTH);
    write(
        c -> {
          ModelRow row = modelRow(c, name);
          String old = tagValue(c, "model_tags", "model_id = ?", row.id(), null, key);
          upsert(c, "model_tags", "model_id", row.id(), null, key, value);
          touchModel(c, row.id());
          audit(c, actor, "tag.set", name, null, null, old, value, "model tag " + key);
          changed(c);
          return null;
        });
  }

  @Override
  public void deleteModelTag(String name, String key, String actor) {
    write(
        c -> {
          ModelRow row = modelRow(c, name);
          String old = tagValue(c, "model_tags", "model_id = ?", row.id(), null, key);
          if (execute(c, "DELETE FROM model_tags WHERE model_id = ? AND key = ?", row.id(), key)
              > 0) {
            touchModel(c, row.id());
            audit(c, actor, "tag.delete", name, null, null, old, null, "model tag " + key);
            changed(c);
          }
          return null;
        });
  }

  // ---- versions ---------------------------------------------------------------------------

  @Override
  public ModelVersion createPendingVersion(NewVersion version, String actor) {
    Objects.requireNonNull(version, "version");
    String name = Validation.modelName("name", version.model());
    validateTags(version.tags(), Validation.MAX_REGISTRY_TAG_KEY_LENGTH);
    String lineage = Json.write(version.lineage());
    String card = Json.write(version.card());
    String profile = Json.write(version.profile());
    return write(
        c -> {
          long now = clock.millis();
          if (insertModel(c, name, null, actor, now)) {
            audit(c, actor, "model.create", name, null, null, null, null, "with its first version");
          }
          long id = modelId(c, name);
          execute(
              c,
              "UPDATE registered_models SET next_version = next_version + 1, updated_ms = ?"
                  + " WHERE id = ?",
              now,
              id);
          long number =
              queryLong(c, "SELECT next_version - 1 FROM registered_models WHERE id = ?", id);
          execute(
              c,
              "INSERT INTO model_versions (model_id, version, version_name, status, stage,"
                  + " description, source, run_id, format_version, lineage, card, profile,"
                  + " created_by, created_ms, updated_ms, archived)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              id,
              number,
              version.versionName() == null ? null : version.versionName().toString(),
              VersionStatus.PENDING_REGISTRATION.name(),
              ModelVersion.STAGE_NONE,
              version.description(),
              version.source(),
              version.lineage().runId(),
              Json.FORMAT_VERSION,
              lineage,
              card,
              profile,
              actor,
              now,
              now,
              false);
          for (Map.Entry<String, String> tag : new TreeMap<>(version.tags()).entrySet()) {
            upsert(c, "version_tags", "model_id", id, number, tag.getKey(), tag.getValue());
          }
          audit(c, actor, "version.create", name, number, null, null, version.source(), null);
          changed(c);
          return loadVersion(c, name, number);
        });
  }

  @Override
  public ModelVersion completeRegistration(
      String model,
      long version,
      String artifactDigest,
      String platform,
      ModelSignature signature) {
    Objects.requireNonNull(artifactDigest, "artifactDigest");
    String json = Json.write(signature);
    return write(
        c -> {
          VersionRow row = versionRow(c, model, version);
          requirePending(row);
          execute(
              c,
              "UPDATE model_versions SET status = ?, status_message = NULL, artifact_digest = ?,"
                  + " platform = ?, signature = ?, updated_ms = ? WHERE model_id = ? AND version = ?",
              VersionStatus.READY.name(),
              artifactDigest,
              platform,
              json,
              clock.millis(),
              row.modelId(),
              version);
          audit(
              c,
              row.createdBy(),
              "version.register",
              model,
              version,
              null,
              VersionStatus.PENDING_REGISTRATION.name(),
              VersionStatus.READY.name(),
              artifactDigest);
          changed(c);
          return loadVersion(c, model, version);
        });
  }

  @Override
  public ModelVersion failRegistration(String model, long version, String statusMessage) {
    return write(
        c -> {
          VersionRow row = versionRow(c, model, version);
          requirePending(row);
          execute(
              c,
              "UPDATE model_versions SET status = ?, status_message = ?, updated_ms = ?"
                  + " WHERE model_id = ? AND version = ?",
              VersionStatus.FAILED_REGISTRATION.name(),
              statusMessage,
              clock.millis(),
              row.modelId(),
              version);
          audit(
              c,
              row.createdBy(),
              "version.fail",
              model,
              version,
              null,
              VersionStatus.PENDING_REGISTRATION.name(),
              VersionStatus.FAILED_REGISTRATION.name(),
              statusMessage);
          changed(c);
          return loadVersion(c, model, version);
        });
  }

  @Override
  public ModelVersion version(String model, long version) {
    return store.read(c -> loadVersion(c, model, version));
  }

  @Override
  public Page<ModelVersion> searchVersions(SearchQuery query) {
    Validation.maxResults(query.maxResults(), SearchLimits.MODEL_VERSIONS_MAX);
    SearchFilter filter = SearchFilter.parse(query.filter());
    Sql where = VERSIONS.where(filter, store.database());
    Sql order = VERSIONS.orderBy(query.orderBy());
    String fingerprint =
        PageToken.fingerprint("versions", query.filter(), String.join(",", query.orderBy()));
    long offset = PageToken.decode(query.pageToken(), fingerprint);
    return store.read(
        c -> {
          Sql sql = new Sql().append("SELECT ").append(VERSION_COLUMNS).append(VERSIONS_FROM);
          if (!where.isEmpty()) {
            sql.append(" WHERE ").append(where);
          }
          sql.append(" ORDER BY ").append(order);
          sql.append(" LIMIT ").param((long) query.maxResults() + 1);
          sql.append(" OFFSET ").param(offset);
          List<VersionRow> rows = new ArrayList<>();
          try (PreparedStatement statement = sql.prepare(c);
              ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
              rows.add(versionRow(rs));
            }
          }
          return page(toVersions(c, rows), query.maxResults(), offset, fingerprint);
        });
  }

  @Override
  public ModelVersion updateVersion(String model, long version, String description, String actor) {
    return write(
        c -> {
          VersionRow row = versionRow(c, model, version);
          execute(
              c,
              "UPDATE model_versions SET description = ?, updated_ms = ?"
                  + " WHERE model_id = ? AND version = ?",
              description,
              clock.millis(),
              row.modelId(),
              version);
          audit(
              c,
              actor,
              "version.update",
              model,
              version,
              null,
              row.description(),
              description,
              null);
          changed(c);
          return loadVersion(c, model, version);
        });
  }

  @Override
  public ModelVersion setStage(
      String model, long version, String stage, boolean archiveExisting, String actor) {
    String canonical = canonicalStage(stage);
    return write(
        c -> {
          VersionRow row = versionRow(c, model, version);
          long now = clock.millis();
          execute(
              c,
              "UPDATE model_versions SET stage = ?, updated_ms = ? WHERE model_id = ? AND version = ?",
              canonical,
              now,
              row.modelId(),
              version);
          audit(c, actor, "version.stage", model, version, null, row.stage(), canonical, null);
          if (archiveExisting && (canonical.equals("Staging") || canonical.equals("Production"))) {
            List<Long> others = new ArrayList<>();
            try (PreparedStatement statement =
                c.prepareStatement(
                    "SELECT version FROM model_versions WHERE model_id = ? AND stage = ?"
                        + " AND version != ? ORDER BY version")) {
              Sql.bind(statement, List.of(row.modelId(), canonical, version));
              try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                  others.add(rs.getLong(1));
                }
              }
            }
            for (long other : others) {
              execute(
                  c,
                  "UPDATE model_versions SET stage = ?, updated_ms = ?"
                      + " WHERE model_id = ? AND version = ?",
                  "Archived",
                  now,
                  row.modelId(),
                  other);
              audit(
                  c,
                  actor,
                  "version.stage",
                  model,
                  other,
                  null,
                  canonical,
                  "Archived",
                  "archived as version " + version + " moved to " + canonical);
            }
          }
          changed(c);
          return loadVersion(c, model, version);
        });
  }

  @Override
  public List<ModelVersion> latestVersions(String model, List<String> stages) {
    List<String> wanted =
        stages == null || stages.isEmpty()
            ? STAGES
            : stages.stream().map(JdbcRegistryStore::canonicalStage).distinct().toList();
    return store.read(
        c -> {
          ModelRow row = modelRow(c, model);
          List<VersionRow> rows = new ArrayList<>();
          for (String stage : wanted) {
            try (PreparedStatement statement =
                c.prepareStatement(
                    "SELECT "
                        + VERSION_COLUMNS
                        + VERSIONS_FROM
                        + " WHERE v.model_id = ? AND v.stage = ? ORDER BY v.version DESC LIMIT 1")) {
              Sql.bind(statement, List.of(row.id(), stage));
              try (ResultSet rs = statement.executeQuery()) {
                if (rs.next()) {
                  rows.add(versionRow(rs));
                }
              }
            }
          }
          return toVersions(c, rows);
        });
  }

  @Override
  public void deleteVersion(String model, long version, String actor) {
    write(
        c -> {
          VersionRow row = versionRow(c, model, version);
          refuseWhileAliasedOrServed(c, row, "deleted");
          execute(
              c,
              "DELETE FROM model_versions WHERE model_id = ? AND version = ?",
              row.modelId(),
              version);
          touchModel(c, row.modelId());
          audit(c, actor, "version.delete", model, version, null, row.artifactDigest(), null, null);
          changed(c);
          return null;
        });
  }

  @Override
  public void setVersionTag(String model, long version, String key, String value, String actor) {
    Validation.key("key", key, Validation.MAX_REGISTRY_TAG_KEY_LENGTH);
    Validation.length("value", value, Validation.MAX_REGISTRY_TAG_VALUE_LENGTH);
    write(
        c -> {
          VersionRow row = versionRow(c, model, version);
          String old =
              tagValue(
                  c, "version_tags", "model_id = ? AND version = ?", row.modelId(), version, key);
          upsert(c, "version_tags", "model_id", row.modelId(), version, key, value);
          touchVersion(c, row.modelId(), version);
          audit(c, actor, "tag.set", model, version, null, old, value, "version tag " + key);
          changed(c);
          return null;
        });
  }

  @Override
  public void deleteVersionTag(String model, long version, String key, String actor) {
    write(
        c -> {
          VersionRow row = versionRow(c, model, version);
          String old =
              tagValue(
                  c, "version_tags", "model_id = ? AND version = ?", row.modelId(), version, key);
          if (execute(
                  c,
                  "DELETE FROM version_tags WHERE model_id = ? AND version = ? AND key = ?",
                  row.modelId(),
                  version,
                  key)
              > 0) {
            touchVersion(c, row.modelId(), version);
            audit(c, actor, "tag.delete", model, version, null, old, null, "version tag " + key);
            changed(c);
          }
          return null;
        });
  }

  @Override
  public ModelVersion archiveVersion(String model, long version, String actor) {
    return write(
        c -> {
          VersionRow row = versionRow(c, model, version);
          if (row.archived()) {
            return loadVersion(c, model, version);
          }
          refuseWhileAliasedOrServed(c, row, "archived");
          execute(
              c,
              "UPDATE model_versions SET archived = ?, updated_ms = ?"
                  + " WHERE model_id = ? AND version = ?",
              true,
              clock.millis(),
              row.modelId(),
              version);
          audit(c, actor, "version.archive", model, version, null, "false", "true", null);
          changed(c);
          return loadVersion(c, model, version);
        });
  }

  // ---- aliases and approvals --------------------------------------------------------------

  @Override
  public ModelVersion setAlias(
      String model, String alias, long version, AliasRule rule, String detail, String actor) {
    Validation.alias(alias);
    AliasRule checked = rule == null ? AliasRule.NONE : rule;
    try {
      return write(
          c -> {
            VersionRow row = versionRow(c, model, version);
            if (row.status() != VersionStatus.READY) {
              throw new FailedPreconditionException(
                  "alias '"
                      + alias
                      + "' cannot point to version "
                      + version
                      + " of model '"
                      + model
                      + "': it is "
                      + row.status()
                      + " (expected READY)");
            }
            if (row.archived()) {
              throw new FailedPreconditionException(
                  "alias '"
                      + alias
                      + "' cannot point to version "
                      + version
                      + " of model '"
                      + model
                      + "': it is archived");
            }
            if (checked.approvalRequired()) {
              requireApproval(c, row, alias, checked);
            }
            Long old = aliases(c, row.modelId()).get(alias);
            if (old != null && old == version) {
              return loadVersion(c, model, version);
            }
            long now = clock.millis();
            if (old == null) {
              execute(
                  c,
                  "INSERT INTO aliases (model_id, alias, version, updated_ms) VALUES (?, ?, ?, ?)",
                  row.modelId(),
                  alias,
                  version,
                  now);
            } else {
              execute(
                  c,
                  "UPDATE aliases SET version = ?, updated_ms = ? WHERE model_id = ? AND alias = ?",
                  version,
                  now,
                  row.modelId(),
                  alias);
            }
            history(c, row.modelId(), alias, old, version, actor, now, detail);
            touchModel(c, row.modelId());
            audit(
                c,
                actor,
                "alias.set",
                model,
                version,
                alias,
                old == null ? null : old.toString(),
                Long.toString(version),
                detail);
            changed(c);
            return loadVersion(c, model, version);
          });
    } catch (FailedPreconditionException e) {
      // The refusal rolled back with the move; its record is written on its own.
      recordAudit(
          actor,
          "alias.refused",
          model,
          version,
          alias,
          null,
          Long.toString(version),
          e.getMessage());
      throw e;
    }
  }

  @Override
  public ModelVersion versionByAlias(String model, String alias) {
    return store.read(
        c -> {
          // One join for the common case; the model is looked up only to say what is missing.
          try (PreparedStatement statement =
              c.prepareStatement(
                  "SELECT "
                      + VERSION_COLUMNS
                      + VERSIONS_FROM
                      + " JOIN aliases a ON a.model_id = v.model_id AND a.version = v.version"
                      + " WHERE m.name = ? AND a.alias = ?")) {
            Sql.bind(statement, List.of(String.valueOf(model), String.valueOf(alias)));
            try (ResultSet rs = statement.executeQuery()) {
              if (rs.next()) {
                return toVersions(c, List.of(versionRow(rs))).get(0);
              }
            }
          }
          modelRow(c, model);
          throw new ResourceNotFoundException(
              "Registered model alias " + alias + " not found (model '" + model + "').");
        });
  }

  @Override
  public void deleteAlias(String model, String alias, String actor) {
    write(
        c -> {
          ModelRow row = modelRow(c, model);
          Long old = aliases(c, row.id()).get(alias);
          if (old == null) {
            return null;
          }
          long now = clock.millis();
          execute(c, "DELETE FROM aliases WHERE model_id = ? AND alias = ?", row.id(), alias);
          history(c, row.id(), alias, old, null, actor, now, null);
          touchModel(c, row.id());
          audit(c, actor, "alias.delete", model, old, alias, old.toString(), null, null);
          changed(c);
          return null;
        });
  }

  @Override
  public List<AliasMove> aliasHistory(String model, String alias) {
    return store.read(
        c -> {
          ModelRow row = modelRow(c, model);
          List<AliasMove> moves = new ArrayList<>();
          try (PreparedStatement statement =
              c.prepareStatement(
                  "SELECT from_version, to_version, actor, at_ms, detail FROM alias_history"
                      + " WHERE model_id = ? AND alias = ? ORDER BY id DESC")) {
            Sql.bind(statement, List.of(row.id(), alias));
            try (ResultSet rs = statement.executeQuery()) {
              while (rs.next()) {
                moves.add(
                    new AliasMove(
                        model,
                        alias,
                        nullableLong(rs, 1),
                        nullableLong(rs, 2),
                        rs.getString(3),
                        Instant.ofEpochMilli(rs.getLong(4)),
                        rs.getString(5)));
              }
            }
          }
          return moves;
        });
  }

  @Override
  public Approval approve(
      String model, long version, String alias, AliasRule rule, String approver, String comment) {
    Validation.alias(alias);
    if (approver == null || approver.isBlank()) {
      throw new InvalidInputException("approver", "missing (expected who approves)");
    }
    AliasRule checked = rule == null ? AliasRule.NONE : rule;
    return write(
        c -> {
          VersionRow row = versionRow(c, model, version);
          if (row.status() != VersionStatus.READY) {
            throw new FailedPreconditionException(
                "version "
                    + version
                    + " of model '"
                    + model
                    + "' is "
                    + row.status()
                    + " (expected READY to be approved)");
          }
          if (checked.approverMustDiffer() && approver.equals(row.createdBy())) {
            throw new FailedPreconditionException(
                "'"
                    + approver
                    + "' registered version "
                    + version
                    + " of model '"
                    + model
                    + "' and cannot also approve it for alias '"
                    + alias
                    + "' (expected another approver)");
          }
          long now = clock.millis();
          execute(
              c,
              "INSERT INTO approvals (model_id, version, alias, approver, comment, at_ms)"
                  + " VALUES (?, ?, ?, ?, ?, ?)",
              row.modelId(),
              version,
              alias,
              approver,
              comment,
              now);
          audit(c, approver, "version.approve", model, version, alias, null, approver, comment);
          changed(c);
          return new Approval(model, version, alias, approver, comment, Instant.ofEpochMilli(now));
        });
  }

  @Override
  public List<Approval> approvals(String model, long version) {
    return store.read(
        c -> {
          VersionRow row = versionRow(c, model, version);
          return approvals(c, row);
        });
  }

  // ---- audit, leases, garbage collection ---------------------------------------------------

  @Override
  public Page<AuditEntry> audit(AuditQuery query) {
    Validation.maxResults(query.maxResults(), SearchLimits.AUDIT_MAX);
    String fingerprint = PageToken.fingerprint("audit", query.model());
    long offset = PageToken.decode(query.pageToken(), fingerprint);
    return store.read(
        c -> {
          Sql sql =
              new Sql()
                  .append(
                      "SELECT id, at_ms, actor, action, model, version, alias, old_value,"
                          + " new_value, detail FROM audit");
          if (query.model() != null) {
            sql.append(" WHERE model = ").param(query.model());
          }
          sql.append(" ORDER BY id DESC LIMIT ")
              .param((long) query.maxResults() + 1)
              .append(" OFFSET ")
              .param(offset);
          List<AuditEntry> entries = new ArrayList<>();
          try (PreparedStatement statement = sql.prepare(c);
              ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
              entries.add(
                  new AuditEntry(
                      rs.getLong(1),
                      Instant.ofEpochMilli(rs.getLong(2)),
                      rs.getString(3),
                      rs.getString(4),
                      rs.getString(5),
                      nullableLong(rs, 6),
                      rs.getString(7),
                      rs.getString(8),
                      rs.getString(9),
                      rs.getString(10)));
            }
          }
          return page(entries, query.maxResults(), offset, fingerprint);
        });
  }

  @Override
  public void recordAudit(
      String actor,
      String action,
      String model,
      Long version,
      String alias,
      String oldValue,
      String newValue,
      String detail) {
    Objects.requireNonNull(action, "action");
    store.inTransaction(
        c -> {
          audit(c, actor, action, model, version, alias, oldValue, newValue, detail);
          return null;
        });
  }

  @Override
  public void leaseServing(String serverId, String model, long version, Instant until) {
    Objects.requireNonNull(serverId, "serverId");
    Objects.requireNonNull(until, "until");
    write(
        c -> {
          VersionRow row = versionRow(c, model, version);
          if (execute(
                  c,
                  "UPDATE serving_leases SET version = ?, until_ms = ?"
                      + " WHERE server_id = ? AND model_id = ?",
                  version,
                  until.toEpochMilli(),
                  serverId,
                  row.modelId())
              == 0) {
            execute(
                c,
                "INSERT INTO serving_leases (server_id, model_id, version, until_ms)"
                    + " VALUES (?, ?, ?, ?)",
                serverId,
                row.modelId(),
                version,
                until.toEpochMilli());
          }
          return null;
        });
  }

  @Override
  public void releaseServing(String serverId, String model) {
    write(
        c -> {
          Optional<Long> id = findModelId(c, model);
          if (id.isPresent()) {
            execute(
                c,
                "DELETE FROM serving_leases WHERE server_id = ? AND model_id = ?",
                serverId,
                id.get());
          }
          return null;
        });
  }

  @Override
  public Set<String> referencedDigests() {
    return store.read(
        c -> {
          Set<String> digests = new LinkedHashSet<>();
          try (PreparedStatement statement =
                  c.prepareStatement(
                      "SELECT DISTINCT artifact_digest FROM model_versions"
                          + " WHERE artifact_digest IS NOT NULL");
              ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
              digests.add(rs.getString(1));
            }
          }
          return Set.copyOf(digests);
        });
  }

  @Override
  public long changeSequence() {
    return store.read(c -> queryLong(c, "SELECT seq FROM registry_changes WHERE id = ?", 1L));
  }

  @Override
  public AutoCloseable subscribe(Runnable onChange) {
    Objects.requireNonNull(onChange, "onChange");
    if (!store.database().supportsNotify()) {
      return () -> {};
    }
    return PostgresChangeListener.start(store, channel, onChange);
  }

  @Override
  public void close() {
    store.close();
  }

  // ---- transactions ------------------------------------------------------------------------

  private <T> T write(Store.Work<T> work) {
    return store.inTransaction(
        c -> {
          lock(c);
          return work.run(c);
        });
  }

  /** Takes the registry's write lock (SQLite holds it already: the transaction is immediate). */
  private void lock(Connection c) throws SQLException {
    if (store.database() == Database.POSTGRESQL) {
      try (PreparedStatement statement =
              c.prepareStatement("SELECT seq FROM registry_changes WHERE id = 1 FOR UPDATE");
          ResultSet rs = statement.executeQuery()) {
        rs.next();
      }
    }
  }

  /** Bumps the change sequence and, on PostgreSQL, notifies listeners when the change commits. */
  private void changed(Connection c) throws SQLException {
    execute(c, "UPDATE registry_changes SET seq = seq + 1 WHERE id = ?", 1L);
    if (channel != null) {
      try (PreparedStatement statement = c.prepareStatement("SELECT pg_notify(?, '')")) {
        statement.setString(1, channel);
        statement.executeQuery().close();
      }
    }
  }

  // ---- rows --------------------------------------------------------------------------------

  private record ModelRow(
      long id, String name, String description, String owner, long created, long updated) {}

  private record VersionRow(
      String model,
      long modelId,
      long version,
      String versionName,
      VersionStatus status,
      String statusMessage,
      String stage,
      String description,
      String source,
      String artifactDigest,
      String platform,
      String signature,
      String lineage,
      String card,
      String profile,
      String createdBy,
      long created,
      long updated,
      boolean archived) {}

  private static ModelRow modelRow(ResultSet rs) throws SQLException {
    return new ModelRow(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getLong(5),
        rs.getLong(6));
  }

  private static VersionRow versionRow(ResultSet rs) throws SQLException {
    return new VersionRow(
        rs.getString(1),
        rs.getLong(2),
        rs.getLong(3),
        rs.getString(4),
        VersionStatus.valueOf(rs.getString(5)),
        rs.getString(6),
        rs.getString(7),
        rs.getString(8),
        rs.getString(9),
        rs.getString(10),
        rs.getString(11),
        rs.getString(12),
        rs.getString(13),
        rs.getString(14),
        rs.getString(15),
        rs.getString(16),
        rs.getLong(17),
        rs.getLong(18),
        rs.getBoolean(19));
  }

  private Optional<ModelRow> findModelRow(Connection c, String name) throws SQLException {
    try (PreparedStatement statement =
        c.prepareStatement(
            "SELECT " + MODEL_COLUMNS + " FROM registered_models m WHERE name = ?")) {
      statement.setString(1, name);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() ? Optional.of(modelRow(rs)) : Optional.empty();
      }
    }
  }

  private ModelRow modelRow(Connection c, String name) throws SQLException {
    if (name == null) {
      throw new InvalidInputException("name", "missing (expected a registered model name)");
    }
    return findModelRow(c, name).orElseThrow(() -> modelNotFound(name));
  }

  private Optional<Long> findModelId(Connection c, String name) throws SQLException {
    return findModelRow(c, name).map(ModelRow::id);
  }

  private long modelId(Connection c, String name) throws SQLException {
    return modelRow(c, name).id();
  }

  private VersionRow versionRow(Connection c, String model, long version) throws SQLException {
    if (model == null) {
      throw new InvalidInputException("name", "missing (expected a registered model name)");
    }
    try (PreparedStatement statement =
        c.prepareStatement(
            "SELECT " + VERSION_COLUMNS + VERSIONS_FROM + " WHERE m.name = ? AND v.version = ?")) {
      Sql.bind(statement, List.of(model, version));
      try (ResultSet rs = statement.executeQuery()) {
        if (rs.next()) {
          return versionRow(rs);
        }
      }
    }
    if (findModelRow(c, model).isEmpty()) {
      throw modelNotFound(model);
    }
    throw new ResourceNotFoundException(
        "Model Version (name=" + model + ", version=" + version + ") not found");
  }

  private static ResourceNotFoundException modelNotFound(String name) {
    return new ResourceNotFoundException("Registered Model with name=" + name + " not found");
  }

  private Optional<RegisteredModel> loadModel(Connection c, String name) throws SQLException {
    Optional<ModelRow> row = findModelRow(c, name);
    return row.isEmpty() ? Optional.empty() : Optional.of(toModel(c, row.get()));
  }

  private RegisteredModel toModel(Connection c, ModelRow row) throws SQLException {
    Map<String, String> tags = new LinkedHashMap<>();
    try (PreparedStatement statement =
        c.prepareStatement("SELECT key, value FROM model_tags WHERE model_id = ? ORDER BY key")) {
      statement.setLong(1, row.id());
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          tags.put(rs.getString(1), rs.getString(2) == null ? "" : rs.getString(2));
        }
      }
    }
    return new RegisteredModel(
        row.name(),
        row.description(),
        row.owner(),
        tags,
        aliases(c, row.id()),
        Instant.ofEpochMilli(row.created()),
        Instant.ofEpochMilli(row.updated()));
  }

  private ModelVersion loadVersion(Connection c, String model, long version) throws SQLException {
    return toVersions(c, List.of(versionRow(c, model, version))).get(0);
  }

  /** Versions with their tags and aliases, read per model rather than per version. */
  private List<ModelVersion> toVersions(Connection c, List<VersionRow> rows) throws SQLException {
    Map<Long, Map<Long, Map<String, String>>> tags = new HashMap<>();
    Map<Long, Map<Long, List<String>>> aliases = new HashMap<>();
    Set<Long> modelIds = new LinkedHashSet<>();
    for (VersionRow row : rows) {
      modelIds.add(row.modelId());
    }
    // One version (a get): read only its rows; several: each model's rows at once.
    Long oneVersion = rows.size() == 1 ? rows.get(0).version() : null;
    for (long modelId : modelIds) {
      try (PreparedStatement statement =
          forModel(c, "SELECT version, key, value FROM version_tags", modelId, oneVersion, "key")) {
        try (ResultSet rs = statement.executeQuery()) {
          while (rs.next()) {
            tags.computeIfAbsent(modelId, k -> new HashMap<>())
                .computeIfAbsent(rs.getLong(1), k -> new LinkedHashMap<>())
                .put(rs.getString(2), rs.getString(3) == null ? "" : rs.getString(3));
          }
        }
      }
      try (PreparedStatement statement =
          forModel(c, "SELECT version, alias FROM aliases", modelId, oneVersion, "alias")) {
        try (ResultSet rs = statement.executeQuery()) {
          while (rs.next()) {
            aliases
                .computeIfAbsent(modelId, k -> new HashMap<>())
                .computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                .add(rs.getString(2));
          }
        }
      }
    }
    List<ModelVersion> versions = new ArrayList<>(rows.size());
    for (VersionRow row : rows) {
      versions.add(
          new ModelVersion(
              row.model(),
              row.version(),
              row.versionName() == null
                  ? null
                  : VersionName.parse(row.versionName(), "version_name"),
              row.status(),
              row.statusMessage(),
              row.stage(),
              row.description(),
              row.source(),
              row.artifactDigest(),
              row.platform(),
              Json.read(row.signature(), ModelSignature.class),
              Json.read(row.lineage(), Lineage.class),
              Json.read(row.card(), ModelCard.class),
              Json.read(row.profile(), DataProfile.class),
              tags.getOrDefault(row.modelId(), Map.of()).getOrDefault(row.version(), Map.of()),
              aliases.getOrDefault(row.modelId(), Map.of()).getOrDefault(row.version(), List.of()),
              row.createdBy(),
              Instant.ofEpochMilli(row.created()),
              Instant.ofEpochMilli(row.updated()),
              row.archived()));
    }
    return versions;
  }

  private static PreparedStatement forModel(
      Connection c, String select, long modelId, Long version, String orderBy) throws SQLException {
    Sql sql = new Sql().append(select).append(" WHERE model_id = ").param(modelId);
    if (version != null) {
      sql.append(" AND version = ").param(version);
    }
    return sql.append(" ORDER BY ").append(orderBy).prepare(c);
  }

  private static Map<String, Long> aliases(Connection c, long modelId) throws SQLException {
    Map<String, Long> aliases = new TreeMap<>();
    try (PreparedStatement statement =
        c.prepareStatement("SELECT alias, version FROM aliases WHERE model_id = ?")) {
      statement.setLong(1, modelId);
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          aliases.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return aliases;
  }

  private List<Approval> approvals(Connection c, VersionRow row) throws SQLException {
    List<Approval> approvals = new ArrayList<>();
    try (PreparedStatement statement =
        c.prepareStatement(
            "SELECT alias, approver, comment, at_ms FROM approvals"
                + " WHERE model_id = ? AND version = ? ORDER BY id")) {
      Sql.bind(statement, List.of(row.modelId(), row.version()));
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          approvals.add(
              new Approval(
                  row.model(),
                  row.version(),
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  Instant.ofEpochMilli(rs.getLong(4))));
        }
      }
    }
    return approvals;
  }

  // ---- rules -------------------------------------------------------------------------------

  private static void requirePending(VersionRow row) {
    if (row.status() != VersionStatus.PENDING_REGISTRATION) {
      throw new FailedPreconditionException(
          "version "
              + row.version()
              + " of model '"
              + row.model()
              + "' is "
              + row.status()
              + " (expected PENDING_REGISTRATION)");
    }
  }

  private void requireApproval(Connection c, VersionRow row, String alias, AliasRule rule)
      throws SQLException {
    boolean approved =
        approvals(c, row).stream()
            .anyMatch(
                approval ->
                    approval.alias().equals(alias)
                        && !(rule.approverMustDiffer()
                            && approval.approver().equals(row.createdBy())));
    if (!approved) {
      throw new FailedPreconditionException(
          "alias '"
              + alias
              + "' requires an approval of version "
              + row.version()
              + " of model '"
              + row.model()
              + "'"
              + (rule.approverMustDiffer()
                  ? " by someone other than '" + row.createdBy() + "', who registered it"
                  : "")
              + " (approve it first: mlsys registry approve "
              + row.model()
              + "/"
              + row.version()
              + " --alias "
              + alias
              + ")");
    }
  }

  private void refuseWhileAliasedOrServed(Connection c, VersionRow row, String what)
      throws SQLException {
    List<String> pointing = new ArrayList<>();
    for (Map.Entry<String, Long> alias : aliases(c, row.modelId()).entrySet()) {
      if (alias.getValue() == row.version()) {
        pointing.add(alias.getKey());
      }
    }
    String subject = "version " + row.version() + " of model '" + row.model() + "'";
    if (!pointing.isEmpty()) {
      throw new FailedPreconditionException(
          subject
              + " cannot be "
              + what
              + ": alias "
              + String.join(", ", pointing)
              + " points to it (move or delete the alias first)");
    }
    List<String> leases = activeLeases(c, row.modelId(), row.version());
    if (!leases.isEmpty()) {
      throw new FailedPreconditionException(
          subject + " cannot be " + what + ": " + String.join("; ", leases));
    }
  }

  /** The unexpired serving leases of a model (of one version when {@code version} is given). */
  private List<String> activeLeases(Connection c, long modelId, Long version) throws SQLException {
    Sql sql =
        new Sql()
            .append("SELECT server_id, version, until_ms FROM serving_leases WHERE model_id = ")
            .param(modelId)
            .append(" AND until_ms > ")
            .param(clock.millis());
    if (version != null) {
      sql.append(" AND version = ").param(version);
    }
    sql.append(" ORDER BY server_id");
    List<String> leases = new ArrayList<>();
    try (PreparedStatement statement = sql.prepare(c);
        ResultSet rs = statement.executeQuery()) {
      while (rs.next()) {
        leases.add(
            "server '"
                + rs.getString(1)
                + "' serves version "
                + rs.getLong(2)
                + " (lease until "
                + Instant.ofEpochMilli(rs.getLong(3))
                + ")");
      }
    }
    return leases;
  }

  static String canonicalStage(String stage) {
    if (stage != null) {
      for (String known : STAGES) {
        if (known.equalsIgnoreCase(stage.strip())) {
          return known;
        }
      }
    }
    throw new InvalidInputException(
        "stage", "'" + stage + "' is not a stage (expected one of: " + STAGES + ")");
  }

  private static void validateTags(Map<String, String> tags, int maxKey) {
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      Validation.key("tags." + tag.getKey(), tag.getKey(), maxKey);
      Validation.length(
          "tags." + tag.getKey(), tag.getValue(), Validation.MAX_REGISTRY_TAG_VALUE_LENGTH);
    }
  }

  // ---- statements --------------------------------------------------------------------------

  private static boolean insertModel(
      Connection c, String name, String description, String owner, long now) throws SQLException {
    return execute(
            c,
            "INSERT INTO registered_models (name, description, owner, next_version, created_ms,"
                + " updated_ms) VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (name) DO NOTHING",
            name,
            description,
            owner,
            now,
            now)
        > 0;
  }

  private void touchModel(Connection c, long modelId) throws SQLException {
    execute(c, "UPDATE registered_models SET updated_ms = ? WHERE id = ?", clock.millis(), modelId);
  }

  private void touchVersion(Connection c, long modelId, long version) throws SQLException {
    execute(
        c,
        "UPDATE model_versions SET updated_ms = ? WHERE model_id = ? AND version = ?",
        clock.millis(),
        modelId,
        version);
  }

  private static void upsert(
      Connection c, String table, String idColumn, long id, Long version, String key, String value)
      throws SQLException {
    if (version == null) {
      execute(
          c,
          "INSERT INTO "
              + table
              + " ("
              + idColumn
              + ", key, value) VALUES (?, ?, ?)"
              + " ON CONFLICT ("
              + idColumn
              + ", key) DO UPDATE SET value = excluded.value",
          id,
          key,
          value);
    } else {
      execute(
          c,
          "INSERT INTO "
              + table
              + " ("
              + idColumn
              + ", version, key, value) VALUES (?, ?, ?, ?)"
              + " ON CONFLICT ("
              + idColumn
              + ", version, key) DO UPDATE SET value = excluded.value",
          id,
          version,
          key,
          value);
    }
  }

  private static String tagValue(
      Connection c, String table, String where, long id, Long version, String key)
      throws SQLException {
    List<Object> params = new ArrayList<>();
    params.add(id);
    if (version != null) {
      params.add(version);
    }
    params.add(key);
    try (PreparedStatement statement =
        c.prepareStatement("SELECT value FROM " + table + " WHERE " + where + " AND key = ?")) {
      Sql.bind(statement, params);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static void history(
      Connection c,
      long modelId,
      String alias,
      Long from,
      Long to,
      String actor,
      long now,
      String detail)
      throws SQLException {
    execute(
        c,
        "INSERT INTO alias_history (model_id, alias, from_version, to_version, actor, at_ms, detail)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
        modelId,
        alias,
        from,
        to,
        actor,
        now,
        detail);
  }

  private void audit(
      Connection c,
      String actor,
      String action,
      String model,
      Long version,
      String alias,
      String oldValue,
      String newValue,
      String detail)
      throws SQLException {
    execute(
        c,
        "INSERT INTO audit (at_ms, actor, action, model, version, alias, old_value, new_value,"
            + " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        clock.millis(),
        actor,
        action,
        model,
        version,
        alias,
        oldValue,
        newValue,
        detail);
  }

  static int execute(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement statement = c.prepareStatement(sql)) {
      Sql.bind(statement, java.util.Arrays.asList(params));
      return statement.executeUpdate();
    }
  }

  static long queryLong(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement statement = c.prepareStatement(sql)) {
      Sql.bind(statement, java.util.Arrays.asList(params));
      try (ResultSet rs = statement.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("no row: " + sql);
        }
        return rs.getLong(1);
      }
    }
  }

  static Long nullableLong(ResultSet rs, int column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  static <T> Page<T> page(List<T> items, int maxResults, long offset, String fingerprint) {
    if (items.size() > maxResults) {
      return new Page<>(
          items.subList(0, maxResults), PageToken.encode(offset + maxResults, fingerprint));
    }
    return new Page<>(items, null);
  }
}
