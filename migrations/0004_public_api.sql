-- Legacy API tokens, org API keys, and the flight-school data the Public API
-- serves.

-- vAMSYS-style API tokens: an unrestricted Operations credential.
CREATE TABLE api_tokens (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT
);

-- Org API keys (`gaf_pk_…`) for the read-only Public API.
CREATE TABLE org_keys (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    -- The first characters, so people can tell keys apart.
    prefix TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);

-- Compliance: medicals, licences, aircraft airworthiness…
CREATE TABLE compliance_records (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    subject_type TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    record_type TEXT NOT NULL,
    valid_until TEXT,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE training_programs (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE training_items (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    program_id BIGINT NOT NULL REFERENCES training_programs(id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL
);

-- A student enrolled in a program.
CREATE TABLE enrolments (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    program_id BIGINT NOT NULL REFERENCES training_programs(id),
    student_id BIGINT NOT NULL REFERENCES pilots(id),
    started_at TEXT NOT NULL,
    completed_at TEXT
);

CREATE TABLE signoffs (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    student_id BIGINT NOT NULL REFERENCES pilots(id),
    program_id BIGINT NOT NULL REFERENCES training_programs(id),
    item_id BIGINT NOT NULL REFERENCES training_items(id),
    signed_by TEXT NOT NULL,
    signed_at TEXT NOT NULL
);
CREATE INDEX signoffs_student ON signoffs (org_id, student_id);

CREATE TABLE finance_summaries (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    period TEXT NOT NULL,
    revenue_cents BIGINT NOT NULL,
    costs_cents BIGINT NOT NULL,
    currency TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (org_id, period)
);

CREATE TABLE invoices (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    number TEXT NOT NULL,
    student_id BIGINT REFERENCES pilots(id),
    issued_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    status TEXT NOT NULL,
    currency TEXT NOT NULL,
    total_cents BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (org_id, number)
);

CREATE TABLE invoice_lines (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    invoice_id BIGINT NOT NULL REFERENCES invoices(id),
    description TEXT NOT NULL,
    quantity DOUBLE PRECISION NOT NULL,
    unit_cents BIGINT NOT NULL,
    amount_cents BIGINT NOT NULL
);

-- Maintenance due by date and/or by airframe hours.
CREATE TABLE maintenance_items (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    aircraft_id BIGINT NOT NULL REFERENCES aircraft(id),
    name TEXT NOT NULL,
    due_on TEXT,
    due_hours DOUBLE PRECISION,
    created_at TEXT NOT NULL
);

CREATE TABLE work_orders (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    aircraft_id BIGINT NOT NULL REFERENCES aircraft(id),
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    closed_at TEXT
);

-- Virtual training records: metadata only, never certificate content.
CREATE TABLE vtrs (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    student_id BIGINT NOT NULL REFERENCES pilots(id),
    title TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    file_name TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    content TEXT NOT NULL DEFAULT ''
);

CREATE TABLE planning_sessions (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    instructor_id BIGINT REFERENCES staff_users(id),
    student_id BIGINT REFERENCES pilots(id),
    resource_type TEXT NOT NULL,
    resource_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL
);
