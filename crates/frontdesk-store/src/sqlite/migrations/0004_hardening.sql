-- Sessions end when idle as well as at their absolute end; an admin can disable a user.
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);
CREATE INDEX sessions_last_seen ON sessions(last_seen_at);
ALTER TABLE users ADD COLUMN disabled_at INTEGER;

-- Profiles belong to the organisation of the portal that holds the invite. Before this, both
-- invites of a pair shared the primary side's profile, so one tenant's "profile only" edit reached
-- every other tenant's copy of the same person. Give each invite whose profile belongs to another
-- organisation a profile of its own organisation, copied from the shared one.
CREATE TEMP TABLE profile_split AS
SELECT DISTINCT p.id AS old_id,
       CASE i.portal_kind WHEN 'building' THEN 'building:' || i.building_id
                          ELSE 'tenant:' || i.tenant_id END AS owner
FROM invites i JOIN profiles p ON p.id = i.profile_id
WHERE p.owner <> CASE i.portal_kind WHEN 'building' THEN 'building:' || i.building_id
                                    ELSE 'tenant:' || i.tenant_id END;
ALTER TABLE profile_split ADD COLUMN new_id TEXT;
-- A random UUID (version 4 layout) per split profile.
UPDATE profile_split SET new_id = lower(
    hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
    substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' ||
    hex(randomblob(6)));
INSERT INTO profiles (id, owner, name, email, mobile, company, updated_at)
SELECT s.new_id, s.owner, p.name, p.email, p.mobile, p.company, p.updated_at
FROM profile_split s JOIN profiles p ON p.id = s.old_id;
UPDATE invites SET profile_id = (
    SELECT s.new_id FROM profile_split s
    WHERE s.old_id = invites.profile_id
      AND s.owner = CASE invites.portal_kind WHEN 'building' THEN 'building:' || invites.building_id
                                             ELSE 'tenant:' || invites.tenant_id END)
WHERE EXISTS (
    SELECT 1 FROM profile_split s
    WHERE s.old_id = invites.profile_id
      AND s.owner = CASE invites.portal_kind WHEN 'building' THEN 'building:' || invites.building_id
                                             ELSE 'tenant:' || invites.tenant_id END);
DROP TABLE profile_split;
