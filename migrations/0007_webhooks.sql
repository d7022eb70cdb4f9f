-- Webhook endpoints, one delivery per (event, subscribed endpoint), and every
-- attempt of every delivery. The dispatcher turns undispatched events into
-- deliveries and claims due deliveries with a lease (`claimed_until`).
CREATE TABLE webhook_endpoints (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    url TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- Space-separated event types.
    event_types TEXT NOT NULL,
    enabled BIGINT NOT NULL DEFAULT 1,
    -- Signing needs the secret itself, so it cannot be stored as a hash.
    secret TEXT NOT NULL,
    -- After a rotation the old secret signs too, until it expires.
    previous_secret TEXT,
    previous_secret_expires_at TEXT,
    failure_streak BIGINT NOT NULL DEFAULT 0,
    last_success_at TEXT,
    disabled_reason TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints (org_id, id);

CREATE TABLE webhook_deliveries (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    uuid TEXT NOT NULL UNIQUE,
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id BIGINT NOT NULL REFERENCES events(id),
    event_type TEXT NOT NULL,
    -- pending, succeeded or failed.
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until TEXT,
    created_at TEXT NOT NULL,
    completed_at TEXT
);
-- Only pending deliveries are ever looked for by time.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

CREATE TABLE webhook_attempts (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    attempt BIGINT NOT NULL,
    attempted_at TEXT NOT NULL,
    status_code BIGINT,
    duration_ms BIGINT NOT NULL,
    response_excerpt TEXT,
    error TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- The fan-out looks for events not yet turned into deliveries.
CREATE INDEX events_to_dispatch ON events (id) WHERE dispatched_at IS NULL;
