-- Airside core model. Portable SQL for SQLite and PostgreSQL; `{{id}}` becomes
-- each backend's 64-bit auto-increment primary key. Every row carries org_id.
-- Timestamps are RFC 3339 UTC text (fixed width, so text order is time order).
-- Flags are BIGINT 0/1 and integers are BIGINT: both decode the same way on
-- both backends through sqlx's Any driver (it cannot read SQLite BOOLEAN).

CREATE TABLE orgs (
    id {{id}},
    uuid TEXT NOT NULL UNIQUE,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    plan TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE staff_users (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    permissions TEXT NOT NULL DEFAULT '',
    is_owner BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
-- Exactly one owner per org: at most one here, at least one by creating both together.
CREATE UNIQUE INDEX staff_users_one_owner ON staff_users (org_id) WHERE is_owner = 1;

CREATE TABLE airlines (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    code TEXT NOT NULL,
    icao TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (org_id, icao)
);

CREATE TABLE airports (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    icao TEXT NOT NULL,
    iata TEXT,
    name TEXT NOT NULL,
    city TEXT,
    country TEXT,
    latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (org_id, icao)
);

CREATE TABLE ranks (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    min_hours DOUBLE PRECISION NOT NULL DEFAULT 0,
    sort_order BIGINT NOT NULL,
    image_url TEXT,
    honorary BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX ranks_org ON ranks (org_id, sort_order);

CREATE TABLE hubs (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    airport_id BIGINT NOT NULL REFERENCES airports(id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE badges (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    image_url TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE subfleets (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    airline_id BIGINT NOT NULL REFERENCES airlines(id),
    type_code TEXT NOT NULL,
    name TEXT NOT NULL,
    passengers BIGINT NOT NULL DEFAULT 0,
    cargo_kg BIGINT NOT NULL DEFAULT 0,
    min_rank_id BIGINT REFERENCES ranks(id),
    created_at TEXT NOT NULL
);

CREATE TABLE aircraft (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    subfleet_id BIGINT NOT NULL REFERENCES subfleets(id),
    registration TEXT NOT NULL,
    name TEXT NOT NULL,
    icao TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    airport_id BIGINT REFERENCES airports(id),
    airframe_hours DOUBLE PRECISION NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (org_id, registration)
);

CREATE TABLE pilots (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    airline_id BIGINT NOT NULL REFERENCES airlines(id),
    number BIGINT NOT NULL,
    -- What people see and type: airline ICAO + zero-padded number (AIR0001).
    ident TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    state TEXT NOT NULL,
    rank_id BIGINT REFERENCES ranks(id),
    hub_id BIGINT REFERENCES hubs(id),
    airport_id BIGINT REFERENCES airports(id),
    flight_minutes BIGINT NOT NULL DEFAULT 0,
    flights BIGINT NOT NULL DEFAULT 0,
    points BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (airline_id, number),
    UNIQUE (org_id, ident),
    UNIQUE (org_id, email)
);

-- ACARS keys of pilots; only the SHA-256 of a key is kept.
CREATE TABLE pilot_api_keys (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    pilot_id BIGINT NOT NULL REFERENCES pilots(id),
    key_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);

CREATE TABLE pilot_badges (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    pilot_id BIGINT NOT NULL REFERENCES pilots(id),
    badge_id BIGINT NOT NULL REFERENCES badges(id),
    awarded_at TEXT NOT NULL,
    UNIQUE (pilot_id, badge_id)
);

CREATE TABLE schedules (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    airline_id BIGINT NOT NULL REFERENCES airlines(id),
    flight_number TEXT NOT NULL,
    departure_airport_id BIGINT NOT NULL REFERENCES airports(id),
    arrival_airport_id BIGINT NOT NULL REFERENCES airports(id),
    route TEXT NOT NULL DEFAULT '',
    flight_level BIGINT NOT NULL DEFAULT 0,
    distance_nm DOUBLE PRECISION NOT NULL DEFAULT 0,
    departure_time TEXT,
    arrival_time TEXT,
    flight_minutes BIGINT NOT NULL DEFAULT 0,
    days_of_week TEXT NOT NULL DEFAULT '1234567',
    flight_type TEXT NOT NULL DEFAULT 'P',
    notes TEXT NOT NULL DEFAULT '',
    active BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX schedules_route ON schedules (org_id, departure_airport_id, arrival_airport_id);

CREATE TABLE schedule_subfleets (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    schedule_id BIGINT NOT NULL REFERENCES schedules(id),
    subfleet_id BIGINT NOT NULL REFERENCES subfleets(id),
    UNIQUE (schedule_id, subfleet_id)
);

CREATE TABLE bookings (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    pilot_id BIGINT NOT NULL REFERENCES pilots(id),
    schedule_id BIGINT NOT NULL REFERENCES schedules(id),
    aircraft_id BIGINT REFERENCES aircraft(id),
    created_at TEXT NOT NULL
);
CREATE INDEX bookings_pilot ON bookings (org_id, pilot_id);

CREATE TABLE pireps (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    pilot_id BIGINT NOT NULL REFERENCES pilots(id),
    airline_id BIGINT NOT NULL REFERENCES airlines(id),
    schedule_id BIGINT REFERENCES schedules(id),
    booking_id BIGINT,
    aircraft_id BIGINT REFERENCES aircraft(id),
    flight_number TEXT NOT NULL,
    departure_airport_id BIGINT NOT NULL REFERENCES airports(id),
    arrival_airport_id BIGINT NOT NULL REFERENCES airports(id),
    route TEXT NOT NULL DEFAULT '',
    flight_level BIGINT NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    source TEXT NOT NULL,
    phase TEXT,
    tracking_id TEXT UNIQUE,
    distance_nm DOUBLE PRECISION NOT NULL DEFAULT 0,
    flight_minutes BIGINT NOT NULL DEFAULT 0,
    landing_rate DOUBLE PRECISION,
    fuel_used DOUBLE PRECISION,
    points BIGINT NOT NULL DEFAULT 0,
    review_note TEXT,
    created_at TEXT NOT NULL,
    submitted_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX pireps_pilot ON pireps (org_id, pilot_id, state);
CREATE INDEX pireps_state ON pireps (org_id, state);

CREATE TABLE pirep_positions (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    pirep_id BIGINT NOT NULL REFERENCES pireps(id),
    recorded_at TEXT NOT NULL,
    phase TEXT NOT NULL,
    latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL,
    heading DOUBLE PRECISION NOT NULL,
    altitude DOUBLE PRECISION NOT NULL,
    altitude_agl DOUBLE PRECISION,
    vertical_speed DOUBLE PRECISION,
    ground_speed DOUBLE PRECISION,
    indicated_airspeed DOUBLE PRECISION,
    distance_remaining DOUBLE PRECISION,
    -- A re-sent report (same time) is stored once.
    UNIQUE (pirep_id, recorded_at)
);

CREATE TABLE pirep_log_lines (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    pirep_id BIGINT NOT NULL REFERENCES pireps(id),
    logged_at TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX pirep_log_lines_pirep ON pirep_log_lines (pirep_id);

CREATE TABLE pirep_fields (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    pirep_id BIGINT NOT NULL REFERENCES pireps(id),
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    UNIQUE (pirep_id, name)
);

CREATE TABLE pirep_comments (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    pirep_id BIGINT NOT NULL REFERENCES pireps(id),
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX pirep_comments_pirep ON pirep_comments (pirep_id);

CREATE TABLE announcements (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    title TEXT NOT NULL,
    subtitle TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    link TEXT,
    image TEXT,
    published_at TEXT NOT NULL
);
CREATE INDEX announcements_org ON announcements (org_id, published_at);

-- Staff console sessions; the cookie holds a random token, we keep its hash.
CREATE TABLE staff_sessions (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    staff_id BIGINT NOT NULL REFERENCES staff_users(id),
    token_hash TEXT NOT NULL UNIQUE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
