-- The registry's and tracking's tables (SQLite). Timestamps are milliseconds since the epoch.
-- JSON columns (signature, lineage, card, profile) carry their format in format_version.

-- One row; every registry change bumps it (servers that follow aliases poll it).
CREATE TABLE registry_changes (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL
);
INSERT INTO registry_changes (id, seq) VALUES (1, 0);

CREATE TABLE registered_models (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  description TEXT,
  owner TEXT,
  next_version BIGINT NOT NULL DEFAULT 1,
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);

CREATE TABLE model_tags (
  model_id BIGINT NOT NULL REFERENCES registered_models (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT,
  PRIMARY KEY (model_id, key)
);

CREATE TABLE model_versions (
  model_id BIGINT NOT NULL REFERENCES registered_models (id) ON DELETE CASCADE,
  version BIGINT NOT NULL,
  version_name TEXT,
  status TEXT NOT NULL,
  status_message TEXT,
  stage TEXT NOT NULL,
  description TEXT,
  source TEXT,
  run_id TEXT,
  artifact_digest TEXT,
  platform TEXT,
  format_version INTEGER NOT NULL,
  signature TEXT,
  lineage TEXT,
  card TEXT,
  profile TEXT,
  created_by TEXT,
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL,
  archived BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (model_id, version)
);
CREATE INDEX model_versions_run_id ON model_versions (run_id);
CREATE INDEX model_versions_digest ON model_versions (artifact_digest);

CREATE TABLE version_tags (
  model_id BIGINT NOT NULL,
  version BIGINT NOT NULL,
  key TEXT NOT NULL,
  value TEXT,
  PRIMARY KEY (model_id, version, key),
  FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
);

-- No cascade: a version an alias points to is not deleted.
CREATE TABLE aliases (
  model_id BIGINT NOT NULL,
  alias TEXT NOT NULL,
  version BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL,
  PRIMARY KEY (model_id, alias),
  FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version)
);

CREATE TABLE alias_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  model_id BIGINT NOT NULL REFERENCES registered_models (id) ON DELETE CASCADE,
  alias TEXT NOT NULL,
  from_version BIGINT,
  to_version BIGINT,
  actor TEXT,
  at_ms BIGINT NOT NULL,
  detail TEXT
);
CREATE INDEX alias_history_alias ON alias_history (model_id, alias, id);

CREATE TABLE approvals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  model_id BIGINT NOT NULL,
  version BIGINT NOT NULL,
  alias TEXT NOT NULL,
  approver TEXT NOT NULL,
  comment TEXT,
  at_ms BIGINT NOT NULL,
  FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
);
CREATE INDEX approvals_version ON approvals (model_id, version);

CREATE TABLE serving_leases (
  server_id TEXT NOT NULL,
  model_id BIGINT NOT NULL,
  version BIGINT NOT NULL,
  until_ms BIGINT NOT NULL,
  PRIMARY KEY (server_id, model_id),
  FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
);
CREATE INDEX serving_leases_version ON serving_leases (model_id, version);

-- Names, not ids: the audit outlives deleted models.
CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms BIGINT NOT NULL,
  actor TEXT,
  action TEXT NOT NULL,
  model TEXT,
  version BIGINT,
  alias TEXT,
  old_value TEXT,
  new_value TEXT,
  detail TEXT
);
CREATE INDEX audit_model ON audit (model, id);

-- Tracking (MLflow experiments and runs).
CREATE TABLE experiments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  artifact_location TEXT,
  lifecycle_stage TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);

CREATE TABLE experiment_tags (
  experiment_id BIGINT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT,
  PRIMARY KEY (experiment_id, key)
);

CREATE TABLE runs (
  run_uuid TEXT PRIMARY KEY,
  experiment_id BIGINT NOT NULL REFERENCES experiments (id),
  name TEXT,
  user_id TEXT,
  status TEXT NOT NULL,
  start_time BIGINT NOT NULL,
  end_time BIGINT,
  artifact_uri TEXT,
  lifecycle_stage TEXT NOT NULL
);
CREATE INDEX runs_experiment ON runs (experiment_id, start_time);

CREATE TABLE params (
  run_uuid TEXT NOT NULL REFERENCES runs (run_uuid) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_uuid, key)
);

CREATE TABLE run_tags (
  run_uuid TEXT NOT NULL REFERENCES runs (run_uuid) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT,
  PRIMARY KEY (run_uuid, key)
);

-- NaN is kept as is_nan (SQLite has no NaN; value is then 0).
CREATE TABLE metrics (
  run_uuid TEXT NOT NULL REFERENCES runs (run_uuid) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  is_nan BOOLEAN NOT NULL,
  timestamp_ms BIGINT NOT NULL,
  step BIGINT NOT NULL
);
CREATE INDEX metrics_history ON metrics (run_uuid, key, step, timestamp_ms);

CREATE TABLE latest_metrics (
  run_uuid TEXT NOT NULL REFERENCES runs (run_uuid) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  is_nan BOOLEAN NOT NULL,
  timestamp_ms BIGINT NOT NULL,
  step BIGINT NOT NULL,
  PRIMARY KEY (run_uuid, key)
);
