//! The invitation outbox as the delivery worker sees it: what is due, and what became of it.
//! One worker drains it, so a message is claimed by nobody else while it is being sent.

use frontdesk_core::Timestamp;
use rusqlite::params;

use crate::sqlite::{micros, notification_from_row, NOTIFICATION_COLS};
use crate::{Notification, Result, SqliteStore};

impl SqliteStore {
    /// Queued messages whose next attempt is due, oldest first.
    pub fn due_notifications(&self, now: Timestamp, limit: usize) -> Result<Vec<Notification>> {
        self.with_reader(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT {NOTIFICATION_COLS} FROM notifications \
                 WHERE state = 'queued' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2"
            ))?;
            let rows = st.query_map(params![micros(now), limit as i64], notification_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Delivered: the link's secret is no longer needed and is dropped.
    pub fn mark_sent(&self, id: &str, at: Timestamp) -> Result<()> {
        self.exec_write(
            "UPDATE notifications SET state = 'sent', sent_at = ?2, attempts = attempts + 1, \
             last_error = NULL, next_attempt_at = NULL, link_token = NULL WHERE id = ?1",
            params![id, micros(at)],
        )
    }

    /// A failed attempt: try again at `next`, or give up (`state = failed`) when `next` is None.
    pub fn mark_attempt_failed(
        &self,
        id: &str,
        error: &str,
        next: Option<Timestamp>,
    ) -> Result<()> {
        match next {
            Some(next) => self.exec_write(
                "UPDATE notifications SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3 WHERE id = ?1",
                params![id, error, micros(next)],
            ),
            None => self.exec_write(
                "UPDATE notifications SET state = 'failed', attempts = attempts + 1, last_error = ?2, \
                 next_attempt_at = NULL, link_token = NULL WHERE id = ?1",
                params![id, error],
            ),
        }
    }

    /// No transport is configured for the message's channel: keep it, visible to admins.
    pub fn mark_held(&self, id: &str, why: &str) -> Result<()> {
        self.exec_write(
            "UPDATE notifications SET state = 'held', last_error = ?2, next_attempt_at = NULL WHERE id = ?1",
            params![id, why],
        )
    }

    /// A transport for `channel` now exists: messages held for it go out after all.
    pub fn requeue_held(&self, channel: &str, now: Timestamp) -> Result<()> {
        self.exec_write(
            "UPDATE notifications SET state = 'queued', next_attempt_at = ?2, last_error = NULL \
             WHERE state = 'held' AND channel = ?1 AND link_token IS NOT NULL",
            params![channel, micros(now)],
        )
    }
}
