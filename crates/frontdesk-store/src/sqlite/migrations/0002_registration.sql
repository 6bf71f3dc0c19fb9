-- Pre-registration: delivery of the outbox, registration links, and what the visitor gave.

-- When a queued message is next tried, and its registration link: kept only until the message
-- has gone out (the link is a secret; the database keeps only its hash in registrations).
ALTER TABLE notifications ADD COLUMN next_attempt_at INTEGER;
ALTER TABLE notifications ADD COLUMN link_token TEXT;
CREATE INDEX notifications_due ON notifications(state, next_attempt_at);

CREATE TABLE registrations (
    token_hash BLOB PRIMARY KEY,
    invite_id  TEXT NOT NULL REFERENCES invites(id),
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    used_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX registrations_invite ON registrations(invite_id);

-- Each side keeps the answers to its own questions.
CREATE TABLE answers (
    invite_id   TEXT NOT NULL REFERENCES invites(id),
    key         TEXT NOT NULL,
    label       TEXT NOT NULL,
    value       TEXT NOT NULL,
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (invite_id, key)
) WITHOUT ROWID;

-- One photo per visit, kept under the primary invite of the pair.
CREATE TABLE photos (
    invite_id    TEXT PRIMARY KEY REFERENCES invites(id),
    content_type TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    taken_at     INTEGER NOT NULL
);

-- What was accepted, exactly as shown, with the typed signature.
CREATE TABLE nda_acceptances (
    invite_id   TEXT NOT NULL REFERENCES invites(id),
    text        TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    signature   TEXT NOT NULL,
    accepted_at INTEGER NOT NULL,
    PRIMARY KEY (invite_id)
) WITHOUT ROWID;
