//! The connections: one writer (SQLite serialises writers anyway, and a single connection
//! avoids busy retries), and a small pool of read-only readers that WAL lets run beside it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags};

use super::migrations::migrate;
use super::tx::SqlTx;
use crate::{Result, Store, StoreError, Transactions, Tx};

pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

impl SqliteStore {
    /// Open (creating if needed) the database at `path` and bring its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Backend(format!("cannot create {}: {e}", dir.display()).into())
            })?;
        }
        let mut conn = Connection::open(&path)?;
        configure(&conn)?;
        migrate(&mut conn)?;
        Ok(Self {
            path,
            writer: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Run `f` in one write transaction: committed when it returns `Ok`, rolled back otherwise.
    pub fn write<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        let mut conn = self.writer()?;
        let txn = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut tx = SqlTx { conn: &txn };
        let out = f(&mut tx)?;
        txn.commit()?;
        Ok(out)
    }

    /// Run `f` on a consistent snapshot (a read transaction on a pooled reader).
    pub fn read<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        self.with_reader(|conn| {
            let txn = conn.unchecked_transaction()?;
            let mut tx = SqlTx { conn: &txn };
            let out = f(&mut tx)?;
            txn.finish()?;
            Ok(out)
        })
    }

    /// One statement in its own write transaction (outbox bookkeeping).
    pub(crate) fn exec_write(&self, sql: &str, p: impl rusqlite::Params) -> Result<()> {
        self.writer()?.prepare_cached(sql)?.execute(p)?;
        Ok(())
    }

    fn writer(&self) -> Result<std::sync::MutexGuard<'_, Connection>> {
        self.writer
            .lock()
            .map_err(|_| StoreError::Backend("writer lock poisoned".into()))
    }

    /// Lend a read-only connection to `f`, returning it to the pool afterwards.
    pub(crate) fn with_reader<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let pooled = self.readers.lock().ok().and_then(|mut p| p.pop());
        let conn = match pooled {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    &self.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                configure(&c)?;
                c
            }
        };
        let out = f(&conn);
        if let Ok(mut p) = self.readers.lock() {
            // Keep a few for reuse; under a burst extra readers are opened and dropped.
            if p.len() < 8 {
                p.push(conn);
            }
        }
        out
    }
}

impl Transactions for SqliteStore {
    fn write_with(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        self.write(f)
    }

    fn read_with(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        self.read(f)
    }
}

/// So that whoever opens the database can hand it to the service as it is.
impl From<SqliteStore> for Arc<dyn Store> {
    fn from(store: SqliteStore) -> Self {
        Arc::new(store)
    }
}

fn configure(conn: &Connection) -> Result<()> {
    // WAL lets readers run beside the writer; NORMAL keeps every commit safe from a killed
    // process (the WAL is written before commit returns) and syncs at checkpoints.
    conn.pragma_update(None, "journal_mode", "WAL").ok();
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}
