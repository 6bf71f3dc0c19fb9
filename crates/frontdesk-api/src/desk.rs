//! The desk's push (`POST /mutations`): changes made at a desk, possibly offline, each applied
//! exactly once.

use chrono::{DateTime, Utc};
use frontdesk_core::VisitAction;
use frontdesk_core::{Id, Invite};
use serde::{Deserialize, Serialize};

use crate::InviteView;

/// A change made on a desk, possibly while offline, with the desk's own id (UUIDv7) and the
/// time it happened there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct ClientMutation {
    pub id: String,
    #[schema(value_type = String)]
    pub invite_id: Id<Invite>,
    pub action: VisitAction,
    pub at: DateTime<Utc>,
    /// A cancel's reason.
    pub reason: Option<String>,
}

/// At most [`crate::limits::MAX_MUTATIONS_PER_PUSH`] mutations, applied in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Push {
    pub mutations: Vec<ClientMutation>,
}

/// What became of a desk's mutation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MutationResult {
    Applied,
    /// The state changed meanwhile (cancelled, arrived at another desk): shown to the
    /// receptionist.
    Conflict,
    /// Not allowed, unknown invite, invalid time.
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct MutationOutcome {
    pub id: String,
    #[schema(value_type = String)]
    pub invite_id: Id<Invite>,
    pub outcome: MutationResult,
    pub code: Option<String>,
    pub message: Option<String>,
}

/// A mutation's outcome and the invite as it now stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Applied {
    #[serde(flatten)]
    pub outcome: MutationOutcome,
    /// The invite as it now stands, when the caller may see it.
    pub invite: Option<InviteView>,
}

/// One result per pushed mutation, in the order sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct PushResults {
    pub results: Vec<Applied>,
}
