//! What an operator asks of the database: is it reachable with its schema up to date, and how
//! far behind is message delivery.

use frontdesk_core::Timestamp;

use crate::sqlite::{ts, MIGRATIONS};
use crate::{Result, SqliteStore};

/// Messages waiting to go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxBacklog {
    pub queued: u64,
    /// When the oldest waiting message was queued.
    pub oldest: Option<Timestamp>,
}

impl SqliteStore {
    /// Whether a reader answers and every migration this build knows has been applied.
    pub fn schema_current(&self) -> Result<bool> {
        self.with_reader(|c| {
            let version: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0))?;
            Ok(version == MIGRATIONS.len() as i64)
        })
    }

    pub fn outbox_backlog(&self) -> Result<OutboxBacklog> {
        self.with_reader(|c| {
            let (queued, oldest): (i64, Option<i64>) = c.query_row(
                "SELECT count(*), min(created_at) FROM notifications WHERE state = 'queued'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Ok(OutboxBacklog {
                queued: queued.max(0) as u64,
                oldest: oldest.map(ts),
            })
        })
    }
}
