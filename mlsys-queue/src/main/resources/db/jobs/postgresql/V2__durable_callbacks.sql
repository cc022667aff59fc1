-- Callbacks survive a crash. callback_claim_us: when a process last took the job's callback in
-- hand (null: when the job finished, by the process that finished it). callback_done_us: set once
-- the callback was delivered or given up. The sweeper sends again, once per claim, a callback taken
-- longer ago than the callbacks' whole retry schedule and never done (the process died meanwhile).
ALTER TABLE jobs ADD COLUMN callback_claim_us BIGINT;
ALTER TABLE jobs ADD COLUMN callback_done_us BIGINT;
CREATE INDEX jobs_callbacks_pending ON jobs (finished_us)
  WHERE callback_url IS NOT NULL AND callback_done_us IS NULL;
