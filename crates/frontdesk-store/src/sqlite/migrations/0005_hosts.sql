-- Hosts: each tenant's directory of its people, and each building's own staff.
CREATE TABLE hosts (
    id               TEXT PRIMARY KEY,
    directory_kind   TEXT NOT NULL,           -- 'tenant' | 'building'
    directory_id     TEXT NOT NULL,
    name             TEXT NOT NULL,
    email            TEXT NOT NULL,           -- lower case
    mobile           TEXT,
    delegate_id      TEXT REFERENCES hosts(id),
    lobby_searchable INTEGER NOT NULL,
    active           INTEGER NOT NULL,
    prefs            TEXT NOT NULL,           -- JSON (HostPrefs)
    user_name        TEXT NOT NULL,           -- SCIM userName
    external_id      TEXT,
    search_name      TEXT NOT NULL,           -- the name folded for search
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX hosts_email ON hosts(directory_kind, directory_id, email);
-- SCIM's userName is not case-sensitive (RFC 7643, caseExact false).
CREATE UNIQUE INDEX hosts_user_name ON hosts(directory_kind, directory_id, user_name COLLATE NOCASE);
CREATE INDEX hosts_directory_name ON hosts(directory_kind, directory_id, search_name);

CREATE TABLE host_locations (
    host_id     TEXT NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
    location_id TEXT NOT NULL REFERENCES locations(id),
    PRIMARY KEY (host_id, location_id)
) WITHOUT ROWID;
CREATE INDEX host_locations_location ON host_locations(location_id);

ALTER TABLE invites ADD COLUMN host_id TEXT REFERENCES hosts(id);
CREATE INDEX invites_host ON invites(host_id);

-- What a message is for, the host it tells, and a key that lets a visit's message of one kind
-- to one recipient be written once only, whatever retries a caller makes.
ALTER TABLE notifications ADD COLUMN kind TEXT NOT NULL DEFAULT 'invitation';
ALTER TABLE notifications ADD COLUMN host_id TEXT;
ALTER TABLE notifications ADD COLUMN once_key TEXT;
CREATE UNIQUE INDEX notifications_once ON notifications(once_key) WHERE once_key IS NOT NULL;

-- Telling the host, per visit (the primary invite of a pair): when they were told, and who
-- answered "On my way". Each recipient's link has its own secret, kept only as its hash.
CREATE TABLE host_notices (
    invite_id    TEXT PRIMARY KEY REFERENCES invites(id),
    host_id      TEXT NOT NULL REFERENCES hosts(id),
    notified_at  INTEGER,
    on_my_way_at INTEGER,
    on_my_way_by TEXT
) WITHOUT ROWID;
CREATE TABLE host_links (
    token_hash BLOB PRIMARY KEY,
    invite_id  TEXT NOT NULL REFERENCES invites(id),
    host_id    TEXT NOT NULL REFERENCES hosts(id),
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- SCIM bearer tokens, one tenant each; only a SHA-256 of the secret is kept.
CREATE TABLE scim_tokens (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants(id),
    token_hash   BLOB NOT NULL UNIQUE,
    label        TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX scim_tokens_tenant ON scim_tokens(tenant_id);

-- The language messages to visitors and hosts are written in.
ALTER TABLE buildings ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
