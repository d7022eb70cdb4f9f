-- smartCARS charters: a schedule a pilot made up and booked at once. It is
-- theirs (hidden from searches) and goes when they unbook it unflown.
ALTER TABLE schedules ADD COLUMN charter_pilot_id BIGINT REFERENCES pilots(id);
