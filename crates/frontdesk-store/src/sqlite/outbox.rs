//! [`Outbox`] on SQLite: each bookkeeping step is one statement on the writer. And the
//! built-in portal's database, which keeps no registration link at all.

use std::path::Path;

use frontdesk_core::{id, Id, Timestamp};
use rusqlite::params;

use super::rows::{self, micros, NOTIFICATION_COLS};
use super::SqliteStore;
use crate::{Notification, Outbox, Result};

impl Outbox for SqliteStore {
    fn due_notifications(&self, now: Timestamp, limit: usize) -> Result<Vec<Notification>> {
        self.with_reader(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT {NOTIFICATION_COLS} FROM notifications \
                 WHERE state = 'queued' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2"
            ))?;
            let rows = st.query_map(params![micros(now), limit as i64], rows::notification)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    fn mark_sent(&self, id: &Id<id::Notification>, at: Timestamp) -> Result<()> {
        self.exec_write(
            "UPDATE notifications SET state = 'sent', sent_at = ?2, attempts = attempts + 1, \
             last_error = NULL, next_attempt_at = NULL, link_token = NULL WHERE id = ?1",
            params![id, micros(at)],
        )
    }

    fn mark_attempt_failed(
        &self,
        id: &Id<id::Notification>,
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

    fn mark_held(&self, id: &Id<id::Notification>, why: &str) -> Result<()> {
        self.exec_write(
            "UPDATE notifications SET state = 'held', last_error = ?2, next_attempt_at = NULL WHERE id = ?1",
            params![id, why],
        )
    }

    fn requeue_held(&self, channel: &str, now: Timestamp) -> Result<()> {
        self.exec_write(
            "UPDATE notifications SET state = 'queued', next_attempt_at = ?2, last_error = NULL \
             WHERE state = 'held' AND channel = ?1 AND link_token IS NOT NULL",
            params![channel, micros(now)],
        )
    }

    fn record_webhook_attempt(
        &self,
        id: &Id<id::Notification>,
        at: Timestamp,
        status: Option<u16>,
        error: Option<&str>,
        duration_ms: u64,
    ) -> Result<()> {
        self.exec_write(
            "INSERT INTO webhook_attempts (notification_id, at, status, error, duration_ms) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                id,
                micros(at),
                status,
                error,
                i64::try_from(duration_ms).unwrap_or(i64::MAX)
            ],
        )
    }
}

impl SqliteStore {
    /// Open the database of a portal that can never deliver a message (the desk's built-in
    /// portal: no mail server, no SMS gateway, and a loopback address no visitor's phone could
    /// open). A message's registration link is a secret, the outbox is the one place it is
    /// written, and here it would wait there for good, readable by anyone who gets the file.
    ///
    /// So, on the store's connection, every new message is stored `held` with `why` and without
    /// its link, in the transaction that makes it: the secret never reaches the file or its WAL
    /// (a purge after the fact would leave it in both until they are rewritten). Links an
    /// earlier version left waiting are purged first. Held messages without a link are never
    /// queued again ([`Outbox::requeue_held`]).
    pub fn open_keeping_no_link_secrets(path: &Path, why: &str) -> Result<Self> {
        if path.exists() {
            purge_link_secrets(path, why)?;
        }
        let store = Self::open(path)?;
        let quoted = why.replace('\'', "''");
        // Each column as the insert gave it, but for the state, the reason and the secret: the
        // list follows NOTIFICATION_COLS, so a new column is carried over as it comes.
        let values: Vec<String> = NOTIFICATION_COLS
            .split(',')
            .map(|c| match c.trim() {
                "state" => "'held'".to_string(),
                "last_error" => format!("'{quoted}'"),
                "next_attempt_at" | "link_token" => "NULL".to_string(),
                c => format!("NEW.{c}"),
            })
            .collect();
        // A TEMP trigger belongs to this connection (the store's only writer) and is not written
        // into the file. RAISE(IGNORE) drops the original row once the copy without its secret
        // is in; the copy does not fire the trigger (recursive triggers are off; it has no link).
        store.exec_write(
            &format!(
                "CREATE TEMP TRIGGER IF NOT EXISTS notifications_without_link_secrets \
                 BEFORE INSERT ON notifications WHEN NEW.link_token IS NOT NULL BEGIN \
                 INSERT INTO notifications ({NOTIFICATION_COLS}) VALUES ({}); \
                 SELECT RAISE(IGNORE); END",
                values.join(", ")
            ),
            [],
        )?;
        Ok(store)
    }
}

/// Hold the messages an earlier version left waiting with their link, without it, on a
/// connection of its own that is the file's only one: `secure_delete` overwrites the freed
/// bytes, VACUUM rewrites the free pages (links of messages superseded meanwhile may be there),
/// and the WAL is checkpointed into the file and emptied, so no copy of a secret is left in
/// either. A database older than the outbox's columns has nothing to purge.
fn purge_link_secrets(path: &Path, why: &str) -> Result<()> {
    let c = rusqlite::Connection::open(path)?;
    c.busy_timeout(std::time::Duration::from_secs(5))?;
    let waiting: i64 = c
        .query_row(
            "SELECT count(*) FROM notifications WHERE link_token IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap_or(0);
    if waiting > 0 {
        c.pragma_update(None, "secure_delete", true)?;
        c.execute(
            "UPDATE notifications SET state = 'held', last_error = ?1, next_attempt_at = NULL, \
             link_token = NULL WHERE link_token IS NOT NULL",
            params![why],
        )?;
        c.execute_batch("VACUUM")?;
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    }
    Ok(())
}
