//! [`Store`]: everything the portal service asks of its storage, whatever the database. The
//! service holds it as `Arc<dyn Store>`, so each part is object-safe: a transaction's body is
//! passed as `&mut dyn FnMut`, and `write`/`read` on `dyn Store` give it back its result.

use frontdesk_core::{id, Id, Origin, Portal, Timestamp};

use crate::health::Health;
use crate::queries::{Change, LogEntry, LogFilter, ReportRow, Summary, Visibility};
use crate::{Notification, Result, StoreError, Tx};

/// One write transaction or one read snapshot, over [`Tx`].
pub trait Transactions {
    /// Run `f` once in one write transaction: committed when it returns `Ok`, rolled back
    /// otherwise.
    fn write_with(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>;

    /// Run `f` once on a consistent snapshot; what it writes is never committed.
    fn read_with(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>;
}

/// The read models: visitor logs, the summary widget, CSV export, the activity report, the
/// change feed and the notification list. Each takes the portals the caller may see, resolved by
/// the caller through the access rules ([`crate::queries::visibility`]).
pub trait ReadModels {
    /// One page of a portal's visitor log, newest visit first. Returns one row more than
    /// `limit` when there is a next page.
    fn visitor_logs(
        &self,
        portal: &Portal,
        f: &LogFilter,
        now: Timestamp,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<LogEntry>>;

    /// Stream every row the filtered log shows to `sink`, in log order, without holding them
    /// in memory. `sink` returns false to stop early (the client went away).
    fn export_logs(
        &self,
        portal: &Portal,
        f: &LogFilter,
        now: Timestamp,
        sink: &mut dyn FnMut(LogEntry) -> bool,
    ) -> Result<()>;

    /// The Visitor Summary widget: counts under the same filters (its status filter excepted).
    fn visitor_summary(&self, portal: &Portal, f: &LogFilter, now: Timestamp) -> Result<Summary>;

    /// Global Overview → Visitor Management Activity: what happened per location and day, in
    /// the given portals, counted from the activity events.
    fn activity_report(
        &self,
        portals: &[Portal],
        origins: &[Origin],
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<ReportRow>>;

    /// Changes after `since` that the visibility covers, oldest first.
    fn changes_since(&self, vis: &Visibility, since: i64, limit: usize) -> Result<Vec<Change>>;

    /// How many invites are stored, all portals together.
    fn invite_count(&self) -> Result<i64>;

    /// The newest change sequence number (0 when there is none).
    fn last_change_seq(&self) -> Result<i64>;

    /// The newest messages the visibility covers, newest first.
    fn notifications(&self, vis: &Visibility, limit: usize) -> Result<Vec<Notification>>;
}

/// The invitation outbox as the delivery worker sees it: what is due, and what became of it.
/// One worker drains it, so a message is claimed by nobody else while it is being sent.
pub trait Outbox {
    /// Queued messages whose next attempt is due, oldest first.
    fn due_notifications(&self, now: Timestamp, limit: usize) -> Result<Vec<Notification>>;

    /// Delivered: the link's secret is no longer needed and is dropped.
    fn mark_sent(&self, id: &Id<id::Notification>, at: Timestamp) -> Result<()>;

    /// A failed attempt: try again at `next`, or give up (`state = failed`) when `next` is None.
    fn mark_attempt_failed(
        &self,
        id: &Id<id::Notification>,
        error: &str,
        next: Option<Timestamp>,
    ) -> Result<()>;

    /// No transport is configured for the message's channel: keep it, visible to admins.
    fn mark_held(&self, id: &Id<id::Notification>, why: &str) -> Result<()>;

    /// A transport for `channel` now exists: messages held for it go out after all (those that
    /// still have their link).
    fn requeue_held(&self, channel: &str, now: Timestamp) -> Result<()>;

    /// One attempt at delivering a webhook event: the receiver's status when it answered, the
    /// error when the attempt failed, and how long it took.
    fn record_webhook_attempt(
        &self,
        id: &Id<id::Notification>,
        at: Timestamp,
        status: Option<u16>,
        error: Option<&str>,
        duration_ms: u64,
    ) -> Result<()>;
}

/// A database the portal service can run on. Implemented by every type that has all the
/// parts; `SqliteStore` is one, and a PostgreSQL backend would be another.
pub trait Store: Transactions + ReadModels + Outbox + Health + Send + Sync {}

impl<S: Transactions + ReadModels + Outbox + Health + Send + Sync> Store for S {}

impl<'a> dyn Store + 'a {
    /// Run `f` in one write transaction: committed when it returns `Ok`, rolled back otherwise.
    pub fn write<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        once(f, |body| self.write_with(body))
    }

    /// Run `f` on a consistent snapshot.
    pub fn read<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        once(f, |body| self.read_with(body))
    }
}

/// Run a one-shot transaction body through `run`, which takes a reusable one, and return what
/// the body returned.
fn once<T>(
    f: impl FnOnce(&mut dyn Tx) -> Result<T>,
    run: impl FnOnce(&mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>,
) -> Result<T> {
    let mut f = Some(f);
    let mut out = None;
    run(&mut |tx| {
        let f = f
            .take()
            .ok_or_else(|| StoreError::Backend("a transaction's body was run twice".into()))?;
        out = Some(f(tx)?);
        Ok(())
    })?;
    out.ok_or_else(|| StoreError::Backend("a transaction ended without running its body".into()))
}
