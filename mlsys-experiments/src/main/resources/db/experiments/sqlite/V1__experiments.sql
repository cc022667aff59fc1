-- Experiments (schema_version 1): one row per split or mirror graph that has been used, its state
-- (running, stopped, concluded) and, once concluded, its winner.
CREATE TABLE experiments (
  name           TEXT PRIMARY KEY,
  schema_version INTEGER NOT NULL,
  kind           TEXT NOT NULL,
  state          TEXT NOT NULL,
  winner         TEXT,
  created_us     BIGINT NOT NULL,
  updated_us     BIGINT NOT NULL,
  updated_by     TEXT
);
-- A split's bucket -> arm table: arms comma-separated in config order, their weights, and one
-- byte per bucket (the owner's index). revision grows with each rebalance.
CREATE TABLE experiment_buckets (
  experiment     TEXT PRIMARY KEY REFERENCES experiments (name),
  schema_version INTEGER NOT NULL,
  arms           TEXT NOT NULL,
  weights        TEXT NOT NULL,
  owners         BLOB NOT NULL,
  revision       INTEGER NOT NULL,
  updated_us     BIGINT NOT NULL
);
-- One row per assignment of a split.
CREATE TABLE experiment_exposures (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  schema_version INTEGER NOT NULL,
  experiment     TEXT NOT NULL,
  arm            TEXT NOT NULL,
  unit           TEXT,
  request_id     TEXT,
  time_us        BIGINT NOT NULL
);
CREATE INDEX experiment_exposures_arm ON experiment_exposures (experiment, arm);
-- One row per mirrored call and candidate: both answers' compared output (JSON arrays, numbers or
-- labels), both latencies, both errors.
CREATE TABLE experiment_pairs (
  id                   INTEGER PRIMARY KEY AUTOINCREMENT,
  schema_version       INTEGER NOT NULL,
  experiment           TEXT NOT NULL,
  candidate            TEXT NOT NULL,
  request_id           TEXT,
  time_us              BIGINT NOT NULL,
  primary_value        TEXT,
  candidate_value      TEXT,
  primary_latency_us   BIGINT NOT NULL,
  candidate_latency_us BIGINT NOT NULL,
  primary_error        TEXT,
  candidate_error      TEXT
);
CREATE INDEX experiment_pairs_candidate ON experiment_pairs (experiment, candidate, id);
