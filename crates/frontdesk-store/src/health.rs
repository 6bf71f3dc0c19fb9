//! What an operator asks of the database: is it reachable with its schema up to date, and how
//! far behind is message delivery.

use frontdesk_core::Timestamp;

use crate::Result;

/// Messages waiting to go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxBacklog {
    pub queued: u64,
    /// When the oldest waiting message was queued.
    pub oldest: Option<Timestamp>,
}

pub trait Health {
    /// Whether the database answers and every migration this build knows has been applied.
    fn schema_current(&self) -> Result<bool>;

    fn outbox_backlog(&self) -> Result<OutboxBacklog>;
}
