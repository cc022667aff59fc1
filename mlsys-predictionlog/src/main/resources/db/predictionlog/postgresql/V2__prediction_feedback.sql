-- Ground truth for predictions, joined to prediction_events by (model_name, request_id). One row per
-- request and kind (label, value, reward): feedback sent again replaces the earlier value.
CREATE TABLE prediction_feedback (
  model_name TEXT NOT NULL,
  request_id TEXT NOT NULL,
  kind       TEXT NOT NULL,
  value      TEXT NOT NULL,
  time       TEXT NOT NULL,
  time_us    BIGINT NOT NULL,
  PRIMARY KEY (model_name, request_id, kind)
);
CREATE INDEX prediction_feedback_time ON prediction_feedback (time_us);
