//! Webhook endpoints and their deliveries.

use frontdesk_core::{id, Id, Timestamp};
use rusqlite::{params, Row};

use super::SqlTx;
use crate::sqlite::rows::{micros, ts};
use crate::{
    Result, WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookOwnerKind, WebhookRecord,
    WebhookRows,
};
use frontdesk_api::WebhookAttempt;

const COLS: &str = "id, owner_kind, owner_id, url, events, description, salt, created_at";

fn record(r: &Row<'_>) -> rusqlite::Result<WebhookRecord> {
    let events: String = r.get(4)?;
    let names: Vec<String> = serde_json::from_str(&events).unwrap_or_default();
    Ok(WebhookRecord {
        endpoint: WebhookEndpoint {
            id: r.get(0)?,
            owner_kind: r.get(1)?,
            owner_id: r.get(2)?,
            url: r.get(3)?,
            events: names
                .iter()
                .filter_map(|n| WebhookEvent::parse(n))
                .collect(),
            description: r.get(5)?,
            created_at: ts(r.get(7)?),
        },
        salt: r.get(6)?,
    })
}

impl WebhookRows for SqlTx<'_> {
    fn insert_webhook(&mut self, w: &WebhookRecord) -> Result<()> {
        let e = &w.endpoint;
        let events: Vec<&str> = e.events.iter().map(|e| e.as_str()).collect();
        self.exec(
            &format!(
                "INSERT INTO webhook_endpoints ({COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
            ),
            params![
                e.id,
                e.owner_kind,
                e.owner_id,
                e.url,
                serde_json::to_string(&events)?,
                e.description,
                w.salt,
                micros(e.created_at)
            ],
        )?;
        Ok(())
    }

    fn webhook(&self, id: &Id<id::Webhook>) -> Result<Option<WebhookRecord>> {
        self.one(
            &format!("SELECT {COLS} FROM webhook_endpoints WHERE id = ?1 AND deleted_at IS NULL"),
            [id],
            record,
        )
    }

    fn webhooks_of(&self, kind: WebhookOwnerKind, owner_id: &str) -> Result<Vec<WebhookRecord>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {COLS} FROM webhook_endpoints \
             WHERE owner_kind = ?1 AND owner_id = ?2 AND deleted_at IS NULL ORDER BY created_at, id"
        ))?;
        let rows = st.query_map(params![kind, owner_id], record)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn delete_webhook(&mut self, id: &Id<id::Webhook>, now: Timestamp) -> Result<()> {
        self.exec(
            "UPDATE webhook_endpoints SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL",
            params![id, micros(now)],
        )?;
        self.exec(
            "UPDATE notifications SET state = 'superseded', next_attempt_at = NULL, \
             last_error = 'the endpoint was deleted' \
             WHERE endpoint_id = ?1 AND state IN ('queued', 'held')",
            [id],
        )?;
        Ok(())
    }

    fn webhook_deliveries(
        &self,
        id: &Id<id::Webhook>,
        limit: usize,
    ) -> Result<Vec<WebhookDelivery>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, subject, invite_id, state, created_at, sent_at, next_attempt_at \
             FROM notifications WHERE endpoint_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2",
        )?;
        let rows = st.query_map(params![id, limit as i64], |r| {
            let event: String = r.get(1)?;
            Ok(WebhookDelivery {
                id: r.get(0)?,
                event: WebhookEvent::parse(&event).unwrap_or(WebhookEvent::InviteCreated),
                invite_id: r.get(2)?,
                state: r.get(3)?,
                created_at: ts(r.get(4)?),
                delivered_at: r.get::<_, Option<i64>>(5)?.map(ts),
                next_attempt_at: r.get::<_, Option<i64>>(6)?.map(ts),
                attempts: vec![],
            })
        })?;
        let mut out: Vec<WebhookDelivery> = rows.collect::<rusqlite::Result<_>>()?;
        let mut st = self.conn.prepare_cached(
            "SELECT at, status, error, duration_ms FROM webhook_attempts \
             WHERE notification_id = ?1 ORDER BY at, rowid",
        )?;
        for d in &mut out {
            let attempts = st.query_map([&d.id], |r| {
                Ok(WebhookAttempt {
                    at: ts(r.get(0)?),
                    status: r.get(1)?,
                    error: r.get(2)?,
                    duration_ms: r.get::<_, i64>(3)?.max(0) as u64,
                })
            })?;
            d.attempts = attempts.collect::<rusqlite::Result<_>>()?;
        }
        Ok(out)
    }
}
