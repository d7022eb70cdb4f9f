-- OAuth clients and tokens, the audit trail, the event outbox, and the data
-- the Operations API manages beyond the core model.

CREATE TABLE oauth_clients (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    -- The public identifier a client authenticates with.
    client_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    -- SHA-256 of the secret; NULL for public (PKCE-only) clients.
    secret_hash TEXT,
    -- Space-separated; empty means unrestricted (Operations clients).
    scopes TEXT NOT NULL DEFAULT '',
    redirect_uris TEXT NOT NULL DEFAULT '',
    privacy_policy_url TEXT,
    revoked BIGINT NOT NULL DEFAULT 0,
    attested_by BIGINT REFERENCES staff_users(id),
    attested_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX oauth_clients_org ON oauth_clients (org_id, kind);

CREATE TABLE oauth_tokens (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    client_id BIGINT NOT NULL REFERENCES oauth_clients(id),
    token_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    pilot_id BIGINT REFERENCES pilots(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX oauth_tokens_client ON oauth_tokens (client_id);

-- Who changed which credential or setting, when. Never secrets.
CREATE TABLE audit_log (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org_id, id);

-- The outbox: domain events written in the same transaction as the change
-- that caused them; the webhook dispatcher delivers them.
CREATE TABLE events (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    uuid TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    dispatched_at TEXT
);
CREATE INDEX events_undispatched ON events (dispatched_at, id);
CREATE INDEX events_org ON events (org_id, id);

ALTER TABLE pilots ADD COLUMN honorary_rank_id BIGINT REFERENCES ranks(id);

CREATE TABLE pilot_notes (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    pilot_id BIGINT NOT NULL REFERENCES pilots(id),
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE point_awards (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    pilot_id BIGINT NOT NULL REFERENCES pilots(id),
    points BIGINT NOT NULL,
    reason TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- People applying to join, and pilots asking to move hub.
CREATE TABLE registrations (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL,
    hub_id BIGINT REFERENCES hubs(id),
    status TEXT NOT NULL DEFAULT 'pending',
    pilot_id BIGINT REFERENCES pilots(id),
    decided_at TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE transfers (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    pilot_id BIGINT NOT NULL REFERENCES pilots(id),
    to_hub_id BIGINT NOT NULL REFERENCES hubs(id),
    reason TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending',
    decided_at TEXT,
    created_at TEXT NOT NULL
);

-- Activities.
CREATE TABLE activity_events (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    airport_id BIGINT REFERENCES airports(id),
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    points BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE tours (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    points BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE tour_legs (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    tour_id BIGINT NOT NULL REFERENCES tours(id),
    position BIGINT NOT NULL,
    departure_airport_id BIGINT NOT NULL REFERENCES airports(id),
    arrival_airport_id BIGINT NOT NULL REFERENCES airports(id),
    UNIQUE (tour_id, position)
);

CREATE TABLE rosters (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE focus_airports (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    airport_id BIGINT NOT NULL REFERENCES airports(id),
    bonus_points BIGINT NOT NULL DEFAULT 0,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE community_goals (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    metric TEXT NOT NULL,
    target DOUBLE PRECISION NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE challenges (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    points BIGINT NOT NULL DEFAULT 0,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
