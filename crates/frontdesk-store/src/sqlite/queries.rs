//! [`ReadModels`] on SQLite: each query runs on a pooled reader, filtered in SQL so a page or a
//! count never loads more rows than it shows.

use frontdesk_core::{InviteStatus, Origin, Portal, Timestamp};
use rusqlite::types::Value;

use super::rows::{self, micros, CHANGE_COLS, INVITE_COLS, NOTIFICATION_COLS, REPORT_COLS};
use super::SqliteStore;
use crate::queries::{entry, Change, LogEntry, LogFilter, ReportRow, Summary, Visibility};
use crate::{Notification, ReadModels, Result};

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
             OR visitor_company LIKE # ESCAPE '\\' OR host_name LIKE # ESCAPE '\\'",
            Value::Text(like_pattern(q)),
        );
        // A typed short code ("k7m-4qx") finds its visit.
        match frontdesk_core::normalise_short_code(q) {
            Some(code) => push(&mut sql, " OR short_code = #)", Value::Text(code)),
            None => sql.push(')'),
        }
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
            Value::Text(vt.to_string()),
        );
    }
    (sql, p)
}

/// The condition on `portal_kind`/`portal_id` that the visibility sets, with its parameters
/// numbered from `first_param + 1`.
fn visible(vis: &Visibility, first_param: usize) -> (String, Vec<Value>) {
    match vis {
        Visibility::All => ("1".into(), vec![]),
        Visibility::Portals(ps) if ps.is_empty() => ("0".into(), vec![]),
        Visibility::Portals(ps) => {
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

impl ReadModels for SqliteStore {
    fn visitor_logs(
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
            let rows = st.query_map(rusqlite::params_from_iter(params), rows::invite)?;
            let mut out = Vec::new();
            for r in rows {
                out.push(entry(r?, now));
            }
            Ok(out)
        })
    }

    fn export_logs(
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
                if !sink(entry(rows::invite(r)?, now)) {
                    break;
                }
            }
            Ok(())
        })
    }

    fn visitor_summary(&self, portal: &Portal, f: &LogFilter, now: Timestamp) -> Result<Summary> {
        let f = LogFilter {
            statuses: vec![],
            ..f.clone()
        };
        let (clause, params) = where_clause(portal, &f, now);
        let sql = format!(
            "SELECT s, count(*) AS n FROM (SELECT {EFFECTIVE_STATUS} AS s FROM invites WHERE {clause}) \
             GROUP BY s"
        );
        self.with_reader(|c| {
            let mut st = c.prepare_cached(&sql)?;
            let rows = st.query_map(rusqlite::params_from_iter(params), |r| {
                Ok((r.get::<_, String>("s")?, r.get::<_, i64>("n")?))
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

    fn activity_report(
        &self,
        portals: &[Portal],
        origins: &[Origin],
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<ReportRow>> {
        let vis = Visibility::Portals(portals.to_vec());
        let (vis_clause, mut params) = visible(&vis, 2);
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
            "SELECT {REPORT_COLS} \
             FROM events e JOIN invites i ON i.id = e.invite_id \
             WHERE e.at >= ?1 AND e.at < ?2 AND {vis_clause}{origin_clause} \
             GROUP BY i.location_id, day ORDER BY day, i.location_id"
        );
        self.with_reader(|c| {
            let mut st = c.prepare(&sql)?;
            let rows = st.query_map(rusqlite::params_from_iter(params), rows::report_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    fn changes_since(&self, vis: &Visibility, since: i64, limit: usize) -> Result<Vec<Change>> {
        let (clause, mut params) = visible(vis, 1);
        params.insert(0, Value::Integer(since));
        params.push(Value::Integer(limit as i64));
        let sql = format!(
            "SELECT {CHANGE_COLS} FROM changes WHERE seq > ?1 AND {clause} ORDER BY seq LIMIT ?{}",
            params.len()
        );
        self.with_reader(|c| {
            let mut st = c.prepare_cached(&sql)?;
            let rows = st.query_map(rusqlite::params_from_iter(params), rows::change)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    fn invite_count(&self) -> Result<i64> {
        self.with_reader(|c| {
            Ok(c.query_row("SELECT count(*) AS n FROM invites", [], |r| r.get("n"))?)
        })
    }

    fn last_change_seq(&self) -> Result<i64> {
        self.with_reader(|c| {
            Ok(c.query_row(
                "SELECT coalesce(max(seq), 0) AS seq FROM changes",
                [],
                |r| r.get("seq"),
            )?)
        })
    }

    fn notifications(&self, vis: &Visibility, limit: usize) -> Result<Vec<Notification>> {
        let (clause, mut params) = visible(vis, 0);
        params.push(Value::Integer(limit as i64));
        let sql = format!(
            "SELECT {NOTIFICATION_COLS} FROM notifications WHERE ({clause}) AND kind != 'webhook' \
             ORDER BY created_at DESC, id DESC LIMIT ?{}",
            params.len()
        );
        self.with_reader(|c| {
            let mut st = c.prepare_cached(&sql)?;
            let rows = st.query_map(rusqlite::params_from_iter(params), rows::notification)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}
