//! [`Health`] on SQLite: asked of a reader, so a stuck writer does not make the check hang.

use super::migrations::MIGRATIONS;
use super::rows::ts;
use super::SqliteStore;
use crate::health::{Health, OutboxBacklog};
use crate::Result;

impl Health for SqliteStore {
    fn schema_current(&self) -> Result<bool> {
        self.with_reader(|c| {
            let version: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0))?;
            Ok(version == MIGRATIONS.len() as i64)
        })
    }

    fn outbox_backlog(&self) -> Result<OutboxBacklog> {
        self.with_reader(|c| {
            let (queued, oldest): (i64, Option<i64>) = c.query_row(
                "SELECT count(*) AS queued, min(created_at) AS oldest FROM notifications \
                 WHERE state = 'queued'",
                [],
                |r| Ok((r.get("queued")?, r.get("oldest")?)),
            )?;
            Ok(OutboxBacklog {
                queued: queued.max(0) as u64,
                oldest: oldest.map(ts),
            })
        })
    }
}
