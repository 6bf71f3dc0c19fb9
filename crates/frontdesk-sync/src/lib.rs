//! The front desk's side of sync.
//!
//! A [`Desk`] keeps its portal's invites in a local SQLite cache, pulled from the server's ordered
//! change feed from a cursor. The receptionist's changes (arrival, check-out, …) are applied to
//! the cache at once and queued in an outbox with ids made on the desk (UUIDv7), then pushed in
//! order; the server applies each exactly once and answers with its outcome, so a retried push
//! is harmless. While the server is unreachable the desk still finds invites and records
//! changes; "n changes waiting to sync" is [`Desk::pending`]. What changed on the server
//! meanwhile (a cancel before the arrival, the same visitor arrived at two desks) comes back as a
//! conflict, kept for the receptionist to see ([`Desk::conflicts`]), never dropped.

mod cache;

use std::path::Path;
use std::time::Duration;

use chrono::Utc;
use frontdesk_core::{DomainError, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use thiserror::Error;

pub use cache::{CachedInvite, Conflict};

#[derive(Debug, Error)]
pub enum SyncError {
    #[error("the portal service cannot be reached: {0}")]
    Offline(String),
    #[error("the portal service refused: {0}")]
    Refused(String),
    #[error(transparent)]
    Rule(#[from] DomainError),
    #[error("the desk's cache failed: {0}")]
    Cache(String),
    #[error("there is no invite {0} in this desk's cache")]
    UnknownInvite(String),
}

impl From<rusqlite::Error> for SyncError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Cache(e.to_string())
    }
}

impl From<serde_json::Error> for SyncError {
    fn from(e: serde_json::Error) -> Self {
        Self::Cache(e.to_string())
    }
}

pub type Result<T, E = SyncError> = std::result::Result<T, E>;

/// A change the receptionist made, as queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    CheckIn,
    Arrive,
    CheckOut,
    Cancel,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CheckIn => "check_in",
            Self::Arrive => "arrive",
            Self::CheckOut => "check_out",
            Self::Cancel => "cancel",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::CheckIn, Self::Arrive, Self::CheckOut, Self::Cancel]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub pushed: usize,
    pub applied: usize,
    pub conflicts: usize,
    pub pulled: usize,
}

pub struct Desk {
    cache: cache::Cache,
    server: String,
    token: String,
    http: reqwest::blocking::Client,
    /// For the change stream, which stays open: no overall timeout, only for connecting.
    stream: reqwest::blocking::Client,
}

/// Pushes go in batches of at most this many (the server's limit).
const BATCH: usize = 500;

impl Desk {
    /// Open (or create) the desk's cache at `path`, for the portal service at `server`.
    pub fn open(path: impl AsRef<Path>, server: &str, token: &str) -> Result<Self> {
        Ok(Self {
            cache: cache::Cache::open(path.as_ref())?,
            server: server.trim_end_matches('/').to_string(),
            token: token.to_string(),
            http: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(10))
                .connect_timeout(Duration::from_secs(3))
                .build()
                .map_err(|e| SyncError::Offline(e.to_string()))?,
            stream: reqwest::blocking::Client::builder()
                .connect_timeout(Duration::from_secs(3))
                .build()
                .map_err(|e| SyncError::Offline(e.to_string()))?,
        })
    }

    /// Follow the server's change stream from the cache's cursor, applying each change as it
    /// arrives, so another desk's check-in shows here at once. Returns when the stream ends or
    /// breaks, or when `stop` is set (checked at each event and at the server's keep-alives);
    /// the caller reconnects after a pause, and a pull covers whatever was missed.
    #[tracing::instrument(skip_all, err(Display))]
    pub fn follow(&self, stop: &std::sync::atomic::AtomicBool) -> Result<()> {
        use std::io::BufRead;
        let since = self.cache.cursor()?;
        let resp = self
            .stream
            .get(format!(
                "{}/api/v1/changes/stream?since={since}",
                self.server
            ))
            .bearer_auth(&self.token)
            .send()
            .map_err(|e| SyncError::Offline(e.to_string()))?;
        if !resp.status().is_success() {
            return Err(SyncError::Refused(format!(
                "the change stream answered {}",
                resp.status()
            )));
        }
        let mut seq: Option<i64> = None;
        for line in std::io::BufReader::new(resp).lines() {
            if stop.load(std::sync::atomic::Ordering::Relaxed) {
                return Ok(());
            }
            let line = line.map_err(|e| SyncError::Offline(e.to_string()))?;
            if let Some(id) = line.strip_prefix("id:") {
                seq = id.trim().parse().ok();
            } else if let Some(data) = line.strip_prefix("data:") {
                let change: Value = serde_json::from_str(data.trim())?;
                let at = seq.or_else(|| change["seq"].as_i64()).unwrap_or_default();
                self.apply_changes(&[change], at)?;
            }
        }
        Ok(())
    }

    /// Pull, push what is queued, and pull what the push changed.
    #[tracing::instrument(name = "desk_sync", skip_all, err(Display))]
    pub fn sync(&self) -> Result<SyncReport> {
        let mut report = SyncReport {
            pulled: self.pull()?,
            ..SyncReport::default()
        };
        let pushed = self.push()?;
        report.pushed = pushed.pushed;
        report.applied = pushed.applied;
        report.conflicts = pushed.conflicts;
        report.pulled += self.pull()?;
        Ok(report)
    }

    /// Apply every change after the cache's cursor; returns how many.
    #[tracing::instrument(skip_all, err(Display))]
    pub fn pull(&self) -> Result<usize> {
        let mut total = 0;
        loop {
            let since = self.cache.cursor()?;
            let page: Value = self.get(&format!("/api/v1/changes?since={since}&limit=500"))?;
            let changes = page["changes"].as_array().cloned().unwrap_or_default();
            if changes.is_empty() {
                return Ok(total);
            }
            total += changes.len();
            let last = page["last_seq"].as_i64().unwrap_or(since);
            self.apply_changes(&changes, last)?;
        }
    }

    /// Apply change-feed entries received another way (the server-sent event stream), up to
    /// `last_seq`.
    pub fn apply_changes(&self, changes: &[Value], last_seq: i64) -> Result<()> {
        self.cache.apply_changes(changes, last_seq)
    }

    /// Push the outbox in order; each mutation's outcome is kept.
    #[tracing::instrument(skip_all, err(Display))]
    pub fn push(&self) -> Result<SyncReport> {
        let mut report = SyncReport::default();
        loop {
            let batch = self.cache.pending_batch(BATCH)?;
            if batch.is_empty() {
                return Ok(report);
            }
            let body = json!({ "mutations": batch.iter().map(|m| json!({
                "id": m.id, "invite_id": m.invite_id, "action": m.action.as_str(), "at": m.at,
            })).collect::<Vec<_>>() });
            let resp: Value = self.post("/api/v1/mutations", &body)?;
            let results = resp["results"].as_array().cloned().unwrap_or_default();
            if results.len() != batch.len() {
                return Err(SyncError::Refused(
                    "the push was answered only in part".into(),
                ));
            }
            for r in &results {
                match r["outcome"].as_str() {
                    Some("applied") => report.applied += 1,
                    _ => report.conflicts += 1,
                }
            }
            report.pushed += results.len();
            self.cache.record_outcomes(&results)?;
        }
    }

    fn record(&self, invite_id: &str, action: Action) -> Result<CachedInvite> {
        self.cache
            .record(invite_id, action, &uuid::Uuid::now_v7().to_string(), now())
    }

    /// The visitor is at the desk. Applied to the cache at once and queued for the server.
    pub fn arrive(&self, invite_id: &str) -> Result<CachedInvite> {
        self.record(invite_id, Action::Arrive)
    }

    pub fn check_out(&self, invite_id: &str) -> Result<CachedInvite> {
        self.record(invite_id, Action::CheckOut)
    }

    pub fn check_in(&self, invite_id: &str) -> Result<CachedInvite> {
        self.record(invite_id, Action::CheckIn)
    }

    /// Changes waiting to sync.
    pub fn pending(&self) -> Result<usize> {
        self.cache.pending_count()
    }

    /// Changes the server could not apply because something changed meanwhile (or refused),
    /// for the receptionist to see.
    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        self.cache.conflicts()
    }

    /// How many changes the server did not apply: the status bar's count.
    pub fn conflict_count(&self) -> Result<usize> {
        self.cache.conflict_count()
    }

    pub fn invite(&self, id: &str) -> Result<Option<CachedInvite>> {
        self.cache.invite(id)
    }

    /// The invite a scanned badge code (a keyboard-wedge scanner's text) names.
    pub fn find_code(&self, code: &str) -> Result<Option<CachedInvite>> {
        self.cache.find_code(code.trim())
    }

    /// The day's visits and who is on site, with the Invite Origin filter.
    pub fn day(
        &self,
        from: Timestamp,
        to: Timestamp,
        origin: Option<frontdesk_core::Origin>,
        limit: usize,
    ) -> Result<Vec<CachedInvite>> {
        self.cache
            .day(from, to, origin.map(frontdesk_core::Origin::as_str), limit)
    }

    /// Moves whenever what the desk shows may have changed.
    pub fn revision(&self) -> Result<String> {
        self.cache.revision()
    }

    /// Keep an invite as the server just described it (the answer to an online action).
    pub fn remember(&self, invite: &Value) -> Result<()> {
        if !invite["id"].is_string() {
            return Err(SyncError::Cache("the server's answer has no invite".into()));
        }
        self.cache.remember(invite)
    }

    /// The server this desk syncs with.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// Cancel the visit; queued like an arrival, so it works offline too.
    pub fn cancel(&self, invite_id: &str) -> Result<CachedInvite> {
        self.record(invite_id, Action::Cancel)
    }

    /// Search as you type: visitor name, company, host or email.
    pub fn search(&self, q: &str, limit: usize) -> Result<Vec<CachedInvite>> {
        self.cache.search(q, limit)
    }

    fn get(&self, path: &str) -> Result<Value> {
        let r = self
            .http
            .get(format!("{}{path}", self.server))
            .bearer_auth(&self.token)
            .send()
            .map_err(|e| SyncError::Offline(e.to_string()))?;
        answer(r)
    }

    fn post(&self, path: &str, body: &Value) -> Result<Value> {
        let r = self
            .http
            .post(format!("{}{path}", self.server))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .map_err(|e| SyncError::Offline(e.to_string()))?;
        answer(r)
    }
}

fn answer(r: reqwest::blocking::Response) -> Result<Value> {
    let status = r.status();
    let body: Value = r.json().map_err(|e| SyncError::Offline(e.to_string()))?;
    if !status.is_success() {
        return Err(SyncError::Refused(
            body["error"]["message"]
                .as_str()
                .unwrap_or("no reason given")
                .to_string(),
        ));
    }
    Ok(body)
}

fn now() -> Timestamp {
    frontdesk_core::to_stored_precision(Utc::now())
}
