-- Integrations' webhook endpoints, a tenant's or a building's. The signing secret is not
-- stored: it is HMAC-SHA256(the server's webhook key, id || '.' || salt), the key being a file
-- next to the database, so a copy of the database alone reveals no secret.
CREATE TABLE webhook_endpoints (
    id          TEXT PRIMARY KEY,
    owner_kind  TEXT NOT NULL,               -- 'tenant' | 'building'
    owner_id    TEXT NOT NULL,
    url         TEXT NOT NULL,
    events      TEXT NOT NULL,               -- JSON array of event names
    description TEXT,
    salt        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    deleted_at  INTEGER
);
CREATE INDEX webhook_endpoints_owner ON webhook_endpoints(owner_kind, owner_id) WHERE deleted_at IS NULL;

-- An event to an endpoint is a notification (kind 'webhook', channel 'webhook') with its
-- endpoint; every attempt at delivering it is kept.
ALTER TABLE notifications ADD COLUMN endpoint_id TEXT REFERENCES webhook_endpoints(id);
CREATE INDEX notifications_endpoint ON notifications(endpoint_id, created_at) WHERE endpoint_id IS NOT NULL;

CREATE TABLE webhook_attempts (
    notification_id TEXT NOT NULL REFERENCES notifications(id),
    at              INTEGER NOT NULL,
    status          INTEGER,
    error           TEXT,
    duration_ms     INTEGER NOT NULL
);
CREATE INDEX webhook_attempts_notification ON webhook_attempts(notification_id, at);
