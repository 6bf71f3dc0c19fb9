//! The desk's print journal, in its own SQLite file beside `desk.json`: what each badge print
//! request became survives the app closing, so a request never prints twice and a job sent just
//! before a restart is followed up rather than sent again. It belongs to the desk (its printer),
//! not to whoever is signed in, so it is not in a session's cache.

use std::path::Path;
use std::sync::Mutex;

use frontdesk_devices::journal::{JournalEntry, JournalError, PrintJournal, PrintState};
use rusqlite::{params, Connection, OptionalExtension};

pub struct SqliteJournal {
    conn: Mutex<Connection>,
}

fn failed(e: impl std::fmt::Display) -> JournalError {
    JournalError(e.to_string())
}

impl SqliteJournal {
    pub fn open(path: &Path) -> Result<Self, JournalError> {
        let conn = Connection::open(path).map_err(failed)?;
        // FULL: "job 12 was sent" must be on disk before the app can be closed, or a restart
        // would send the badge again.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(failed)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS print_jobs (
                request_id TEXT PRIMARY KEY,
                printer    TEXT NOT NULL,
                job_id     INTEGER NOT NULL,
                state      TEXT NOT NULL,
                updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            );
            CREATE INDEX IF NOT EXISTS print_jobs_state ON print_jobs(state);",
        )
        .map_err(failed)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, JournalError> {
        let c = self.conn.lock().map_err(|_| {
            JournalError("a print failed half-way through and left it locked".into())
        })?;
        f(&c).map_err(failed)
    }
}

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<JournalEntry> {
    let state: String = r.get("state")?;
    Ok(JournalEntry {
        request_id: r.get("request_id")?,
        printer: r.get("printer")?,
        job_id: r.get("job_id")?,
        // A state this version does not know is followed up like a job not yet ended.
        state: PrintState::parse(&state).unwrap_or(PrintState::Sent),
    })
}

impl PrintJournal for SqliteJournal {
    fn entry(&self, request_id: &str) -> Result<Option<JournalEntry>, JournalError> {
        self.with(|c| {
            c.query_row(
                "SELECT * FROM print_jobs WHERE request_id = ?1",
                [request_id],
                entry,
            )
            .optional()
        })
    }

    fn record(&self, e: &JournalEntry) -> Result<(), JournalError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO print_jobs (request_id, printer, job_id, state) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (request_id) DO UPDATE SET printer = ?2, job_id = ?3, state = ?4,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                params![e.request_id, e.printer, e.job_id, e.state.as_str()],
            )
            .map(drop)
        })
    }

    fn unfinished(&self) -> Result<Vec<JournalEntry>, JournalError> {
        self.with(|c| {
            c.prepare("SELECT * FROM print_jobs WHERE state = 'sent' ORDER BY updated_at")?
                .query_map([], entry)?
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_request_became_survives_reopening() -> Result<(), JournalError> {
        let dir = tempfile::tempdir().map_err(failed)?;
        let path = dir.path().join("prints.db");
        let sent = JournalEntry {
            request_id: "r1".into(),
            printer: "ipp://127.0.0.1:8631/ipp/print".into(),
            job_id: 7,
            state: PrintState::Sent,
        };
        SqliteJournal::open(&path)?.record(&sent)?;
        let again = SqliteJournal::open(&path)?;
        assert_eq!(again.entry("r1")?, Some(sent.clone()));
        assert_eq!(again.unfinished()?, vec![sent.clone()]);
        let done = JournalEntry {
            state: PrintState::Completed,
            ..sent
        };
        again.record(&done)?;
        assert_eq!(SqliteJournal::open(&path)?.entry("r1")?, Some(done));
        assert!(again.unfinished()?.is_empty());
        assert_eq!(again.entry("r2")?, None);
        Ok(())
    }
}
