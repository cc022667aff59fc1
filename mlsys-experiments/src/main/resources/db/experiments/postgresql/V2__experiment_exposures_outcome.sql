-- Exposures (schema_version 2) also say how the arm served the call, for the guardrails: its
-- latency and error; and, for a split that measures accuracy, the compared output (a JSON array)
-- that label feedback is checked against. Null in rows of schema_version 1.
ALTER TABLE experiment_exposures ADD COLUMN latency_us BIGINT;
ALTER TABLE experiment_exposures ADD COLUMN error TEXT;
ALTER TABLE experiment_exposures ADD COLUMN value TEXT;
CREATE INDEX experiment_exposures_time ON experiment_exposures (experiment, time_us);
