-- A kiosk's problem for the receptionist (a desk alert), on both invites of a pair.
ALTER TABLE invites ADD COLUMN attention TEXT;

-- Walk-ins registered at a lobby kiosk, by the id the desk made: a walk-in sent again (a retry,
-- a desk back online) answers the visit it made and writes nothing.
CREATE TABLE walk_ins (
    id            TEXT PRIMARY KEY,
    building_id   TEXT NOT NULL REFERENCES buildings(id),
    invite_id     TEXT NOT NULL REFERENCES invites(id),
    user_id       TEXT NOT NULL,
    sync_blockers TEXT NOT NULL,
    recorded_at   INTEGER NOT NULL
) WITHOUT ROWID;
