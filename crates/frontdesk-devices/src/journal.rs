//! The print journal: what each print request became, so that a request never prints twice and a
//! job sent before the desk app stopped is followed up when it starts again, not sent a second
//! time. The queue ([`crate::printer::PrintQueue`]) writes it; where it is kept is the caller's
//! choice: the desk keeps it in its SQLite database, the one-shot CLI in memory.

use std::collections::HashMap;
use std::sync::Mutex;

use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintState {
    /// The printer accepted the job; how it ended is not known yet.
    Sent,
    Completed,
    /// Aborted or cancelled at the printer: the request may be printed again.
    Failed,
}

impl PrintState {
    pub fn as_str(self) -> &'static str {
        match self {
            PrintState::Sent => "sent",
            PrintState::Completed => "completed",
            PrintState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sent" => Some(PrintState::Sent),
            "completed" => Some(PrintState::Completed),
            "failed" => Some(PrintState::Failed),
            _ => None,
        }
    }
}

/// A request's job as the journal knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    pub request_id: String,
    pub printer: String,
    pub job_id: i32,
    pub state: PrintState,
}

#[derive(Debug, Error)]
#[error("The print journal cannot be read or written: {0}")]
pub struct JournalError(pub String);

pub trait PrintJournal: Send + Sync {
    fn entry(&self, request_id: &str) -> Result<Option<JournalEntry>, JournalError>;
    /// Record the job a request became (replacing a failed one).
    fn record(&self, entry: &JournalEntry) -> Result<(), JournalError>;
    /// Jobs sent whose end is not known: the ones to follow up after a restart.
    fn unfinished(&self) -> Result<Vec<JournalEntry>, JournalError>;
}

/// A journal that lasts as long as the process: enough for one CLI command.
#[derive(Default)]
pub struct MemoryJournal(Mutex<HashMap<String, JournalEntry>>);

impl PrintJournal for MemoryJournal {
    fn entry(&self, request_id: &str) -> Result<Option<JournalEntry>, JournalError> {
        Ok(self.lock()?.get(request_id).cloned())
    }

    fn record(&self, entry: &JournalEntry) -> Result<(), JournalError> {
        self.lock()?.insert(entry.request_id.clone(), entry.clone());
        Ok(())
    }

    fn unfinished(&self) -> Result<Vec<JournalEntry>, JournalError> {
        Ok(self
            .lock()?
            .values()
            .filter(|e| e.state == PrintState::Sent)
            .cloned()
            .collect())
    }
}

impl MemoryJournal {
    fn lock(
        &self,
    ) -> Result<std::sync::MutexGuard<'_, HashMap<String, JournalEntry>>, JournalError> {
        self.0
            .lock()
            .map_err(|_| JournalError("a print failed half-way through and left it locked".into()))
    }
}
