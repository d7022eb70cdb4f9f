-- The rest of vAMSYS's fleet and airport fields: cargo container units and
-- whether a fleet is kept off the dispatch screen; the airline an airport
-- belongs to (none: the whole organisation's).
ALTER TABLE subfleets ADD COLUMN container_units BIGINT NOT NULL DEFAULT 0;
ALTER TABLE subfleets ADD COLUMN hide_in_phoenix BIGINT NOT NULL DEFAULT 0;
ALTER TABLE airports ADD COLUMN airline_id BIGINT REFERENCES airlines(id);
