-- Each bucket table a split has had (schema_version 1 rows): written with the table it describes,
-- from the time it was made or rebalanced (a weight or on/off change) until the next revision. The
-- sample-ratio test compares the units first exposed in each period with that period's shares.
-- arms comma-separated in config order, their weights, and the buckets each owns.
CREATE TABLE experiment_periods (
  experiment     TEXT NOT NULL REFERENCES experiments (name),
  revision       INTEGER NOT NULL,
  schema_version INTEGER NOT NULL,
  from_us        BIGINT NOT NULL,
  arms           TEXT NOT NULL,
  weights        TEXT NOT NULL,
  buckets        TEXT NOT NULL,
  PRIMARY KEY (experiment, revision)
);
