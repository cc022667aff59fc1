-- Batch schedules (schema_version 1): one row per scheduled job. A scheduler starts the run due at
-- last_fire_ms only by a conditional update that finds no live holder, so two schedulers never
-- start the same run and a run never overlaps the one before it.
CREATE TABLE batch_leases (
  job            TEXT PRIMARY KEY,
  schema_version INTEGER NOT NULL,
  holder         TEXT,
  expires_ms     BIGINT NOT NULL,
  last_fire_ms   BIGINT NOT NULL
);
