//! Integrations' webhook endpoints: what an admin registers, what a delivery of an event looks
//! like, and what became of each attempt.

use chrono::{DateTime, Utc};
use frontdesk_core::{id, Id, Invite};
use serde::{Deserialize, Serialize};

use crate::{InviteView, NotificationState};

/// An event an endpoint may subscribe to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
pub enum WebhookEvent {
    #[serde(rename = "invite.created")]
    InviteCreated,
    #[serde(rename = "invite.cancelled")]
    InviteCancelled,
    #[serde(rename = "visitor.checked_in")]
    VisitorCheckedIn,
    #[serde(rename = "visitor.arrived")]
    VisitorArrived,
    #[serde(rename = "visitor.checked_out")]
    VisitorCheckedOut,
    #[serde(rename = "card.assigned")]
    CardAssigned,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 6] = [
        Self::InviteCreated,
        Self::InviteCancelled,
        Self::VisitorCheckedIn,
        Self::VisitorArrived,
        Self::VisitorCheckedOut,
        Self::CardAssigned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InviteCreated => "invite.created",
            Self::InviteCancelled => "invite.cancelled",
            Self::VisitorCheckedIn => "visitor.checked_in",
            Self::VisitorArrived => "visitor.arrived",
            Self::VisitorCheckedOut => "visitor.checked_out",
            Self::CardAssigned => "card.assigned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

/// Whose events an endpoint receives: a tenant's (its invites, and its copies of the building's
/// invites that synced to it) or a building's (the Building Portal's invites).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum WebhookOwnerKind {
    Tenant,
    Building,
}

impl WebhookOwnerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tenant => "tenant",
            Self::Building => "building",
        }
    }
}

/// `POST …/webhooks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct NewWebhook {
    /// `https://` (plain `http://` only for a receiver on loopback).
    pub url: String,
    /// At least one of `invite.created`, `invite.cancelled`, `visitor.checked_in`,
    /// `visitor.arrived`, `visitor.checked_out`, `card.assigned`.
    pub events: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// A registered endpoint (its signing secret is never shown again after creation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct WebhookEndpoint {
    #[schema(value_type = String)]
    pub id: Id<id::Webhook>,
    pub owner_kind: WebhookOwnerKind,
    /// The tenant's or the building's id.
    pub owner_id: String,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The answer to registering an endpoint: the only time its signing secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct WebhookCreated {
    pub endpoint: WebhookEndpoint,
    /// The key of `Frontdesk-Signature` (HMAC-SHA256); it cannot be shown again.
    pub secret: String,
}

/// One try at delivering an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct WebhookAttempt {
    pub at: DateTime<Utc>,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why the try failed, when it did (no answer, or not 2xx).
    pub error: Option<String>,
    #[ts(type = "number")]
    pub duration_ms: u64,
}

/// One event for one endpoint, with every attempt at delivering it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct WebhookDelivery {
    /// Sent as `Frontdesk-Webhook-Id`.
    #[schema(value_type = String)]
    pub id: Id<id::Notification>,
    pub event: WebhookEvent,
    #[schema(value_type = String)]
    pub invite_id: Id<Invite>,
    pub state: NotificationState,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub attempts: Vec<WebhookAttempt>,
}

/// The body of every delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct WebhookPayload {
    /// The event's id (the same for every endpoint it goes to).
    pub id: String,
    #[serde(rename = "type")]
    pub event: WebhookEvent,
    pub created_at: DateTime<Utc>,
    pub data: WebhookData,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct WebhookData {
    /// The invite as the endpoint's side sees it (`GET /invites/{id}` of that side's copy).
    pub invite: InviteView,
}
