-- Requests per minute: an org's default for its credentials, and overrides
-- per credential. NULL: the next level decides (credential, org, server).
ALTER TABLE orgs ADD COLUMN rate_limit_per_minute BIGINT;
ALTER TABLE oauth_clients ADD COLUMN rate_limit_per_minute BIGINT;
ALTER TABLE api_tokens ADD COLUMN rate_limit_per_minute BIGINT;
ALTER TABLE org_keys ADD COLUMN rate_limit_per_minute BIGINT;
ALTER TABLE pilot_api_keys ADD COLUMN rate_limit_per_minute BIGINT;

-- Shared token buckets (GCRA: each key's theoretical arrival time, in unix
-- seconds), for nodes that share a PostgreSQL database.
CREATE TABLE rate_limit_buckets (
    bucket TEXT PRIMARY KEY,
    tat DOUBLE PRECISION NOT NULL
);
