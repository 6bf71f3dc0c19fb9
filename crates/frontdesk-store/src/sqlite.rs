//! The SQLite backend: one writer connection (SQLite serialises writers anyway, and a single
//! connection avoids busy retries), a small pool of readers that WAL lets run beside it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use frontdesk_core::{
    Card, CardStatus, Invite, InviteStatus, LocationSettings, Origin, Portal, PortalKind, Role,
    Timestamp, Visitor, VisitorType,
};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Row};

use crate::{
    Building, Event, Location, MutationOutcome, NdaAcceptance, Notification, Profile, Registration,
    Result, SessionRecord, StoreError, StoredAnswer, Tenant, Tx, UserRecord,
};
use frontdesk_core::flow::GivenAnswer;

/// Each entry moves the schema one version forward; the index + 1 is `PRAGMA user_version`.
pub(crate) const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_registration.sql"),
    include_str!("migrations/0003_mutations.sql"),
    include_str!("migrations/0004_hardening.sql"),
];

pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

impl SqliteStore {
    /// Open (creating if needed) the database at `path` and bring its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Backend(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        let mut conn = Connection::open(&path)?;
        configure(&conn)?;
        migrate(&mut conn)?;
        Ok(Self {
            path,
            writer: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Run `f` in one write transaction: committed when it returns `Ok`, rolled back otherwise.
    pub fn write<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        let mut conn = self
            .writer
            .lock()
            .map_err(|_| StoreError::Backend("writer lock poisoned".into()))?;
        let txn = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut tx = SqlTx { conn: &txn };
        let out = f(&mut tx)?;
        txn.commit()?;
        Ok(out)
    }

    /// Run `f` on a consistent snapshot (a read transaction on a pooled reader).
    pub fn read<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        self.with_reader(|conn| {
            let txn = conn.unchecked_transaction()?;
            let mut tx = SqlTx { conn: &txn };
            let out = f(&mut tx)?;
            txn.finish()?;
            Ok(out)
        })
    }

    /// One statement in its own write transaction (outbox bookkeeping).
    pub(crate) fn exec_write(&self, sql: &str, p: impl rusqlite::Params) -> Result<()> {
        let conn = self
            .writer
            .lock()
            .map_err(|_| StoreError::Backend("writer lock poisoned".into()))?;
        conn.prepare_cached(sql)?.execute(p)?;
        Ok(())
    }

    /// Lend a read-only connection to `f`, returning it to the pool afterwards.
    pub(crate) fn with_reader<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let pooled = self.readers.lock().ok().and_then(|mut p| p.pop());
        let conn = match pooled {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    &self.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                configure(&c)?;
                c
            }
        };
        let out = f(&conn);
        if let Ok(mut p) = self.readers.lock() {
            // Keep a few for reuse; under a burst extra readers are opened and dropped.
            if p.len() < 8 {
                p.push(conn);
            }
        }
        out
    }
}

fn configure(conn: &Connection) -> Result<()> {
    // WAL lets readers run beside the writer; NORMAL keeps every commit safe from a killed
    // process (the WAL is written before commit returns) and syncs at checkpoints.
    conn.pragma_update(None, "journal_mode", "WAL").ok();
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        let txn = conn.transaction()?;
        txn.execute_batch(sql)?;
        txn.pragma_update(None, "user_version", (i + 1) as i64)?;
        txn.commit()?;
    }
    Ok(())
}

pub(crate) fn micros(t: Timestamp) -> i64 {
    t.timestamp_micros()
}

pub(crate) fn ts(m: i64) -> Timestamp {
    DateTime::<Utc>::from_timestamp_micros(m).unwrap_or_default()
}

fn ts_opt(m: Option<i64>) -> Option<Timestamp> {
    m.map(ts)
}

fn bad(what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("unknown {what} {value:?}").into(),
    )
}

fn portal_from(kind: &str, id: String) -> rusqlite::Result<Portal> {
    let kind = PortalKind::parse(kind).ok_or_else(|| bad("portal kind", kind))?;
    Ok(Portal { kind, id })
}

pub(crate) const INVITE_COLS: &str = "id, portal_kind, portal_id, building_id, location_id, tenant_id, origin, \
     is_primary, linked_invite_id, status, visitor_name, visitor_email, visitor_mobile, \
     visitor_company, profile_id, host_name, visitor_type_id, valid_from, valid_to, \
     checked_in_at, arrived_at, checked_out_at, cancelled_at, cancel_reason, created_at, created_by";

pub(crate) fn invite_from_row(r: &Row<'_>) -> rusqlite::Result<Invite> {
    let origin: String = r.get(6)?;
    let status: String = r.get(9)?;
    Ok(Invite {
        id: r.get(0)?,
        portal: portal_from(&r.get::<_, String>(1)?, r.get(2)?)?,
        building_id: r.get(3)?,
        location_id: r.get(4)?,
        tenant_id: r.get(5)?,
        origin: Origin::parse(&origin).ok_or_else(|| bad("origin", &origin))?,
        primary: r.get(7)?,
        linked_invite_id: r.get(8)?,
        status: InviteStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
        visitor: Visitor {
            name: r.get(10)?,
            email: r.get(11)?,
            mobile: r.get(12)?,
            company: r.get(13)?,
        },
        profile_id: r.get(14)?,
        host_name: r.get(15)?,
        visitor_type_id: r.get(16)?,
        valid_from: ts(r.get(17)?),
        valid_to: ts(r.get(18)?),
        checked_in_at: ts_opt(r.get(19)?),
        arrived_at: ts_opt(r.get(20)?),
        checked_out_at: ts_opt(r.get(21)?),
        cancelled_at: ts_opt(r.get(22)?),
        cancel_reason: r.get(23)?,
        created_at: ts(r.get(24)?),
        created_by: r.get(25)?,
    })
}

const USER_COLS: &str =
    "id, email, password_hash, role, building_id, tenant_id, location_id, created_at, disabled_at";

fn user_from_row(r: &Row<'_>) -> rusqlite::Result<UserRecord> {
    let role: String = r.get(3)?;
    Ok(UserRecord {
        id: r.get(0)?,
        email: r.get(1)?,
        password_hash: r.get(2)?,
        role: Role::parse(&role).ok_or_else(|| bad("role", &role))?,
        building_id: r.get(4)?,
        tenant_id: r.get(5)?,
        location_id: r.get(6)?,
        created_at: ts(r.get(7)?),
        disabled_at: ts_opt(r.get(8)?),
    })
}

const LOCATION_COLS: &str = "id, tenant_id, building_id, name, visitor_management_enabled, \
     sync_building_invitations, sync_visitor_type_id, card_sync_enabled, created_at";

fn location_from_row(r: &Row<'_>) -> rusqlite::Result<Location> {
    Ok(Location {
        id: r.get(0)?,
        tenant_id: r.get(1)?,
        building_id: r.get(2)?,
        name: r.get(3)?,
        settings: LocationSettings {
            visitor_management_enabled: r.get(4)?,
            sync_building_invitations: r.get(5)?,
            sync_visitor_type_id: r.get(6)?,
            card_sync_enabled: r.get(7)?,
        },
        created_at: ts(r.get(8)?),
    })
}

const VT_COLS: &str =
    "id, portal_kind, portal_id, name, requires_photo, requires_nda, nda_text, questions";

fn visitor_type_from_row(r: &Row<'_>) -> rusqlite::Result<VisitorType> {
    let questions: String = r.get(7)?;
    Ok(VisitorType {
        id: r.get(0)?,
        portal: portal_from(&r.get::<_, String>(1)?, r.get(2)?)?,
        name: r.get(3)?,
        requires_photo: r.get(4)?,
        requires_nda: r.get(5)?,
        nda_text: r.get(6)?,
        questions: serde_json::from_str(&questions).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Text, e.into())
        })?,
    })
}

const CARD_COLS: &str =
    "id, invite_id, building_id, number, format, status, valid_from, valid_to, \
     assigned_at, ended_at, synced";

fn card_from_row(r: &Row<'_>) -> rusqlite::Result<Card> {
    let status: String = r.get(5)?;
    Ok(Card {
        id: r.get(0)?,
        invite_id: r.get(1)?,
        building_id: r.get(2)?,
        number: r.get(3)?,
        format: r.get(4)?,
        status: CardStatus::parse(&status).ok_or_else(|| bad("card status", &status))?,
        valid_from: ts(r.get(6)?),
        valid_to: ts(r.get(7)?),
        assigned_at: ts(r.get(8)?),
        ended_at: ts_opt(r.get(9)?),
        synced: r.get(10)?,
    })
}

fn profile_from_row(r: &Row<'_>) -> rusqlite::Result<Profile> {
    Ok(Profile {
        id: r.get(0)?,
        owner: r.get(1)?,
        name: r.get(2)?,
        email: r.get(3)?,
        mobile: r.get(4)?,
        company: r.get(5)?,
        updated_at: ts(r.get(6)?),
    })
}

pub(crate) fn notification_from_row(r: &Row<'_>) -> rusqlite::Result<Notification> {
    Ok(Notification {
        id: r.get(0)?,
        invite_id: r.get(1)?,
        portal: portal_from(&r.get::<_, String>(2)?, r.get(3)?)?,
        channel: r.get(4)?,
        recipient: r.get(5)?,
        subject: r.get(6)?,
        body: r.get(7)?,
        state: r.get(8)?,
        created_at: ts(r.get(9)?),
        sent_at: ts_opt(r.get(10)?),
        attempts: r.get(11)?,
        last_error: r.get(12)?,
        next_attempt_at: ts_opt(r.get(13)?),
        link_token: r.get(14)?,
    })
}

pub(crate) const NOTIFICATION_COLS: &str =
    "id, invite_id, portal_kind, portal_id, channel, recipient, subject, body, state, \
     created_at, sent_at, attempts, last_error, next_attempt_at, link_token";

/// A `Tx` over one open SQLite transaction.
pub(crate) struct SqlTx<'c> {
    pub(crate) conn: &'c Connection,
}

impl SqlTx<'_> {
    fn one<T>(
        &self,
        sql: &str,
        p: impl rusqlite::Params,
        f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        Ok(self.conn.prepare_cached(sql)?.query_row(p, f).optional()?)
    }

    fn exec(&self, sql: &str, p: impl rusqlite::Params) -> Result<usize> {
        Ok(self.conn.prepare_cached(sql)?.execute(p)?)
    }

    /// The locations whose `column` (a fixed column name, never input) is `id`, by name.
    fn locations_where(&self, column: &str, id: &str) -> Result<Vec<Location>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {LOCATION_COLS} FROM locations WHERE {column} = ?1 ORDER BY name"
        ))?;
        let rows = st.query_map([id], location_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Tx for SqlTx<'_> {
    fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>> {
        self.one(
            &format!("SELECT {USER_COLS} FROM users WHERE email = ?1 COLLATE NOCASE"),
            [email],
            user_from_row,
        )
    }

    fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRecord>> {
        self.one(
            &format!(
                "SELECT {}, s.created_at, s.last_seen_at, s.expires_at \
                 FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1",
                USER_COLS
                    .split(", ")
                    .map(|c| format!("u.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            [token_hash],
            |r| {
                Ok(SessionRecord {
                    user: user_from_row(r)?,
                    created_at: ts(r.get(9)?),
                    last_seen_at: ts(r.get(10)?),
                    expires_at: ts(r.get(11)?),
                })
            },
        )
    }

    fn touch_session(&mut self, token_hash: &[u8], now: Timestamp) -> Result<()> {
        self.exec(
            "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1",
            params![token_hash, micros(now)],
        )?;
        Ok(())
    }

    fn delete_sessions_of(&mut self, user_id: &str, keep: Option<&[u8]>) -> Result<usize> {
        Ok(self.conn.execute(
            "DELETE FROM sessions WHERE user_id = ?1 AND token_hash IS NOT ?2",
            params![user_id, keep],
        )?)
    }

    fn purge_sessions(&mut self, now: Timestamp, idle_since: Timestamp) -> Result<usize> {
        Ok(self.conn.execute(
            "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?2",
            params![micros(now), micros(idle_since)],
        )?)
    }

    fn user(&self, id: &str) -> Result<Option<UserRecord>> {
        self.one(
            &format!("SELECT {USER_COLS} FROM users WHERE id = ?1"),
            [id],
            user_from_row,
        )
    }

    fn set_user_disabled(&mut self, id: &str, at: Option<Timestamp>) -> Result<()> {
        self.exec(
            "UPDATE users SET disabled_at = ?2 WHERE id = ?1",
            params![id, at.map(micros)],
        )?;
        Ok(())
    }

    fn insert_user(&mut self, u: &UserRecord) -> Result<()> {
        self.exec(
            &format!("INSERT INTO users ({USER_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
            params![
                u.id,
                u.email,
                u.password_hash,
                u.role.as_str(),
                u.building_id,
                u.tenant_id,
                u.location_id,
                micros(u.created_at),
                u.disabled_at.map(micros)
            ],
        )?;
        Ok(())
    }

    fn set_password_hash(&mut self, user_id: &str, hash: &str, keep: Option<&[u8]>) -> Result<()> {
        self.exec(
            "UPDATE users SET password_hash = ?2 WHERE id = ?1",
            params![user_id, hash],
        )?;
        // A new password ends every session made with the old one (but the one changing it).
        self.delete_sessions_of(user_id, keep)?;
        Ok(())
    }

    fn insert_session(
        &mut self,
        token_hash: &[u8],
        user_id: &str,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) \
             VALUES (?1, ?2, ?3, ?3, ?4)",
            params![token_hash, user_id, micros(now), micros(expires)],
        )?;
        Ok(())
    }

    fn delete_session(&mut self, token_hash: &[u8]) -> Result<()> {
        self.exec("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
        Ok(())
    }

    fn building(&self, id: &str) -> Result<Option<Building>> {
        self.one(
            "SELECT id, name, timezone, created_at FROM buildings WHERE id = ?1",
            [id],
            |r| {
                Ok(Building {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    timezone: r.get(2)?,
                    created_at: ts(r.get(3)?),
                })
            },
        )
    }

    fn building_by_name(&self, name: &str) -> Result<Option<Building>> {
        let id = self.one("SELECT id FROM buildings WHERE name = ?1", [name], |r| {
            r.get::<_, String>(0)
        })?;
        match id {
            Some(id) => self.building(&id),
            None => Ok(None),
        }
    }

    fn insert_building(&mut self, b: &Building) -> Result<()> {
        self.exec(
            "INSERT INTO buildings (id, name, timezone, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![b.id, b.name, b.timezone, micros(b.created_at)],
        )?;
        Ok(())
    }

    fn tenant(&self, id: &str) -> Result<Option<Tenant>> {
        self.one(
            "SELECT id, name, created_at FROM tenants WHERE id = ?1",
            [id],
            |r| {
                Ok(Tenant {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    created_at: ts(r.get(2)?),
                })
            },
        )
    }

    fn insert_tenant(&mut self, t: &Tenant) -> Result<()> {
        self.exec(
            "INSERT INTO tenants (id, name, created_at) VALUES (?1, ?2, ?3)",
            params![t.id, t.name, micros(t.created_at)],
        )?;
        Ok(())
    }

    fn location(&self, id: &str) -> Result<Option<Location>> {
        self.one(
            &format!("SELECT {LOCATION_COLS} FROM locations WHERE id = ?1"),
            [id],
            location_from_row,
        )
    }

    fn locations_of_tenant(&self, tenant_id: &str) -> Result<Vec<Location>> {
        self.locations_where("tenant_id", tenant_id)
    }

    fn locations_in_building(&self, building_id: &str) -> Result<Vec<Location>> {
        self.locations_where("building_id", building_id)
    }

    fn insert_location(&mut self, l: &Location) -> Result<()> {
        let s = &l.settings;
        self.exec(
            &format!("INSERT INTO locations ({LOCATION_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
            params![
                l.id,
                l.tenant_id,
                l.building_id,
                l.name,
                s.visitor_management_enabled,
                s.sync_building_invitations,
                s.sync_visitor_type_id,
                s.card_sync_enabled,
                micros(l.created_at)
            ],
        )?;
        Ok(())
    }

    fn save_location_settings(&mut self, id: &str, s: &LocationSettings) -> Result<()> {
        self.exec(
            "UPDATE locations SET visitor_management_enabled = ?2, sync_building_invitations = ?3, \
             sync_visitor_type_id = ?4, card_sync_enabled = ?5 WHERE id = ?1",
            params![
                id,
                s.visitor_management_enabled,
                s.sync_building_invitations,
                s.sync_visitor_type_id,
                s.card_sync_enabled
            ],
        )?;
        Ok(())
    }

    fn tenant_link_active(&self, building_id: &str, tenant_id: &str) -> Result<bool> {
        Ok(self
            .one(
                "SELECT active FROM tenant_links WHERE building_id = ?1 AND tenant_id = ?2",
                [building_id, tenant_id],
                |r| r.get::<_, bool>(0),
            )?
            .unwrap_or(false))
    }

    fn tenant_links(&self, building_id: &str) -> Result<Vec<(String, bool)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT tenant_id, active FROM tenant_links WHERE building_id = ?1 ORDER BY linked_at",
        )?;
        let rows = st.query_map([building_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn set_tenant_link(
        &mut self,
        building_id: &str,
        tenant_id: &str,
        active: bool,
        now: Timestamp,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO tenant_links (building_id, tenant_id, active, linked_at, changed_at) \
             VALUES (?1, ?2, ?3, ?4, ?4) \
             ON CONFLICT (building_id, tenant_id) DO UPDATE SET active = ?3, changed_at = ?4",
            params![building_id, tenant_id, active, micros(now)],
        )?;
        Ok(())
    }

    fn visitor_type(&self, id: &str) -> Result<Option<VisitorType>> {
        self.one(
            &format!("SELECT {VT_COLS} FROM visitor_types WHERE id = ?1"),
            [id],
            visitor_type_from_row,
        )
    }

    fn visitor_types(&self, portal: &Portal) -> Result<Vec<VisitorType>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {VT_COLS} FROM visitor_types WHERE portal_kind = ?1 AND portal_id = ?2 ORDER BY name"
        ))?;
        let rows = st.query_map(
            [portal.kind.as_str(), portal.id.as_str()],
            visitor_type_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn insert_visitor_type(&mut self, v: &VisitorType, now: Timestamp) -> Result<()> {
        self.exec(
            &format!("INSERT INTO visitor_types ({VT_COLS}, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
            params![
                v.id,
                v.portal.kind.as_str(),
                v.portal.id,
                v.name,
                v.requires_photo,
                v.requires_nda,
                v.nda_text,
                serde_json::to_string(&v.questions)?,
                micros(now)
            ],
        )?;
        Ok(())
    }

    fn invite(&self, id: &str) -> Result<Option<Invite>> {
        self.one(
            &format!("SELECT {INVITE_COLS} FROM invites WHERE id = ?1"),
            [id],
            invite_from_row,
        )
    }

    fn insert_invite(&mut self, i: &Invite) -> Result<()> {
        self.exec(
            &format!(
                "INSERT INTO invites ({INVITE_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, \
                 ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)"
            ),
            params![
                i.id,
                i.portal.kind.as_str(),
                i.portal.id,
                i.building_id,
                i.location_id,
                i.tenant_id,
                i.origin.as_str(),
                i.primary,
                i.linked_invite_id,
                i.status.as_str(),
                i.visitor.name,
                i.visitor.email,
                i.visitor.mobile,
                i.visitor.company,
                i.profile_id,
                i.host_name,
                i.visitor_type_id,
                micros(i.valid_from),
                micros(i.valid_to),
                i.checked_in_at.map(micros),
                i.arrived_at.map(micros),
                i.checked_out_at.map(micros),
                i.cancelled_at.map(micros),
                i.cancel_reason,
                micros(i.created_at),
                i.created_by
            ],
        )?;
        Ok(())
    }

    fn update_invite(&mut self, i: &Invite) -> Result<()> {
        // Only what can change after creation; portal, origin and primacy are fixed for life.
        self.exec(
            "UPDATE invites SET linked_invite_id = ?2, status = ?3, visitor_name = ?4, \
             visitor_email = ?5, visitor_mobile = ?6, visitor_company = ?7, profile_id = ?8, \
             host_name = ?9, valid_from = ?10, valid_to = ?11, checked_in_at = ?12, arrived_at = ?13, \
             checked_out_at = ?14, cancelled_at = ?15, cancel_reason = ?16 WHERE id = ?1",
            params![
                i.id,
                i.linked_invite_id,
                i.status.as_str(),
                i.visitor.name,
                i.visitor.email,
                i.visitor.mobile,
                i.visitor.company,
                i.profile_id,
                i.host_name,
                micros(i.valid_from),
                micros(i.valid_to),
                i.checked_in_at.map(micros),
                i.arrived_at.map(micros),
                i.checked_out_at.map(micros),
                i.cancelled_at.map(micros),
                i.cancel_reason
            ],
        )?;
        Ok(())
    }

    fn profile(&self, id: &str) -> Result<Option<Profile>> {
        self.one(
            "SELECT id, owner, name, email, mobile, company, updated_at FROM profiles WHERE id = ?1",
            [id],
            profile_from_row,
        )
    }

    fn profile_by_email(&self, owner: &str, email: &str) -> Result<Option<Profile>> {
        self.one(
            "SELECT id, owner, name, email, mobile, company, updated_at FROM profiles \
             WHERE owner = ?1 AND email = ?2",
            [owner, email],
            profile_from_row,
        )
    }

    fn save_profile(&mut self, p: &Profile) -> Result<()> {
        self.exec(
            "INSERT INTO profiles (id, owner, name, email, mobile, company, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE SET \
             name = ?3, email = ?4, mobile = ?5, company = ?6, updated_at = ?7",
            params![
                p.id,
                p.owner,
                p.name,
                p.email,
                p.mobile,
                p.company,
                micros(p.updated_at)
            ],
        )?;
        Ok(())
    }

    fn active_card(&self, invite_id: &str) -> Result<Option<Card>> {
        self.one(
            &format!("SELECT {CARD_COLS} FROM cards WHERE invite_id = ?1 AND status = 'active'"),
            [invite_id],
            card_from_row,
        )
    }

    fn active_card_holders(
        &self,
        building_id: &str,
        number: &str,
        format: &str,
    ) -> Result<Vec<String>> {
        let mut st = self.conn.prepare_cached(
            "SELECT invite_id FROM cards WHERE building_id = ?1 AND format = ?2 AND number = ?3 \
             AND status = 'active'",
        )?;
        let rows = st.query_map([building_id, format, number], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn insert_card(&mut self, c: &Card) -> Result<()> {
        self.exec(
            &format!("INSERT INTO cards ({CARD_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
            params![
                c.id,
                c.invite_id,
                c.building_id,
                c.number,
                c.format,
                c.status.as_str(),
                micros(c.valid_from),
                micros(c.valid_to),
                micros(c.assigned_at),
                c.ended_at.map(micros),
                c.synced
            ],
        )?;
        Ok(())
    }

    fn update_card(&mut self, c: &Card) -> Result<()> {
        self.exec(
            "UPDATE cards SET status = ?2, valid_from = ?3, valid_to = ?4, ended_at = ?5 WHERE id = ?1",
            params![
                c.id,
                c.status.as_str(),
                micros(c.valid_from),
                micros(c.valid_to),
                c.ended_at.map(micros)
            ],
        )?;
        Ok(())
    }

    fn insert_event(&mut self, e: &Event) -> Result<()> {
        self.exec(
            "INSERT INTO events (invite_id, at, actor_id, actor_email, action, portal_kind, portal_id, detail) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                e.invite_id,
                micros(e.at),
                e.actor_id,
                e.actor_email,
                e.action,
                e.portal.kind.as_str(),
                e.portal.id,
                e.detail.to_string()
            ],
        )?;
        Ok(())
    }

    fn events(&self, invite_id: &str) -> Result<Vec<Event>> {
        let mut st = self.conn.prepare_cached(
            "SELECT invite_id, at, actor_id, actor_email, action, portal_kind, portal_id, detail \
             FROM events WHERE invite_id = ?1 ORDER BY id",
        )?;
        let rows = st.query_map([invite_id], |r| {
            let detail: String = r.get(7)?;
            Ok(Event {
                invite_id: r.get(0)?,
                at: ts(r.get(1)?),
                actor_id: r.get(2)?,
                actor_email: r.get(3)?,
                action: r.get(4)?,
                portal: portal_from(&r.get::<_, String>(5)?, r.get(6)?)?,
                detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn insert_notification(&mut self, n: &Notification) -> Result<()> {
        self.exec(
            &format!(
                "INSERT INTO notifications ({NOTIFICATION_COLS}) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
            ),
            params![
                n.id,
                n.invite_id,
                n.portal.kind.as_str(),
                n.portal.id,
                n.channel,
                n.recipient,
                n.subject,
                n.body,
                n.state,
                micros(n.created_at),
                n.sent_at.map(micros),
                n.attempts,
                n.last_error,
                n.next_attempt_at.map(micros),
                n.link_token
            ],
        )?;
        Ok(())
    }

    fn mutation(&self, id: &str) -> Result<Option<MutationOutcome>> {
        self.one(
            "SELECT id, invite_id, outcome, code, message FROM mutations WHERE id = ?1",
            [id],
            |r| {
                Ok(MutationOutcome {
                    id: r.get(0)?,
                    invite_id: r.get(1)?,
                    outcome: r.get(2)?,
                    code: r.get(3)?,
                    message: r.get(4)?,
                })
            },
        )
    }

    fn record_mutation(
        &mut self,
        m: &MutationOutcome,
        user_id: &str,
        action: &str,
        at: Timestamp,
        now: Timestamp,
    ) -> Result<()> {
        self.exec(
            "INSERT OR IGNORE INTO mutations (id, user_id, invite_id, action, at, outcome, code, message, recorded_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![m.id, user_id, m.invite_id, action, micros(at), m.outcome, m.code, m.message, micros(now)],
        )?;
        Ok(())
    }

    fn supersede_unsent(&mut self, invite_id: &str) -> Result<()> {
        self.exec(
            "UPDATE notifications SET state = 'superseded', link_token = NULL, next_attempt_at = NULL \
             WHERE invite_id = ?1 AND state IN ('queued', 'held')",
            [invite_id],
        )?;
        Ok(())
    }

    fn insert_registration(
        &mut self,
        token_hash: &[u8],
        invite_id: &str,
        now: Timestamp,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO registrations (token_hash, invite_id, created_at) VALUES (?1, ?2, ?3)",
            params![token_hash, invite_id, micros(now)],
        )?;
        Ok(())
    }

    fn registration(&self, token_hash: &[u8]) -> Result<Option<Registration>> {
        self.one(
            "SELECT invite_id, created_at, revoked_at, used_at FROM registrations WHERE token_hash = ?1",
            [token_hash],
            |r| {
                Ok(Registration {
                    invite_id: r.get(0)?,
                    created_at: ts(r.get(1)?),
                    revoked_at: ts_opt(r.get(2)?),
                    used_at: ts_opt(r.get(3)?),
                })
            },
        )
    }

    fn revoke_registrations(&mut self, invite_id: &str, now: Timestamp) -> Result<()> {
        self.exec(
            "UPDATE registrations SET revoked_at = ?2 WHERE invite_id = ?1 AND revoked_at IS NULL",
            params![invite_id, micros(now)],
        )?;
        Ok(())
    }

    fn use_registration(&mut self, token_hash: &[u8], now: Timestamp) -> Result<()> {
        self.exec(
            "UPDATE registrations SET used_at = ?2 WHERE token_hash = ?1",
            params![token_hash, micros(now)],
        )?;
        Ok(())
    }

    fn save_answer(&mut self, invite_id: &str, a: &GivenAnswer, now: Timestamp) -> Result<()> {
        self.exec(
            "INSERT OR REPLACE INTO answers (invite_id, key, label, value, answered_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![invite_id, a.key, a.label, a.value, micros(now)],
        )?;
        Ok(())
    }

    fn answers(&self, invite_id: &str) -> Result<Vec<StoredAnswer>> {
        let mut st = self.conn.prepare_cached(
            "SELECT key, label, value, answered_at FROM answers WHERE invite_id = ?1 ORDER BY key",
        )?;
        let rows = st.query_map([invite_id], |r| {
            Ok(StoredAnswer {
                key: r.get(0)?,
                label: r.get(1)?,
                value: r.get(2)?,
                answered_at: ts(r.get(3)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn save_photo(
        &mut self,
        invite_id: &str,
        content_type: &str,
        bytes: &[u8],
        now: Timestamp,
    ) -> Result<()> {
        self.exec(
            "INSERT OR REPLACE INTO photos (invite_id, content_type, bytes, taken_at) VALUES (?1, ?2, ?3, ?4)",
            params![invite_id, content_type, bytes, micros(now)],
        )?;
        Ok(())
    }

    fn photo(&self, invite_id: &str) -> Result<Option<(String, Vec<u8>)>> {
        self.one(
            "SELECT content_type, bytes FROM photos WHERE invite_id = ?1",
            [invite_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    fn save_nda(&mut self, invite_id: &str, nda: &NdaAcceptance) -> Result<()> {
        self.exec(
            "INSERT OR REPLACE INTO nda_acceptances (invite_id, text, text_sha256, signature, accepted_at) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![invite_id, nda.text, nda.text_sha256, nda.signature, micros(nda.accepted_at)],
        )?;
        Ok(())
    }

    fn nda(&self, invite_id: &str) -> Result<Option<NdaAcceptance>> {
        self.one(
            "SELECT text, text_sha256, signature, accepted_at FROM nda_acceptances WHERE invite_id = ?1",
            [invite_id],
            |r| {
                Ok(NdaAcceptance {
                    text: r.get(0)?,
                    text_sha256: r.get(1)?,
                    signature: r.get(2)?,
                    accepted_at: ts(r.get(3)?),
                })
            },
        )
    }

    fn append_change(
        &mut self,
        portal: &Portal,
        entity: &str,
        entity_id: &str,
        data: &serde_json::Value,
        at: Timestamp,
    ) -> Result<i64> {
        self.exec(
            "INSERT INTO changes (at, portal_kind, portal_id, entity, entity_id, data) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                micros(at),
                portal.kind.as_str(),
                portal.id,
                entity,
                entity_id,
                data.to_string()
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }
}

#[cfg(test)]
mod migration_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A database written before profiles were kept per organisation: both invites of a pair
    /// point at the building's profile. After migrating, each invite has its own organisation's
    /// copy of the person, and nothing is lost.
    #[test]
    fn shared_profiles_of_old_pairs_are_split_per_organisation() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        for (i, sql) in MIGRATIONS[..3].iter().enumerate() {
            conn.execute_batch(sql).unwrap();
            conn.pragma_update(None, "user_version", (i + 1) as i64)
                .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO buildings VALUES ('b1', 'Harbour Tower', 'Europe/London', 0);
             INSERT INTO tenants VALUES ('t1', 'Acme', 0);
             INSERT INTO locations VALUES ('l1', 't1', 'b1', 'Acme HQ', 1, 1, NULL, 1, 0);
             INSERT INTO profiles VALUES ('p1', 'building:b1', 'Zoë Ødegård-李', 'zoe@example.no', '+47 400 00 000', 'Ørsted', 5);
             INSERT INTO invites (id, portal_kind, portal_id, building_id, location_id, tenant_id, origin,
                 is_primary, linked_invite_id, status, visitor_name, profile_id, host_name,
                 valid_from, valid_to, created_at, created_by)
             VALUES ('i1', 'building', 'b1', 'b1', 'l1', 't1', 'building', 1, 'i2', 'invited', 'Zoë', 'p1', 'Host', 0, 1, 0, 'u'),
                    ('i2', 'location', 'l1', 'b1', 'l1', 't1', 'building', 0, 'i1', 'invited', 'Zoë', 'p1', 'Host', 0, 1, 0, 'u');",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let profile_of = |invite: &str| -> (String, String, String, Option<String>) {
            conn.query_row(
                "SELECT p.id, p.owner, p.name, p.company FROM invites i JOIN profiles p ON p.id = i.profile_id WHERE i.id = ?1",
                [invite],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap()
        };
        let (a, b) = (profile_of("i1"), profile_of("i2"));
        assert_eq!(a.0, "p1", "the primary keeps its profile");
        assert_eq!(a.1, "building:b1");
        assert_ne!(b.0, "p1");
        assert_eq!(b.1, "tenant:t1");
        assert_eq!(
            (&a.2, &a.3),
            (&b.2, &b.3),
            "the copy carries the same person"
        );
        assert!(uuid::Uuid::parse_str(&b.0).is_ok(), "{}", b.0);
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version as usize, MIGRATIONS.len());
    }
}
