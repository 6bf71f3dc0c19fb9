-- Timestamps are UTC microseconds since the Unix epoch; ids are UUIDv7 text.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    building_id   TEXT REFERENCES buildings(id),
    tenant_id     TEXT REFERENCES tenants(id),
    location_id   TEXT REFERENCES locations(id),
    created_at    INTEGER NOT NULL
);

-- Only a SHA-256 of each bearer token is kept: a copy of the database lets nobody sign in.
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE buildings (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    timezone   TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE tenants (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE locations (
    id                         TEXT PRIMARY KEY,
    tenant_id                  TEXT NOT NULL REFERENCES tenants(id),
    building_id                TEXT NOT NULL REFERENCES buildings(id),
    name                       TEXT NOT NULL,
    visitor_management_enabled INTEGER NOT NULL,
    sync_building_invitations  INTEGER NOT NULL,
    sync_visitor_type_id       TEXT,
    card_sync_enabled          INTEGER NOT NULL,
    created_at                 INTEGER NOT NULL
);
CREATE INDEX locations_tenant ON locations(tenant_id);

CREATE TABLE tenant_links (
    building_id TEXT NOT NULL REFERENCES buildings(id),
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    active      INTEGER NOT NULL,
    linked_at   INTEGER NOT NULL,
    changed_at  INTEGER NOT NULL,
    PRIMARY KEY (building_id, tenant_id)
) WITHOUT ROWID;

CREATE TABLE visitor_types (
    id             TEXT PRIMARY KEY,
    portal_kind    TEXT NOT NULL,
    portal_id      TEXT NOT NULL,
    name           TEXT NOT NULL,
    requires_photo INTEGER NOT NULL,
    requires_nda   INTEGER NOT NULL,
    nda_text       TEXT,
    questions      TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX visitor_types_portal ON visitor_types(portal_kind, portal_id);

CREATE TABLE profiles (
    id         TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    name       TEXT NOT NULL,
    email      TEXT,
    mobile     TEXT,
    company    TEXT,
    updated_at INTEGER NOT NULL
);
CREATE INDEX profiles_owner_email ON profiles(owner, email);

CREATE TABLE invites (
    id               TEXT PRIMARY KEY,
    portal_kind      TEXT NOT NULL,
    portal_id        TEXT NOT NULL,
    building_id      TEXT NOT NULL,
    location_id      TEXT NOT NULL,
    tenant_id        TEXT NOT NULL,
    origin           TEXT NOT NULL,
    is_primary       INTEGER NOT NULL,
    linked_invite_id TEXT REFERENCES invites(id) DEFERRABLE INITIALLY DEFERRED,
    status           TEXT NOT NULL,
    visitor_name     TEXT NOT NULL,
    visitor_email    TEXT,
    visitor_mobile   TEXT,
    visitor_company  TEXT,
    profile_id       TEXT NOT NULL REFERENCES profiles(id),
    host_name        TEXT NOT NULL,
    visitor_type_id  TEXT,
    valid_from       INTEGER NOT NULL,
    valid_to         INTEGER NOT NULL,
    checked_in_at    INTEGER,
    arrived_at       INTEGER,
    checked_out_at   INTEGER,
    cancelled_at     INTEGER,
    cancel_reason    TEXT,
    created_at       INTEGER NOT NULL,
    created_by       TEXT NOT NULL
);
-- The visitor logs read one portal's invites newest first.
CREATE INDEX invites_portal_time ON invites(portal_kind, portal_id, valid_from DESC);
CREATE INDEX invites_tenant_time ON invites(tenant_id, valid_from);
-- Foreign keys need their child columns indexed: without this, inserting the second invite of
-- a pair (which settles the deferred link of the first) scans every invite.
CREATE INDEX invites_linked ON invites(linked_invite_id);

CREATE TABLE cards (
    id          TEXT PRIMARY KEY,
    invite_id   TEXT NOT NULL REFERENCES invites(id),
    building_id TEXT NOT NULL,
    number      TEXT NOT NULL,
    format      TEXT NOT NULL,
    status      TEXT NOT NULL,
    valid_from  INTEGER NOT NULL,
    valid_to    INTEGER NOT NULL,
    assigned_at INTEGER NOT NULL,
    ended_at    INTEGER,
    synced      INTEGER NOT NULL
);
CREATE INDEX cards_active ON cards(building_id, format, number) WHERE status = 'active';
CREATE INDEX cards_invite ON cards(invite_id);
-- At most one active card per invite, enforced by the database as well as by the rules.
CREATE UNIQUE INDEX cards_one_active ON cards(invite_id) WHERE status = 'active';

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    invite_id   TEXT NOT NULL REFERENCES invites(id),
    at          INTEGER NOT NULL,
    actor_id    TEXT,
    actor_email TEXT,
    action      TEXT NOT NULL,
    portal_kind TEXT NOT NULL,
    portal_id   TEXT NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX events_invite ON events(invite_id, id);
CREATE INDEX events_at ON events(at);

CREATE TABLE notifications (
    id          TEXT PRIMARY KEY,
    invite_id   TEXT NOT NULL REFERENCES invites(id),
    portal_kind TEXT NOT NULL,
    portal_id   TEXT NOT NULL,
    channel     TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    state       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER,
    attempts    INTEGER NOT NULL,
    last_error  TEXT
);
CREATE INDEX notifications_portal ON notifications(portal_kind, portal_id, created_at);
CREATE INDEX notifications_invite ON notifications(invite_id);

-- The ordered change feed the desks sync from; AUTOINCREMENT so a sequence is never reused.
CREATE TABLE changes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    portal_kind TEXT NOT NULL,
    portal_id   TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    data        TEXT NOT NULL
);
CREATE INDEX changes_portal ON changes(portal_kind, portal_id, seq);
