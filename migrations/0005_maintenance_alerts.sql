-- The status a maintenance item last alerted on (ok, upcoming, overdue), so
-- `maintenance.alert` fires once when an item gets worse, not on every check.
ALTER TABLE maintenance_items ADD COLUMN last_status TEXT NOT NULL DEFAULT 'ok';
