-- The features a features graph node fetched for the call (data cache), as JSON text; null when
-- the call had none.
ALTER TABLE prediction_events ADD COLUMN features TEXT;
