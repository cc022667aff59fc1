-- Lost deliveries are republished. published_us is now the last sign of a live delivery: set when
-- the queue took the job, when a worker starts an attempt, while a worker extends a running job's
-- lease, and to the due time of a retry. A job not final whose published_us is older than
-- jobs.republish-after (its queue lost the message: a Redis restarted without persistence, a
-- broker's lost state) is claimed by one sweeper with a conditional update and published again.
CREATE INDEX jobs_state_published ON jobs (state, published_us);
