//! An invite as every client sees it, and what creates and changes one.

use chrono::{DateTime, Utc};
use frontdesk_core::{id, Id, Invite, VisitorType};
use frontdesk_core::{Card, CardStatus, InviteStatus, NotSyncedReason, Origin, Portal, Visitor};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct CardView {
    pub number: String,
    pub format: String,
    pub status: CardStatus,
    pub valid_from: DateTime<Utc>,
    pub valid_to: DateTime<Utc>,
    pub assigned_at: DateTime<Utc>,
    /// On both invites of the pair (false: assigned on this portal only).
    pub synced: bool,
}

impl From<Card> for CardView {
    fn from(c: Card) -> Self {
        Self {
            number: c.number,
            format: c.format,
            status: c.status,
            valid_from: c.valid_from,
            valid_to: c.valid_to,
            assigned_at: c.assigned_at,
            synced: c.synced,
        }
    }
}

/// What the API, the change feed and the desk's cache see of an invite. One shape everywhere,
/// so a desk can apply a change-feed entry exactly as if it had fetched the invite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct InviteView {
    #[schema(value_type = String)]
    pub id: Id<Invite>,
    pub portal: Portal,
    pub origin: Origin,
    pub primary: bool,
    #[schema(value_type = Option<String>)]
    pub linked_invite_id: Option<Id<Invite>>,
    /// As a person sees it now (expiry applied).
    pub status: InviteStatus,
    pub visitor: Visitor,
    #[schema(value_type = String)]
    pub profile_id: Id<id::Profile>,
    pub profile: Option<Profile>,
    pub host_name: String,
    /// The host's directory entry, when the visit names one.
    #[schema(value_type = Option<String>)]
    pub host_id: Option<Id<frontdesk_core::Host>>,
    /// Whether the host has been told that the visitor is here, and whether they answered.
    pub host_notice: Option<HostNotice>,
    #[schema(value_type = Option<String>)]
    pub visitor_type_id: Option<Id<VisitorType>>,
    #[schema(value_type = String)]
    pub building_id: Id<id::Building>,
    #[schema(value_type = String)]
    pub location_id: Id<id::Location>,
    #[schema(value_type = String)]
    pub tenant_id: Id<id::Tenant>,
    #[serde(flatten)]
    pub times: VisitTimes,
    pub cancel_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The active card, if any.
    pub card: Option<CardView>,
    /// What the visitor types at the lobby kiosk (the same on both invites of a pair).
    #[serde(default)]
    pub short_code: String,
    /// A problem a kiosk raised for the receptionist, until someone clears it.
    #[serde(default)]
    pub attention: Option<String>,
}

/// When a visit may take place and when each step of it happened: the same fields in every view
/// of an invite (the invite itself, a row of the visitor logs).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
pub struct VisitTimes {
    pub valid_from: DateTime<Utc>,
    pub valid_to: DateTime<Utc>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

impl From<&Invite> for VisitTimes {
    fn from(i: &Invite) -> Self {
        Self {
            valid_from: i.valid_from,
            valid_to: i.valid_to,
            checked_in_at: i.checked_in_at,
            arrived_at: i.arrived_at,
            checked_out_at: i.checked_out_at,
            cancelled_at: i.cancelled_at,
        }
    }
}

/// The person behind invites; owned by the primary side's organisation so one tenant's edits
/// never reach another tenant's visitors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Profile {
    #[schema(value_type = String)]
    pub id: Id<id::Profile>,
    /// `building:ID` or `tenant:ID`; kept by the store, never sent.
    #[serde(skip)]
    pub owner: String,
    pub name: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub company: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// One line of an invite's activity log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Event {
    /// Known from the request; not repeated in each line (empty when read back from JSON).
    #[serde(skip, default = "not_sent")]
    #[schema(value_type = String)]
    pub invite_id: Id<Invite>,
    pub at: DateTime<Utc>,
    #[schema(value_type = Option<String>)]
    pub actor_id: Option<Id<id::User>>,
    pub actor_email: Option<String>,
    pub action: String,
    /// The portal the action was taken in.
    pub portal: Portal,
    #[ts(type = "Record<string, unknown>")]
    pub detail: serde_json::Value,
}

fn not_sent() -> Id<Invite> {
    Id::new(String::new())
}

/// Whether a visit's host has been told of the arrival, and whether they answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct HostNotice {
    /// When the first message telling the host (or their delegate) went out; None while it is
    /// still on its way (or could not be delivered: see `problem`).
    pub notified_at: Option<DateTime<Utc>>,
    /// When the host (or their delegate) pressed "On my way", and who.
    pub on_my_way_at: Option<DateTime<Utc>>,
    pub on_my_way_by: Option<String>,
    /// Why the host could not be told, in words, when every message failed or was held.
    pub problem: Option<String>,
}

/// What a message is for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// The invitation to a visitor, with their registration link.
    Invitation,
    /// To a host: your visitor is here.
    HostArrival,
    /// To a host: your visitor has waited a while and nobody said "On my way".
    HostWaiting,
    /// To a host: your visitor has left.
    HostCheckOut,
    /// To a host: a visit of theirs was cancelled.
    HostCancelled,
    /// An event to an integration's webhook endpoint.
    Webhook,
}

/// A message, kept in the outbox until a transport delivers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Notification {
    #[schema(value_type = String)]
    pub id: Id<id::Notification>,
    #[schema(value_type = String)]
    pub invite_id: Id<Invite>,
    pub portal: Portal,
    pub kind: MessageKind,
    /// The host told, for a message to a host.
    #[schema(value_type = Option<String>)]
    pub host_id: Option<Id<frontdesk_core::Host>>,
    /// The integration's endpoint, for an event to a webhook.
    #[schema(value_type = Option<String>)]
    pub endpoint_id: Option<Id<id::Webhook>>,
    /// `email`, `sms`, `slack`, `teams` or `webhook`.
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub state: NotificationState,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    #[ts(type = "number")]
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The secret of the message's link (a visitor's registration link, a host's "On my way"
    /// link), kept only until the message has gone out; never shown.
    #[serde(skip)]
    pub link_token: Option<String>,
}

/// Where a message to a visitor stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum NotificationState {
    /// Waiting for its transport (or for the next try).
    Queued,
    Sent,
    /// Given up after its tries; `last_error` says why.
    Failed,
    /// No transport for its channel (the built-in portal sends nothing).
    Held,
    /// A newer message for the same visit replaced it before it went out.
    Superseded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct VisitorInput {
    pub name: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub company: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct NewInvite {
    /// Required for building invites (the tenant location being visited); a location's own
    /// invites are for that location.
    #[schema(value_type = Option<String>)]
    pub location_id: Option<Id<id::Location>>,
    /// The host's name as visitors and the badge show it; with `host_id`, may be left empty
    /// (the directory's name is used).
    #[serde(default)]
    pub host_name: String,
    /// A host from the directory of the location's tenant (or the building's staff): they are
    /// told when the visitor arrives.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub host_id: Option<Id<frontdesk_core::Host>>,
    pub visitor: VisitorInput,
    #[schema(value_type = Option<String>)]
    pub visitor_type_id: Option<Id<VisitorType>>,
    pub valid_from: DateTime<Utc>,
    pub valid_to: DateTime<Utc>,
    /// Send the invitation message (default: yes).
    #[serde(default = "yes")]
    #[schema(default = true)]
    pub notify: bool,
}

fn yes() -> bool {
    true
}

/// Whether a new invite got its linked copy on the other side.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SyncStatus {
    Synced,
    NotSynced,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct SyncOutcome {
    pub status: SyncStatus,
    #[schema(value_type = Option<String>)]
    pub linked_invite_id: Option<Id<Invite>>,
    /// Every failed precondition, not only the first, so an admin can fix them in one go.
    pub reasons: Vec<SyncReason>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct SyncReason {
    pub code: NotSyncedReason,
    pub message: String,
}

impl SyncOutcome {
    pub fn new(linked_invite_id: Option<Id<Invite>>, reasons: &[NotSyncedReason]) -> Self {
        Self {
            status: if linked_invite_id.is_some() {
                SyncStatus::Synced
            } else {
                SyncStatus::NotSynced
            },
            linked_invite_id,
            reasons: reasons
                .iter()
                .map(|&r| SyncReason {
                    code: r,
                    message: r.message().into(),
                })
                .collect(),
        }
    }
}

/// The answer to creating an invite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Created {
    pub invite: InviteView,
    pub sync: SyncOutcome,
    /// The one invitation message queued, if any.
    pub notification: Option<Notification>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum VisitorUpdateScope {
    Profile,
    InviteAndProfile,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct VisitorPatch {
    pub scope: VisitorUpdateScope,
    pub name: Option<String>,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub company: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct CardRequest {
    pub number: String,
    pub format: String,
    /// Assign on this side only (the "Save" of the card-sync-blocked prompt).
    #[serde(default)]
    pub local_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Validity {
    pub valid_from: DateTime<Utc>,
    pub valid_to: DateTime<Utc>,
}

/// The optional body of a cancel.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
pub struct Cancel {
    pub reason: Option<String>,
}

/// The answer to a resend: the message queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Resent {
    pub notification: Notification,
}
