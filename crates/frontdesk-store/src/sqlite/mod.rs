//! The SQLite backend: [`SqliteStore`] implements [`crate::Store`] over one database file.
//!
//! - `pool`: the writer and the pooled readers, with their pragmas;
//! - `migrations`: the schema's versions;
//! - `rows`: rows to records, one mapping per record type, by column name (`columns`);
//! - `tx`: [`crate::Tx`] over one open transaction, a file per part of it;
//! - `queries`, `outbox`, `health`: the read models, the outbox and the health checks.

mod columns;
mod health;
mod migrations;
mod outbox;
mod pool;
mod queries;
mod rows;
mod tx;

pub use pool::SqliteStore;

impl crate::backend::Error for rusqlite::Error {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::sync::Arc;

    use super::SqliteStore;
    use crate::{Building, Store, StoreError};

    fn store() -> (tempfile::TempDir, Arc<dyn Store>) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("t.db")).unwrap();
        (dir, store.into())
    }

    fn building(id: &str) -> Building {
        Building {
            id: id.into(),
            name: format!("Tower {id}"),
            timezone: "Europe/London".into(),
            language: "en".into(),
            created_at: chrono::DateTime::from_timestamp_micros(1_764_000_000_000_000).unwrap(),
        }
    }

    /// Through `dyn Store` a body's value comes back, and a body that fails leaves nothing.
    #[test]
    fn a_transaction_through_the_trait_is_all_or_nothing() {
        let (_dir, store) = store();
        let n = store
            .write(|tx| {
                tx.insert_building(&building("b1"))?;
                Ok(7)
            })
            .unwrap();
        assert_eq!(n, 7);
        let failed = store.write(|tx| {
            tx.insert_building(&building("b2"))?;
            tx.insert_building(&building("b1"))
        });
        assert!(failed.is_err());
        let (b1, b2) = store
            .read(|tx| Ok((tx.building(&"b1".into())?, tx.building(&"b2".into())?)))
            .unwrap();
        assert_eq!(
            b1,
            Some(building("b1")),
            "read back by column name as written"
        );
        assert_eq!(b2, None, "rolled back with the insert that failed");
    }

    /// The database's own error stays reachable as the source, not only as text.
    #[test]
    fn a_database_error_keeps_its_source() {
        let (_dir, store) = store();
        store
            .write(|tx| tx.insert_building(&building("b1")))
            .unwrap();
        let e = store
            .write(|tx| tx.insert_building(&building("b1")))
            .unwrap_err();
        assert!(matches!(e, StoreError::Backend(_)), "{e:?}");
        let source = std::error::Error::source(&e).unwrap();
        let sqlite = source.downcast_ref::<rusqlite::Error>().unwrap();
        assert_eq!(
            sqlite.sqlite_error_code(),
            Some(rusqlite::ErrorCode::ConstraintViolation)
        );
        assert!(e.to_string().starts_with("database error: "), "{e}");
    }
}
