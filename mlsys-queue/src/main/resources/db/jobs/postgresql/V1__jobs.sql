-- Asynchronous inference jobs (schema_version 1). One row per job: the request as the client sent
-- it, its state, attempts, error or result (capped by jobs.max-result-bytes), timings in
-- microseconds since the epoch, and the idempotency key within its scope. published_us is set once
-- the queue backend took the job; a queued job without it is republished by the sweeper.
CREATE TABLE jobs (
  id                TEXT PRIMARY KEY,
  schema_version    INTEGER NOT NULL,
  model             TEXT NOT NULL,
  model_version     TEXT,
  request           BYTEA NOT NULL,
  request_sha256    TEXT NOT NULL,
  state             TEXT NOT NULL,
  attempts          INTEGER NOT NULL,
  error             TEXT,
  result            BYTEA,
  created_us        BIGINT NOT NULL,
  started_us        BIGINT,
  finished_us       BIGINT,
  expires_us        BIGINT NOT NULL,
  published_us      BIGINT,
  caller            TEXT,
  callback_url      TEXT,
  idempotency_scope TEXT,
  idempotency_key   TEXT
);
CREATE UNIQUE INDEX jobs_idempotency ON jobs (idempotency_scope, idempotency_key);
CREATE INDEX jobs_state_created ON jobs (state, created_us);
CREATE INDEX jobs_finished ON jobs (finished_us);
-- The embedded queue: one row per job waiting for or held by a worker. visible_us is when it may
-- be delivered (again); a delivery sets it to the end of its lease and a fresh lease_token, which
-- ack, retry and lease extension must present.
CREATE TABLE job_deliveries (
  job_id      TEXT PRIMARY KEY,
  model       TEXT NOT NULL,
  visible_us  BIGINT NOT NULL,
  deliveries  INTEGER NOT NULL,
  lease_token TEXT
);
CREATE INDEX job_deliveries_visible ON job_deliveries (visible_us);
