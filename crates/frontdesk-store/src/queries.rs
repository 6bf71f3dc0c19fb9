//! Read models: visitor logs with the Invite Origin filter, the Visitor Summary widget, CSV
//! export, the Global Overview activity report, the change feed and the notification list.
//! Each takes the portals the caller may see, resolved by the caller through the access rules.

use frontdesk_core::{Actor, InviteStatus, Origin, Portal, PortalKind, Role, Timestamp, Visitor};
use rusqlite::types::Value;
use serde::Serialize;

use crate::sqlite::{invite_from_row, micros, notification_from_row, ts, INVITE_COLS};
use crate::{Notification, Result, SqliteStore, Tx};

/// The filters of the visitor logs, the summary widget and the export.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    /// Empty: no Invite Origin filter (the default), all invites.
    pub origins: Vec<Origin>,
    pub statuses: Vec<InviteStatus>,
    /// Visits whose validity overlaps [from, to).
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    /// Text search over visitor name, email, company and host.
    pub q: Option<String>,
    pub host: Option<String>,
    pub visitor_type_id: Option<String>,
}

/// One row of the visitor logs (and of its CSV export).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEntry {
    pub id: String,
    pub origin: Origin,
    pub origin_label: &'static str,
    pub status: InviteStatus,
    pub visitor: Visitor,
    pub host_name: String,
    pub visitor_type_id: Option<String>,
    pub location_id: String,
    pub linked_invite_id: Option<String>,
    pub valid_from: Timestamp,
    pub valid_to: Timestamp,
    pub checked_in_at: Option<Timestamp>,
    pub arrived_at: Option<Timestamp>,
    pub checked_out_at: Option<Timestamp>,
    pub cancelled_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Summary {
    /// Invited or checked in, not yet arrived, still valid.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub expected: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub checked_in: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub on_site: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub checked_out: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub cancelled: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub expired: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: i64,
}

/// The status a person sees, in SQL: pending invites past `valid_to` are expired.
const EFFECTIVE_STATUS: &str = "CASE WHEN status IN ('invited','checked_in') AND valid_to <= ?1 \
     THEN 'expired' ELSE status END";

fn like_pattern(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The WHERE clause and its parameters; `?1` is always `now`.
fn where_clause(portal: &Portal, f: &LogFilter, now: Timestamp) -> (String, Vec<Value>) {
    let mut sql = String::from("portal_kind = ?2 AND portal_id = ?3");
    let mut p: Vec<Value> = vec![
        Value::Integer(micros(now)),
        Value::Text(portal.kind.as_str().into()),
        Value::Text(portal.id.clone()),
    ];
    let mut push = |sql: &mut String, clause: &str, v: Value| {
        p.push(v);
        sql.push_str(&clause.replace('#', &format!("?{}", p.len())));
    };
    if !f.origins.is_empty() && f.origins.len() < 2 {
        push(
            &mut sql,
            " AND origin = #",
            Value::Text(f.origins[0].as_str().into()),
        );
    }
    if !f.statuses.is_empty() {
        let list = f
            .statuses
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(",");
        sql.push_str(&format!(" AND ({EFFECTIVE_STATUS}) IN ({list})"));
    }
    if let Some(to) = f.to {
        push(&mut sql, " AND valid_from < #", Value::Integer(micros(to)));
    }
    if let Some(from) = f.from {
        push(&mut sql, " AND valid_to > #", Value::Integer(micros(from)));
        // No invite spans more than MAX_VALIDITY_DAYS, so this bound on the indexed column is
        // implied by the one above, and keeps a sparse window from scanning the whole history.
        // Checked: a `from` in the first year chrono can represent has no earlier bound (and
        // subtracting panicked).
        let earliest = from.checked_sub_signed(chrono::Duration::days(
            frontdesk_core::validate::MAX_VALIDITY_DAYS,
        ));
        if let Some(earliest) = earliest {
            push(
                &mut sql,
                " AND valid_from > #",
                Value::Integer(micros(earliest)),
            );
        }
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        push(
            &mut sql,
            " AND (visitor_name LIKE # ESCAPE '\\' OR visitor_email LIKE # ESCAPE '\\' \
             OR visitor_company LIKE # ESCAPE '\\' OR host_name LIKE # ESCAPE '\\')",
            Value::Text(like_pattern(q)),
        );
    }
    if let Some(h) = f.host.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
        push(
            &mut sql,
            " AND host_name LIKE # ESCAPE '\\'",
            Value::Text(like_pattern(h)),
        );
    }
    if let Some(vt) = &f.visitor_type_id {
        push(
            &mut sql,
            " AND visitor_type_id = #",
            Value::Text(vt.clone()),
        );
    }
    (sql, p)
}

fn entry(i: frontdesk_core::Invite, now: Timestamp) -> LogEntry {
    LogEntry {
        status: i.status_at(now),
        origin_label: i.origin.label(),
        id: i.id,
        origin: i.origin,
        visitor: i.visitor,
        host_name: i.host_name,
        visitor_type_id: i.visitor_type_id,
        location_id: i.location_id,
        linked_invite_id: i.linked_invite_id,
        valid_from: i.valid_from,
        valid_to: i.valid_to,
        checked_in_at: i.checked_in_at,
        arrived_at: i.arrived_at,
        checked_out_at: i.checked_out_at,
        cancelled_at: i.cancelled_at,
    }
}

/// Which portals an actor's change feed and notification list cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    All,
    Portals(Vec<Portal>),
}

impl Visibility {
    fn clause(&self, first_param: usize) -> (String, Vec<Value>) {
        match self {
            Self::All => ("1".into(), vec![]),
            Self::Portals(ps) if ps.is_empty() => ("0".into(), vec![]),
            Self::Portals(ps) => {
                let mut params = Vec::new();
                let parts: Vec<String> = ps
                    .iter()
                    .map(|p| {
                        params.push(Value::Text(p.kind.as_str().into()));
                        params.push(Value::Text(p.id.clone()));
                        let n = first_param + params.len();
                        format!("(portal_kind = ?{} AND portal_id = ?{})", n - 1, n)
                    })
                    .collect();
                (format!("({})", parts.join(" OR ")), params)
            }
        }
    }
}

/// The portals an actor works at.
pub fn visibility(tx: &dyn Tx, actor: &Actor) -> Result<Visibility> {
    Ok(match actor.role {
        Role::PlatformAdmin => Visibility::All,
        Role::BuildingAdmin => Visibility::Portals(
            actor
                .building_id
                .iter()
                .cloned()
                .map(Portal::building)
                .collect(),
        ),
        Role::TenantAdmin => Visibility::Portals(match actor.tenant_id.as_deref() {
            Some(t) => tx
                .locations_of_tenant(t)?
                .into_iter()
                .map(|l| Portal::location(l.id))
                .collect(),
            None => vec![],
        }),
        Role::FrontDesk => Visibility::Portals(match (&actor.location_id, &actor.building_id) {
            (Some(l), _) => vec![Portal::location(l.clone())],
            (None, Some(b)) => vec![Portal::building(b.clone())],
            _ => vec![],
        }),
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub seq: i64,
    pub at: Timestamp,
    pub portal: Portal,
    pub entity: String,
    pub entity_id: String,
    pub data: serde_json::Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportRow {
    pub location_id: String,
    /// UTC calendar day, `YYYY-MM-DD`.
    pub day: String,
    pub created: i64,
    pub checked_in: i64,
    pub arrived: i64,
    pub checked_out: i64,
    pub cancelled: i64,
    pub badges: i64,
    pub cards: i64,
}

impl SqliteStore {
    /// One page of a portal's visitor log, newest visit first. Returns one row more than
    /// `limit` when there is a next page.
    pub fn visitor_logs(
        &self,
        portal: &Portal,
        f: &LogFilter,
        now: Timestamp,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<LogEntry>> {
        let (clause, mut params) = where_clause(portal, f, now);
        // Saturated, not cast: a client's offset over i64::MAX wrapped to a negative number,
        // which SQLite reads as no offset at all, and the first page came back.
        let int = |n: usize| Value::Integer(i64::try_from(n).unwrap_or(i64::MAX));
        params.push(int(limit));
        params.push(int(offset));
        let n = params.len();
        let sql = format!(
            "SELECT {INVITE_COLS} FROM invites WHERE {clause} \
             ORDER BY valid_from DESC, id DESC LIMIT ?{} OFFSET ?{n}",
            n - 1
        );
        self.with_reader(|c| {
            let mut st = c.prepare_cached(&sql)?;
            let rows = st.query_map(rusqlite::params_from_iter(params), invite_from_row)?;
            let mut out = Vec::new();
            for r in rows {
                out.push(entry(r?, now));
            }
            Ok(out)
        })
    }

    /// Stream every row the filtered log shows to `sink`, in log order, without holding them
    /// in memory. `sink` returns false to stop early (the client went away).
    pub fn export_logs(
        &self,
        portal: &Portal,
        f: &LogFilter,
        now: Timestamp,
        sink: &mut dyn FnMut(LogEntry) -> bool,
    ) -> Result<()> {
        let (clause, params) = where_clause(portal, f, now);
        let sql = format!(
            "SELECT {INVITE_COLS} FROM invites WHERE {clause} ORDER BY valid_from DESC, id DESC"
        );
        self.with_reader(|c| {
            let mut st = c.prepare(&sql)?;
            let mut rows = st.query(rusqlite::params_from_iter(params))?;
            while let Some(r) = rows.next()? {
                if !sink(entry(invite_from_row(r)?, now)) {
                    break;
                }
            }
            Ok(())
        })
    }

    /// The Visitor Summary widget: counts under the same filters (its status filter excepted).
    pub fn visitor_summary(
        &self,
        portal: &Portal,
        f: &LogFilter,
        now: Timestamp,
    ) -> Result<Summary> {
        let f = LogFilter {
            statuses: vec![],
            ..f.clone()
        };
        let (clause, params) = where_clause(portal, &f, now);
        let sql = format!(
            "SELECT s, count(*) FROM (SELECT {EFFECTIVE_STATUS} AS s FROM invites WHERE {clause}) GROUP BY s"
        );
        self.with_reader(|c| {
            let mut st = c.prepare_cached(&sql)?;
            let rows = st.query_map(rusqlite::params_from_iter(params), |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })?;
            let mut s = Summary::default();
            for row in rows {
                let (status, n) = row?;
                s.total += n;
                match InviteStatus::parse(&status) {
                    Some(InviteStatus::Invited) => s.expected += n,
                    Some(InviteStatus::CheckedIn) => {
                        s.expected += n;
                        s.checked_in += n;
                    }
                    Some(InviteStatus::Arrived) => s.on_site += n,
                    Some(InviteStatus::CheckedOut) => s.checked_out += n,
                    Some(InviteStatus::Cancelled) => s.cancelled += n,
                    Some(InviteStatus::Expired) => s.expired += n,
                    None => {}
                }
            }
            Ok(s)
        })
    }

    /// Global Overview → Visitor Management Activity: what happened per location and day, in
    /// the given portals, counted from the activity events.
    pub fn activity_report(
        &self,
        portals: &[Portal],
        origins: &[Origin],
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<ReportRow>> {
        let vis = Visibility::Portals(portals.to_vec());
        let (vis_clause, mut params) = vis.clause(2);
        let vis_clause = vis_clause
            .replace("portal_kind", "i.portal_kind")
            .replace("portal_id", "i.portal_id");
        params.insert(0, Value::Integer(micros(from)));
        params.insert(1, Value::Integer(micros(to)));
        let origin_clause = match origins {
            [one] => format!(" AND i.origin = '{}'", one.as_str()),
            _ => String::new(),
        };
        let sql = format!(
            "SELECT i.location_id, date(e.at / 1000000, 'unixepoch') AS day, \
               sum(e.action = 'invite_created'), sum(e.action = 'checked_in'), \
               sum(e.action = 'arrived'), sum(e.action = 'checked_out'), \
               sum(e.action = 'cancelled'), sum(e.action IN ('badge_generated','badge_printed')), \
               sum(e.action IN ('card_assigned','card_reassigned')) \
             FROM events e JOIN invites i ON i.id = e.invite_id \
             WHERE e.at >= ?1 AND e.at < ?2 AND {vis_clause}{origin_clause} \
             GROUP BY i.location_id, day ORDER BY day, i.location_id"
        );
        self.with_reader(|c| {
            let mut st = c.prepare(&sql)?;
            let rows = st.query_map(rusqlite::params_from_iter(params), |r| {
                Ok(ReportRow {
                    location_id: r.get(0)?,
                    day: r.get(1)?,
                    created: r.get(2)?,
                    checked_in: r.get(3)?,
                    arrived: r.get(4)?,
                    checked_out: r.get(5)?,
                    cancelled: r.get(6)?,
                    badges: r.get(7)?,
                    cards: r.get(8)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Changes after `since` that the visibility covers, oldest first.
    pub fn changes_since(&self, vis: &Visibility, since: i64, limit: usize) -> Result<Vec<Change>> {
        let (clause, mut params) = vis.clause(1);
        params.insert(0, Value::Integer(since));
        params.push(Value::Integer(limit as i64));
        let sql = format!(
            "SELECT seq, at, portal_kind, portal_id, entity, entity_id, data FROM changes \
             WHERE seq > ?1 AND {clause} ORDER BY seq LIMIT ?{}",
            params.len()
        );
        self.with_reader(|c| {
            let mut st = c.prepare_cached(&sql)?;
            let rows = st.query_map(rusqlite::params_from_iter(params), |r| {
                let kind: String = r.get(2)?;
                let data: String = r.get(6)?;
                Ok(Change {
                    seq: r.get(0)?,
                    at: ts(r.get(1)?),
                    portal: Portal {
                        kind: PortalKind::parse(&kind).unwrap_or(PortalKind::Building),
                        id: r.get(3)?,
                    },
                    entity: r.get(4)?,
                    entity_id: r.get(5)?,
                    data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// How many invites are stored, all portals together.
    pub fn invite_count(&self) -> Result<i64> {
        self.with_reader(|c| Ok(c.query_row("SELECT count(*) FROM invites", [], |r| r.get(0))?))
    }

    /// The newest change sequence number (0 when there is none).
    pub fn last_change_seq(&self) -> Result<i64> {
        self.with_reader(|c| {
            Ok(
                c.query_row("SELECT coalesce(max(seq), 0) FROM changes", [], |r| {
                    r.get(0)
                })?,
            )
        })
    }

    pub fn notifications(&self, vis: &Visibility, limit: usize) -> Result<Vec<Notification>> {
        let (clause, mut params) = vis.clause(0);
        params.push(Value::Integer(limit as i64));
        let sql = format!(
            "SELECT {} FROM notifications WHERE {clause} ORDER BY created_at DESC, id DESC LIMIT ?{}",
            crate::sqlite::NOTIFICATION_COLS,
            params.len()
        );
        self.with_reader(|c| {
            let mut st = c.prepare_cached(&sql)?;
            let rows = st.query_map(rusqlite::params_from_iter(params), notification_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}
