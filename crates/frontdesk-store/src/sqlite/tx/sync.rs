//! Desk mutations' outcomes and the change feed.

use frontdesk_core::{id, Id, Portal, Timestamp};
use rusqlite::params;

use super::SqlTx;
use crate::sqlite::rows::{self, micros, MUTATION_COLS};
use crate::{MutationOutcome, Result, SyncRows, WalkInRecord};

impl SyncRows for SqlTx<'_> {
    fn mutation(&self, id: &str) -> Result<Option<MutationOutcome>> {
        self.one(
            &format!("SELECT {MUTATION_COLS} FROM mutations WHERE id = ?1"),
            [id],
            rows::mutation,
        )
    }

    fn record_mutation(
        &mut self,
        m: &MutationOutcome,
        user_id: &Id<id::User>,
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

    fn walk_in(&self, id: &str) -> Result<Option<WalkInRecord>> {
        let row = self.one(
            "SELECT building_id, invite_id, sync_blockers FROM walk_ins WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get("building_id")?,
                    r.get("invite_id")?,
                    r.get::<_, String>("sync_blockers")?,
                ))
            },
        )?;
        row.map(|(building_id, invite_id, blockers)| {
            Ok(WalkInRecord {
                id: id.to_owned(),
                building_id,
                invite_id,
                sync_blockers: serde_json::from_str(&blockers)?,
            })
        })
        .transpose()
    }

    fn record_walk_in(
        &mut self,
        w: &WalkInRecord,
        user_id: &Id<id::User>,
        now: Timestamp,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO walk_ins (id, building_id, invite_id, user_id, sync_blockers, recorded_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                w.id,
                w.building_id,
                w.invite_id,
                user_id,
                serde_json::to_string(&w.sync_blockers)?,
                micros(now)
            ],
        )?;
        Ok(())
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
