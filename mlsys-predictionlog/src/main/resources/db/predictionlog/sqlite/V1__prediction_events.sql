-- One row per prediction event (schema_version 1). event_id is the key, so a batch replayed after a
-- partial write inserts only what is missing (INSERT ... ON CONFLICT DO NOTHING).
CREATE TABLE prediction_events (
  event_id       TEXT PRIMARY KEY,
  schema_version INTEGER NOT NULL,
  request_id     TEXT,
  time           TEXT NOT NULL,
  time_us        BIGINT NOT NULL,
  model_name     TEXT NOT NULL,
  model_version  TEXT,
  latency_us     BIGINT NOT NULL,
  status         TEXT NOT NULL,
  error          TEXT,
  caller         TEXT,
  subject        TEXT,
  headers        TEXT NOT NULL,
  inputs         TEXT,
  outputs        TEXT
);
CREATE INDEX prediction_events_time ON prediction_events (time_us);
CREATE INDEX prediction_events_subject ON prediction_events (subject);
CREATE INDEX prediction_events_request ON prediction_events (model_name, request_id);
