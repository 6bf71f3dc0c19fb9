-- A visit's short check-in code, typed at the lobby kiosk: the same on both invites of a pair.
-- Existing visits get theirs from the next step (random, in Rust); the unique index follows.
ALTER TABLE invites ADD COLUMN short_code TEXT;
