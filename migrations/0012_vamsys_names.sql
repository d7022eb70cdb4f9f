-- What vAMSYS v3 clients read and write, for the rows Airside already has.

-- A pilot's Discord account, so a bot finds the pilot behind a member.
ALTER TABLE pilots ADD COLUMN discord_id TEXT;
CREATE UNIQUE INDEX pilots_discord ON pilots (org_id, discord_id);

-- A PIREP the org's rule accepted is `auto_accepted`, not `accepted`.
ALTER TABLE pireps ADD COLUMN auto_accepted BIGINT NOT NULL DEFAULT 0;

ALTER TABLE airports ADD COLUMN category TEXT;

-- pax, cargo, or another word the airline uses.
ALTER TABLE subfleets ADD COLUMN fleet_type TEXT NOT NULL DEFAULT 'pax';

ALTER TABLE aircraft ADD COLUMN selcal TEXT;
ALTER TABLE aircraft ADD COLUMN fin_number TEXT;
ALTER TABLE aircraft ADD COLUMN hexcode TEXT;
-- This airframe's seats and cargo when they differ from its fleet's.
ALTER TABLE aircraft ADD COLUMN passengers BIGINT;
ALTER TABLE aircraft ADD COLUMN cargo BIGINT;
ALTER TABLE aircraft ADD COLUMN internal_remarks TEXT;

-- A route string between two airports that routes reuse.
CREATE TABLE routings (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    departure_airport_id BIGINT NOT NULL REFERENCES airports(id),
    arrival_airport_id BIGINT NOT NULL REFERENCES airports(id),
    route TEXT NOT NULL,
    remarks TEXT,
    internal_remarks TEXT,
    tag TEXT,
    days_of_operation TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX routings_org ON routings (org_id, departure_airport_id, arrival_airport_id);

ALTER TABLE schedules ADD COLUMN callsign TEXT;
ALTER TABLE schedules ADD COLUMN start_date TEXT;
ALTER TABLE schedules ADD COLUMN end_date TEXT;
ALTER TABLE schedules ADD COLUMN internal_remarks TEXT;
ALTER TABLE schedules ADD COLUMN tag TEXT;
ALTER TABLE schedules ADD COLUMN hidden BIGINT NOT NULL DEFAULT 0;
ALTER TABLE schedules ADD COLUMN cost_index TEXT;
ALTER TABLE schedules ADD COLUMN routing_id BIGINT REFERENCES routings(id);

-- Notices to airmen: what the airline wants its pilots to read.
CREATE TABLE notams (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    notam_type TEXT NOT NULL,
    priority TEXT NOT NULL,
    must_read BIGINT NOT NULL DEFAULT 0,
    tag TEXT,
    url TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX notams_org ON notams (org_id, id);

-- Which pilot has read which NOTAM (the Pilot API marks it).
CREATE TABLE notam_reads (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    notam_id BIGINT NOT NULL REFERENCES notams(id),
    pilot_id BIGINT NOT NULL REFERENCES pilots(id),
    read_at TEXT NOT NULL,
    UNIQUE (notam_id, pilot_id)
);
