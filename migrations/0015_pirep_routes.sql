-- The route a phpVMS tracker files for a flight: its navpoints in order.
CREATE TABLE pirep_route_points (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    pirep_id BIGINT NOT NULL REFERENCES pireps(id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    nav_type BIGINT,
    latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL
);
CREATE INDEX pirep_route_points_pirep ON pirep_route_points (pirep_id, position);
