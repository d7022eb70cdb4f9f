-- Flying with an ACARS client: when a flight last reported (the stale sweep
-- reads it) and a digest of its last single report (a re-sent report is
-- stored once).
ALTER TABLE pireps ADD COLUMN last_report_at TEXT;
ALTER TABLE pireps ADD COLUMN last_report_digest TEXT;

-- One flight in progress per pilot and per aircraft. Older data may break
-- the rule; the newest flight stays in progress, the others are cancelled.
UPDATE pireps SET state = 'cancelled' WHERE state = 'in_progress' AND EXISTS (
    SELECT 1 FROM pireps newer WHERE newer.state = 'in_progress'
    AND newer.pilot_id = pireps.pilot_id AND newer.id > pireps.id);
UPDATE pireps SET state = 'cancelled' WHERE state = 'in_progress' AND aircraft_id IS NOT NULL
    AND EXISTS (SELECT 1 FROM pireps newer WHERE newer.state = 'in_progress'
    AND newer.aircraft_id = pireps.aircraft_id AND newer.id > pireps.id);
CREATE UNIQUE INDEX pireps_one_flight_per_pilot ON pireps (pilot_id) WHERE state = 'in_progress';
CREATE UNIQUE INDEX pireps_one_flight_per_aircraft ON pireps (aircraft_id)
    WHERE state = 'in_progress' AND aircraft_id IS NOT NULL;

-- An org's rule for accepting ACARS PIREPs without a reviewer: pilots of
-- at least this rank whose landing was no harder than this (ft/min).
ALTER TABLE orgs ADD COLUMN auto_accept_enabled BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orgs ADD COLUMN auto_accept_min_rank_id BIGINT REFERENCES ranks(id);
ALTER TABLE orgs ADD COLUMN auto_accept_max_landing_rate DOUBLE PRECISION;
