-- Sessions kept their CSRF token as it was sent; now it is derived from the
-- session token and only its hash is kept. Sessions made before cannot be
-- checked that way: they end, and their raw tokens go with them.
DELETE FROM staff_sessions;
DELETE FROM pilot_sessions;
