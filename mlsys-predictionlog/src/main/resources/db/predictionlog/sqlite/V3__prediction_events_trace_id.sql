-- Schema version 2 of the events: the W3C trace id of the request, to find a call's spans (and the
-- other events of its trace). Null in rows of schema version 1.
ALTER TABLE prediction_events ADD COLUMN trace_id TEXT;
CREATE INDEX prediction_events_trace ON prediction_events (trace_id);
