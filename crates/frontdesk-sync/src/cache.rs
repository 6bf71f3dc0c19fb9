//! The desk's local SQLite cache: invites as the server last described them (with the desk's own
//! pending changes applied on top), a full-text index for search as you type, the outbox, and the
//! change-feed cursor.

use std::path::Path;
use std::sync::Mutex;

use frontdesk_api::{Applied, ClientMutation, InviteView};
use frontdesk_core::{Id, Invite, InviteStatus, Timestamp};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Action, Result, SyncError};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- The columns beside `data` are what the desk's lists filter on: the day's visits by validity (in
-- microseconds since the epoch), the Invite Origin, and the linked invite's id, which a scanned
-- badge code may carry when the other side printed it.
CREATE TABLE IF NOT EXISTS invites (
    id         TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    origin     TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT '',
    valid_from INTEGER NOT NULL DEFAULT 0,
    valid_to   INTEGER NOT NULL DEFAULT 0,
    linked     TEXT
);
-- By end time: the visits still running after today's start are few next to a building's
-- history, and the day's list reads only those.
CREATE INDEX IF NOT EXISTS invites_ending ON invites(valid_to);
CREATE INDEX IF NOT EXISTS invites_status ON invites(status);
CREATE INDEX IF NOT EXISTS invites_linked ON invites(linked) WHERE linked IS NOT NULL;
-- Row i of the index is row i of invites, so an invite's entry is found by rowid, not scanned for.
-- Prefix indexes for the first three letters: the first keystrokes of a search match most of
-- the cache, and without them each such query walks every term with that prefix.
CREATE VIRTUAL TABLE IF NOT EXISTS invite_search USING fts5(
    name, company, host, email, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');
CREATE TABLE IF NOT EXISTS outbox (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    id        TEXT NOT NULL UNIQUE,
    invite_id TEXT NOT NULL,
    action    TEXT NOT NULL,
    at        TEXT NOT NULL,
    state     TEXT NOT NULL DEFAULT 'pending',
    code      TEXT,
    message   TEXT
);
CREATE INDEX IF NOT EXISTS outbox_state ON outbox(state, seq);
-- Walk-ins made at a kiosk while the portal was out of reach: the whole request, pushed in
-- order before the outbox (an arrival queued later may be for a walk-in's visit). `id` is the
-- walk-in's own id, which the portal keeps, so a re-sent walk-in makes no second visit.
CREATE TABLE IF NOT EXISTS walk_ins (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    building_id TEXT NOT NULL,
    body        TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending',
    code        TEXT,
    message     TEXT
);
";

/// An invite as the desk shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CachedInvite {
    pub id: String,
    pub status: InviteStatus,
    pub name: String,
    pub company: Option<String>,
    pub host: String,
    /// Changes of this desk not yet confirmed by the server.
    pub pending: usize,
    /// The whole invite, as `GET /api/v1/invites/{id}` gives it.
    #[cfg_attr(feature = "ts", ts(as = "InviteView"))]
    pub data: Value,
}

/// A change the server did not apply, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Conflict {
    pub mutation_id: String,
    pub invite_id: String,
    pub visitor: String,
    pub action: String,
    pub at: String,
    pub code: String,
    pub message: String,
}

pub(crate) struct Cache {
    conn: Mutex<Connection>,
}

/// The invite the desk's rules work on, from the server's description of it (what
/// `GET /invites/{id}` answers).
fn to_invite(data: &Value) -> Result<Invite> {
    let v: InviteView = serde_json::from_value(data.clone())?;
    Ok(Invite {
        id: v.id,
        portal: v.portal,
        building_id: v.building_id,
        location_id: v.location_id,
        tenant_id: v.tenant_id,
        origin: v.origin,
        primary: v.primary,
        linked_invite_id: v.linked_invite_id,
        // Expiry is derived again from valid_to by the rules.
        status: match v.status {
            InviteStatus::Expired if v.times.checked_in_at.is_some() => InviteStatus::CheckedIn,
            InviteStatus::Expired => InviteStatus::Invited,
            s => s,
        },
        visitor: v.visitor,
        profile_id: v.profile_id,
        host_name: v.host_name,
        host_id: v.host_id,
        visitor_type_id: v.visitor_type_id,
        valid_from: v.times.valid_from,
        valid_to: v.times.valid_to,
        checked_in_at: v.times.checked_in_at,
        arrived_at: v.times.arrived_at,
        checked_out_at: v.times.checked_out_at,
        cancelled_at: v.times.cancelled_at,
        cancel_reason: v.cancel_reason,
        created_at: v.created_at,
        created_by: Id::new(String::new()),
        short_code: v.short_code,
        attention: v.attention,
    })
}

/// Apply one of the desk's changes to an invite's description, by the same rules as the server.
fn apply(data: &mut Value, action: Action, at: Timestamp) -> Result<()> {
    let mut i = to_invite(data)?;
    match action {
        Action::CheckIn => i.check_in(at)?,
        Action::Arrive => i.arrive(at)?,
        Action::CheckOut => i.check_out(at)?,
        Action::Cancel => i.cancel(at, None)?,
    }
    data["status"] = serde_json::to_value(i.status_at(at))?;
    for (k, v) in [
        ("checked_in_at", i.checked_in_at),
        ("arrived_at", i.arrived_at),
        ("checked_out_at", i.checked_out_at),
        ("cancelled_at", i.cancelled_at),
    ] {
        data[k] = serde_json::to_value(v)?;
    }
    Ok(())
}

fn parse_at(s: &str) -> Result<Timestamp> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| SyncError::Cache(format!("bad time in the outbox: {e}")))
}

fn put(tx: &Transaction<'_>, data: &Value) -> Result<()> {
    let id = data["id"].as_str().unwrap_or_default();
    let micros = |k: &str| {
        data[k]
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.timestamp_micros())
            .unwrap_or_default()
    };
    let rowid: i64 = tx
        .prepare_cached(
            "INSERT INTO invites (id, data, origin, status, valid_from, valid_to, linked) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
             ON CONFLICT (id) DO UPDATE SET data = ?2, origin = ?3, status = ?4, valid_from = ?5, \
             valid_to = ?6, linked = ?7 RETURNING rowid",
        )?
        .query_row(
            params![
                id,
                data.to_string(),
                data["origin"].as_str().unwrap_or_default(),
                data["status"].as_str().unwrap_or_default(),
                micros("valid_from"),
                micros("valid_to"),
                data["linked_invite_id"].as_str(),
            ],
            |r| r.get(0),
        )?;
    tx.prepare_cached("DELETE FROM invite_search WHERE rowid = ?1")?
        .execute([rowid])?;
    let v = &data["visitor"];
    tx.prepare_cached(
        "INSERT INTO invite_search (rowid, name, company, host, email) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        rowid,
        v["name"].as_str().unwrap_or_default(),
        v["company"].as_str().unwrap_or_default(),
        data["host_name"].as_str().unwrap_or_default(),
        v["email"].as_str().unwrap_or_default()
    ])?;
    Ok(())
}

/// Every write that changes what the desk shows moves the revision (in its own transaction), so
/// the window's poll reads one row instead of counting the outbox.
fn bump_revision(tx: &Transaction<'_>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO meta (key, value) VALUES ('revision', '1') \
         ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
    )?
    .execute([])?;
    Ok(())
}

fn get(tx: &Connection, id: &str) -> Result<Option<Value>> {
    let s: Option<String> = tx
        .prepare_cached("SELECT data FROM invites WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    Ok(match s {
        Some(s) => Some(serde_json::from_str(&s)?),
        None => None,
    })
}

/// Re-apply this desk's unconfirmed changes on top of what the server said (they may still be
/// refused by the server; until then the desk shows them).
fn rebase(tx: &Transaction<'_>, invite_id: &str) -> Result<()> {
    let Some(mut data) = get(tx, invite_id)? else {
        return Ok(());
    };
    let pending: Vec<(String, String)> = tx
        .prepare_cached(
            "SELECT action, at FROM outbox WHERE invite_id = ?1 AND state = 'pending' ORDER BY seq",
        )?
        .query_map([invite_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if pending.is_empty() {
        return Ok(());
    }
    for (action, at) in pending {
        if let Some(a) = Action::parse(&action) {
            // A change the server state no longer allows stays queued: the server will say why.
            let _ = apply(&mut data, a, parse_at(&at)?);
        }
    }
    put(tx, &data)
}

impl Cache {
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a change the receptionist made must survive the desk PC losing power.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut c = self
            .conn
            .lock()
            .map_err(|_| SyncError::Cache("cache lock poisoned".into()))?;
        f(&mut c)
    }

    pub fn cursor(&self) -> Result<i64> {
        self.with(|c| {
            Ok(
                c.query_row("SELECT value FROM meta WHERE key = 'cursor'", [], |r| {
                    r.get::<_, String>(0)
                })
                .optional()?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            )
        })
    }

    /// Keep the invites of change-feed entries, each `(id, the invite as the feed describes
    /// it)`, and move the cursor to `last_seq`.
    pub fn apply_invites<'a>(
        &self,
        invites: impl IntoIterator<Item = (&'a str, &'a Value)>,
        last_seq: i64,
    ) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            // The follower and a pull can bring the same entries at once: what ends at or
            // before the cursor is already here, and applying it again would take the cache
            // back to an older state of an invite (a later page has its newer entries).
            let cursor: Option<String> = tx
                .query_row("SELECT value FROM meta WHERE key = 'cursor'", [], |r| r.get(0))
                .optional()?;
            if cursor.and_then(|v| v.parse::<i64>().ok()) >= Some(last_seq) {
                return Ok(());
            }
            let mut touched = vec![];
            for (id, data) in invites {
                put(&tx, data)?;
                touched.push(id);
            }
            for id in touched {
                rebase(&tx, id)?;
            }
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('cursor', ?1) ON CONFLICT (key) DO UPDATE SET value = ?1",
                [last_seq.to_string()],
            )?;
            bump_revision(&tx)?;
            tx.commit()?;
            Ok(())
        })
    }

    /// Keep an invite the server just answered with (after an online action), with this desk's
    /// queued changes on top; the cursor stays where it was, so the feed still brings it.
    pub fn remember(&self, data: &Value) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            put(&tx, data)?;
            rebase(&tx, data["id"].as_str().unwrap_or_default())?;
            bump_revision(&tx)?;
            tx.commit()?;
            Ok(())
        })
    }

    pub fn record(
        &self,
        invite_id: &str,
        action: Action,
        id: &str,
        at: Timestamp,
    ) -> Result<CachedInvite> {
        self.with(|c| {
            let tx = c.transaction()?;
            let mut data =
                get(&tx, invite_id)?.ok_or_else(|| SyncError::UnknownInvite(invite_id.into()))?;
            apply(&mut data, action, at)?;
            put(&tx, &data)?;
            tx.execute(
                "INSERT INTO outbox (id, invite_id, action, at) VALUES (?1, ?2, ?3, ?4)",
                params![id, invite_id, action.as_str(), at.to_rfc3339()],
            )?;
            bump_revision(&tx)?;
            tx.commit()?;
            Ok(())
        })?;
        self.invite(invite_id)?
            .ok_or_else(|| SyncError::UnknownInvite(invite_id.into()))
    }

    /// The oldest `n` queued changes, as the portal takes them.
    pub fn pending_batch(&self, n: usize) -> Result<Vec<ClientMutation>> {
        self.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT id, invite_id, action, at FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?1",
            )?;
            let rows = st.query_map([n as i64], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Id<Invite>>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
            })?;
            let mut out = vec![];
            for row in rows {
                let (id, invite_id, action, at) = row?;
                let action = Action::parse(&action).ok_or_else(|| SyncError::Cache(format!("unknown action {action}")))?;
                out.push(ClientMutation { id, invite_id, action, at: parse_at(&at)?, reason: None });
            }
            Ok(out)
        })
    }

    pub fn record_outcomes(&self, results: &[Applied]) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            for r in results {
                let o = &r.outcome;
                tx.execute(
                    "UPDATE outbox SET state = ?2, code = ?3, message = ?4 WHERE id = ?1",
                    params![o.id, o.outcome, o.code, o.message],
                )?;
                if let Some(invite) = &r.invite {
                    put(&tx, &serde_json::to_value(invite)?)?;
                    rebase(&tx, invite.id.as_str())?;
                }
            }
            bump_revision(&tx)?;
            tx.commit()?;
            Ok(())
        })
    }

    /// Queue a walk-in for the portal (`body` is the request as the portal takes it).
    pub fn queue_walk_in(&self, id: &str, building_id: &str, body: &Value) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "INSERT INTO walk_ins (id, building_id, body) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO NOTHING",
                params![id, building_id, body.to_string()],
            )?;
            bump_revision(&tx)?;
            tx.commit()?;
            Ok(())
        })
    }

    /// The queued walk-ins, oldest first: `(id, building id, request)`.
    pub fn pending_walk_ins(&self) -> Result<Vec<(String, String, Value)>> {
        self.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT id, building_id, body FROM walk_ins WHERE state = 'pending' ORDER BY seq",
            )?;
            let rows = st.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            let mut out = vec![];
            for row in rows {
                let (id, building, body) = row?;
                out.push((id, building, serde_json::from_str(&body)?));
            }
            Ok(out)
        })
    }

    /// What became of a queued walk-in: `None` applied, else the portal's refusal, kept for
    /// the receptionist like a conflict.
    pub fn walk_in_done(&self, id: &str, refused: Option<(&str, &str)>) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            match refused {
                None => tx.execute("UPDATE walk_ins SET state = 'applied' WHERE id = ?1", [id])?,
                Some((code, message)) => tx.execute(
                    "UPDATE walk_ins SET state = 'refused', code = ?2, message = ?3 WHERE id = ?1",
                    params![id, code, message],
                )?,
            };
            bump_revision(&tx)?;
            tx.commit()?;
            Ok(())
        })
    }

    pub fn pending_count(&self) -> Result<usize> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM outbox WHERE state = 'pending') + \
                 (SELECT count(*) FROM walk_ins WHERE state = 'pending')",
                [],
                |r| r.get::<_, i64>(0),
            )? as usize)
        })
    }

    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT o.id, o.invite_id, coalesce(json_extract(i.data, '$.visitor.name'), ''), o.action, o.at, \
                 coalesce(o.code, ''), coalesce(o.message, ''), 0, o.seq FROM outbox o LEFT JOIN invites i ON i.id = o.invite_id \
                 WHERE o.state IN ('conflict', 'refused') \
                 UNION ALL SELECT w.id, '', coalesce(json_extract(w.body, '$.submission.visitor.name'), ''), 'walk_in', \
                 coalesce(json_extract(w.body, '$.arrived_at'), ''), coalesce(w.code, ''), coalesce(w.message, ''), 1, w.seq \
                 FROM walk_ins w WHERE w.state = 'refused' ORDER BY 8, 9",
            )?;
            let rows = st.query_map([], |r| {
                Ok(Conflict {
                    mutation_id: r.get(0)?,
                    invite_id: r.get(1)?,
                    visitor: r.get(2)?,
                    action: r.get(3)?,
                    at: r.get(4)?,
                    code: r.get(5)?,
                    message: r.get(6)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    pub fn invite(&self, id: &str) -> Result<Option<CachedInvite>> {
        self.with(|c| {
            let Some(data) = get(c, id)? else {
                return Ok(None);
            };
            let pending: i64 = c.query_row(
                "SELECT count(*) FROM outbox WHERE invite_id = ?1 AND state = 'pending'",
                [id],
                |r| r.get(0),
            )?;
            cached(data, pending as usize).map(Some)
        })
    }

    /// The invite a scanned badge code names: the code is the id of the pair's primary invite,
    /// which is this desk's own invite or the one it is linked to.
    pub fn find_code(&self, code: &str) -> Result<Option<CachedInvite>> {
        let id: Option<String> = self.with(|c| {
            Ok(c.prepare_cached(
                "SELECT id FROM invites WHERE id = ?1 UNION ALL SELECT id FROM invites WHERE linked = ?1 LIMIT 1",
            )?
            .query_row([code], |r| r.get(0))
            .optional()?)
        })?;
        let id = match id {
            Some(id) => Some(id),
            // A code typed from the invitation, read as the portal reads it.
            None => match frontdesk_core::normalise_short_code(code) {
                Some(short) => self.with(|c| {
                    Ok(c.prepare_cached(
                        "SELECT id FROM invites WHERE json_extract(data, '$.short_code') = ?1 LIMIT 1",
                    )?
                    .query_row([short], |r| r.get(0))
                    .optional()?)
                })?,
                None => None,
            },
        };
        match id {
            Some(id) => self.invite(&id),
            None => Ok(None),
        }
    }

    /// The day's list: visits whose validity overlaps [from, to), and everyone on site, earliest
    /// first; `origin` is the Invite Origin filter (None: all).
    pub fn day(
        &self,
        from: Timestamp,
        to: Timestamp,
        origin: Option<&str>,
        limit: usize,
    ) -> Result<Vec<CachedInvite>> {
        self.with(|c| {
            let mut st = c.prepare_cached(
                // Two indexed reads (a UNION, where an OR would scan every invite): the visits
                // overlapping the day, by end time, and whoever is on site, by status.
                "SELECT i.data, (SELECT count(*) FROM outbox o WHERE o.invite_id = i.id AND o.state = 'pending') \
                 FROM invites i WHERE i.rowid IN ( \
                     SELECT rowid FROM invites WHERE valid_to > ?1 AND valid_from < ?2 \
                     UNION SELECT rowid FROM invites WHERE status = 'arrived') \
                   AND (?3 IS NULL OR i.origin = ?3) \
                 ORDER BY i.valid_from, i.id LIMIT ?4",
            )?;
            let rows = st.query_map(
                params![
                    from.timestamp_micros(),
                    to.timestamp_micros(),
                    origin,
                    limit as i64
                ],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
            )?;
            let mut out = vec![];
            for row in rows {
                let (data, pending) = row?;
                out.push(cached(serde_json::from_str(&data)?, pending as usize)?);
            }
            Ok(out)
        })
    }

    /// Changes whenever what the desk shows may have changed: a pulled change, a queued change,
    /// or an outcome from the server. The console redraws when it moves.
    pub fn revision(&self) -> Result<String> {
        self.with(|c| {
            Ok(
                c.prepare_cached("SELECT value FROM meta WHERE key = 'revision'")?
                    .query_row([], |r| r.get::<_, String>(0))
                    .optional()?
                    .unwrap_or_else(|| "0".into()),
            )
        })
    }

    pub fn conflict_count(&self) -> Result<usize> {
        self.with(|c| {
            Ok(c.prepare_cached(
                "SELECT (SELECT count(*) FROM outbox WHERE state IN ('conflict', 'refused')) + \
                 (SELECT count(*) FROM walk_ins WHERE state = 'refused')",
            )?
            .query_row([], |r| r.get::<_, i64>(0))? as usize)
        })
    }

    /// Prefix search over name, company, host and email ("ada lov" finds Ada Lovelace).
    pub fn search(&self, q: &str, limit: usize) -> Result<Vec<CachedInvite>> {
        let terms: Vec<String> = q
            .split_whitespace()
            .map(|t| {
                t.chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
            })
            .filter(|t| !t.is_empty())
            .map(|t| format!("\"{t}\"*"))
            .collect();
        if terms.is_empty() {
            return Ok(vec![]);
        }
        self.with(|c| {
            let mut st = c.prepare_cached(
                // No ranking: a short prefix matches most of the cache, and scoring every match
                // costs more than the keystroke may take; the list narrows as the name is typed.
                "SELECT i.data FROM invite_search s JOIN invites i ON i.rowid = s.rowid \
                 WHERE invite_search MATCH ?1 LIMIT ?2",
            )?;
            let rows = st.query_map(params![terms.join(" AND "), limit as i64], |r| {
                r.get::<_, String>(0)
            })?;
            let mut out = vec![];
            for row in rows {
                out.push(cached(serde_json::from_str(&row?)?, 0)?);
            }
            Ok(out)
        })
    }
}

fn cached(data: Value, pending: usize) -> Result<CachedInvite> {
    Ok(CachedInvite {
        id: data["id"].as_str().unwrap_or_default().into(),
        status: InviteStatus::deserialize(&data["status"])?,
        name: data["visitor"]["name"].as_str().unwrap_or_default().into(),
        company: data["visitor"]["company"].as_str().map(String::from),
        host: data["host_name"].as_str().unwrap_or_default().into(),
        pending,
        data,
    })
}
