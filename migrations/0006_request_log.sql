-- Every API request, kept for a retention period, and per-credential daily
-- counts kept forever. Written in batches by the request-log writer.
CREATE TABLE request_log (
    id {{id}},
    -- NULL when the request named no valid credential.
    org_id BIGINT REFERENCES orgs(id),
    at TEXT NOT NULL,
    credential_kind TEXT,
    credential_id BIGINT,
    pilot_id BIGINT,
    method TEXT NOT NULL,
    -- The matched route template, e.g. /api/v3/operations/pireps/{id}.
    route TEXT,
    path TEXT NOT NULL,
    status BIGINT NOT NULL,
    duration_us BIGINT NOT NULL,
    ip TEXT,
    user_agent TEXT,
    request_id TEXT NOT NULL
);
CREATE INDEX request_log_org ON request_log (org_id, id);
CREATE INDEX request_log_at ON request_log (at);

CREATE TABLE usage_daily (
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    credential_kind TEXT NOT NULL,
    credential_id BIGINT NOT NULL,
    -- UTC day, YYYY-MM-DD.
    day TEXT NOT NULL,
    requests BIGINT NOT NULL,
    PRIMARY KEY (credential_kind, credential_id, day)
);
CREATE INDEX usage_daily_org ON usage_daily (org_id, credential_kind, day);
