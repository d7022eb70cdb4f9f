-- The Pilot API: pilots signing in on the consent pages, authorization
-- codes, refresh tokens (rotated, in families), and remembered consents.

CREATE TABLE pilot_sessions (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    pilot_id BIGINT NOT NULL REFERENCES pilots(id),
    token_hash TEXT NOT NULL UNIQUE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- A code is used once; what it issued shares its family, so a replay can
-- revoke them all.
CREATE TABLE authorization_codes (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    client_id BIGINT NOT NULL REFERENCES oauth_clients(id),
    pilot_id BIGINT NOT NULL REFERENCES pilots(id),
    code_hash TEXT NOT NULL UNIQUE,
    redirect_uri TEXT NOT NULL,
    scopes TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    family TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);

CREATE TABLE refresh_tokens (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    client_id BIGINT NOT NULL REFERENCES oauth_clients(id),
    pilot_id BIGINT NOT NULL REFERENCES pilots(id),
    token_hash TEXT NOT NULL UNIQUE,
    family TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);

ALTER TABLE oauth_tokens ADD COLUMN family TEXT;
CREATE INDEX oauth_tokens_family ON oauth_tokens (family);
CREATE INDEX oauth_tokens_pilot ON oauth_tokens (pilot_id, client_id);

CREATE TABLE consents (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    pilot_id BIGINT NOT NULL REFERENCES pilots(id),
    client_id BIGINT NOT NULL REFERENCES oauth_clients(id),
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (pilot_id, client_id)
);
