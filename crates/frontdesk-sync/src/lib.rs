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
use frontdesk_api::limits::{CHANGES_PAGE, MAX_MUTATIONS_PER_PUSH};
use frontdesk_api::{Change, InviteView, MutationResult, Push, Since};
use frontdesk_client::{Client, ClientError, StreamItem, Transport};
use frontdesk_core::{DomainError, Timestamp};
use serde_json::Value;
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

impl From<ClientError> for SyncError {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Refused { message, .. } => Self::Refused(message),
            ClientError::Offline(why) => Self::Offline(why),
            // An answer that is not the portal's (a captive portal's page, a proxy's error) means
            // the portal is not really reached: the desk retries with backoff, as when offline.
            e @ (ClientError::Unexpected(_) | ClientError::Address(_) | ClientError::Setup(_)) => {
                Self::Offline(e.to_string())
            }
        }
    }
}

impl From<serde_json::Error> for SyncError {
    fn from(e: serde_json::Error) -> Self {
        Self::Cache(e.to_string())
    }
}

pub type Result<T, E = SyncError> = std::result::Result<T, E>;

/// A change the receptionist made, as queued: the same four verbs the server applies.
pub use frontdesk_core::VisitAction as Action;

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
    portal: Client,
    /// For the change stream, which stays open: no overall timeout, only for connecting.
    stream: Client,
}

impl Desk {
    /// Open (or create) the desk's cache at `path`, for the portal service at `server`.
    pub fn open(path: impl AsRef<Path>, server: &str, token: &str) -> Result<Self> {
        let connect = Duration::from_secs(3);
        let portal = |answer| -> Result<Client> {
            Ok(Client::new(&Transport::new(connect, answer)?, server)?.signed_in(token))
        };
        Ok(Self {
            cache: cache::Cache::open(path.as_ref())?,
            server: server.trim_end_matches('/').to_string(),
            portal: portal(Some(Duration::from_secs(10)))?,
            stream: portal(None)?,
        })
    }

    /// Follow the server's change stream from the cache's cursor, applying each change as it
    /// arrives, so another desk's check-in shows here at once. Returns when the stream ends or
    /// breaks, or when `stop` is set (checked at each event and at the server's keep-alives);
    /// the caller reconnects after a pause, and a pull covers whatever was missed.
    #[tracing::instrument(skip_all, err(Display))]
    pub fn follow(&self, stop: &std::sync::atomic::AtomicBool) -> Result<()> {
        let since = self.cache.cursor()?;
        for item in self.stream.change_stream(since)? {
            if stop.load(std::sync::atomic::Ordering::Relaxed) {
                return Ok(());
            }
            if let StreamItem::Change { seq, change } = item? {
                self.apply_feed(std::slice::from_ref(&change), seq)?;
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
            let page = self.portal.changes(&Since {
                since: Some(self.cache.cursor()?),
                limit: Some(CHANGES_PAGE),
            })?;
            if page.changes.is_empty() {
                return Ok(total);
            }
            total += page.changes.len();
            self.apply_feed(&page.changes, page.last_seq)?;
        }
    }

    /// Apply change-feed entries up to `last_seq`.
    fn apply_feed(&self, changes: &[Change], last_seq: i64) -> Result<()> {
        self.cache.apply_invites(
            changes
                .iter()
                .filter(|c| c.entity == "invite")
                .map(|c| (c.entity_id.as_str(), &c.data)),
            last_seq,
        )
    }

    /// Apply change-feed entries given as JSON, up to `last_seq`: invites only, each with the
    /// fields the cache lists and finds them by (how the benchmarks fill a cache without a
    /// portal).
    pub fn apply_changes(&self, changes: &[Value], last_seq: i64) -> Result<()> {
        self.cache.apply_invites(
            changes
                .iter()
                .filter(|c| c["entity"] == "invite")
                .map(|c| (c["entity_id"].as_str().unwrap_or_default(), &c["data"])),
            last_seq,
        )
    }

    /// Queue a kiosk's walk-in made while the portal was out of reach (`walk_in` is the
    /// request as the portal takes it, for the building `building_id`).
    pub fn queue_walk_in(&self, id: &str, building_id: &str, walk_in: &Value) -> Result<()> {
        self.cache.queue_walk_in(id, building_id, walk_in)
    }

    /// Send the queued walk-ins, oldest first; a refusal is kept for the receptionist.
    fn push_walk_ins(&self, report: &mut SyncReport) -> Result<()> {
        for (id, building, body) in self.cache.pending_walk_ins()? {
            let walk_in: frontdesk_api::WalkIn = serde_json::from_value(body)?;
            report.pushed += 1;
            match self.portal.walk_in(&building, &walk_in) {
                Ok(done) => {
                    report.applied += 1;
                    self.cache.remember(&serde_json::to_value(&done.invite)?)?;
                    self.cache.walk_in_done(&id, None)?;
                }
                Err(ClientError::Refused { code, message, .. }) => {
                    report.conflicts += 1;
                    self.cache.walk_in_done(&id, Some((&code, &message)))?;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Push the queued walk-ins, then the outbox in order; each outcome is kept.
    #[tracing::instrument(skip_all, err(Display))]
    pub fn push(&self) -> Result<SyncReport> {
        let mut report = SyncReport::default();
        self.push_walk_ins(&mut report)?;
        loop {
            let mutations = self.cache.pending_batch(MAX_MUTATIONS_PER_PUSH)?;
            if mutations.is_empty() {
                return Ok(report);
            }
            let sent = mutations.len();
            let results = self.portal.push(&Push { mutations })?.results;
            if results.len() != sent {
                return Err(SyncError::Refused(
                    "the push was answered only in part".into(),
                ));
            }
            for r in &results {
                match r.outcome.outcome {
                    MutationResult::Applied => report.applied += 1,
                    MutationResult::Conflict | MutationResult::Refused => report.conflicts += 1,
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
    pub fn remember(&self, invite: &InviteView) -> Result<()> {
        self.cache.remember(&serde_json::to_value(invite)?)
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
}

fn now() -> Timestamp {
    frontdesk_core::to_stored_precision(Utc::now())
}

#[cfg(test)]
mod tests {
    use frontdesk_client::{ClientError, StatusCode};

    use super::SyncError;

    #[test]
    fn only_a_refusal_keeps_the_desk_online() {
        let refused = SyncError::from(ClientError::Refused {
            status: StatusCode::UNAUTHORIZED,
            code: "unauthorized".into(),
            message: "Sign in again.".into(),
        });
        assert!(matches!(&refused, SyncError::Refused(m) if m == "Sign in again."));
        for e in [
            ClientError::Offline("no answer in time".into()),
            ClientError::Unexpected("expected value".into()),
        ] {
            assert!(matches!(SyncError::from(e), SyncError::Offline(_)));
        }
    }
}
