-- Where in a graph the model was called, and the experiment arm a split node chose; null for a
-- model called on its own and outside experiments.
ALTER TABLE prediction_events ADD COLUMN graph_path TEXT;
ALTER TABLE prediction_events ADD COLUMN arm TEXT;
