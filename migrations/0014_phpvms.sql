-- phpVMS trackers may name each position they send; a position sent again
-- under the same name is stored once.
ALTER TABLE pirep_positions ADD COLUMN client_ref TEXT;
CREATE UNIQUE INDEX pirep_positions_client_ref ON pirep_positions (pirep_id, client_ref);
