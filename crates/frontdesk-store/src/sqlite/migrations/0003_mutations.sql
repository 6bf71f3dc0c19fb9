-- Changes made on a desk (possibly offline), each applied once: a retried or re-sent mutation
-- gets the outcome it got the first time.
CREATE TABLE mutations (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL,
    invite_id   TEXT NOT NULL,
    action      TEXT NOT NULL,
    at          INTEGER NOT NULL,
    outcome     TEXT NOT NULL,
    code        TEXT,
    message     TEXT,
    recorded_at INTEGER NOT NULL
) WITHOUT ROWID;
