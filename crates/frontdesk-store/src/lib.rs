//! Frontdesk storage.
//!
//! - [`Tx`] is the storage boundary: the row-level reads and writes of one transaction. The
//!   SQLite backend ([`SqliteStore`]) implements it, and is the only backend; the read queries
//!   are still `SqliteStore`'s own methods.
//! - [`actions`] are the user actions (create an invite, cancel, assign a card, …): each loads what
//!   it needs through a `Tx`, asks `frontdesk-core` for the decision, and writes the result, the
//!   activity events, the notification and the change-feed entries in the same transaction, so a
//!   linked pair is never half updated.
//! - [`queries`] are the read models: visitor logs, the summary widget, CSV export, the activity
//!   report, the change feed and the notification list.

pub mod accounts;
pub mod actions;
pub mod desk;
pub mod health;
mod outbox;
pub mod queries;
pub mod registration;
mod sqlite;
pub mod views;

use frontdesk_core::{
    Card, DomainError, Invite, LocationSettings, Portal, Role, Timestamp, VisitorType,
};
use serde::Serialize;
use thiserror::Error;

pub use sqlite::SqliteStore;

#[derive(Debug, Error)]
pub enum StoreError {
    /// The action was refused by a rule; nothing was written.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The database failed; the transaction was rolled back.
    #[error("database error: {0}")]
    Backend(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Backend(e.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        Self::Backend(format!("stored JSON is unreadable: {e}"))
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub role: Role,
    pub building_id: Option<String>,
    pub tenant_id: Option<String>,
    pub location_id: Option<String>,
    pub created_at: Timestamp,
    /// Set while an admin has disabled the user: no sign-in, no session.
    pub disabled_at: Option<Timestamp>,
}

/// A signed-in session and its user. Whether it is still live is the session policy's call
/// ([`frontdesk_core::session::SessionPolicy`]), not the storage's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: UserRecord,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Building {
    pub id: String,
    pub name: String,
    pub timezone: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tenant {
    pub id: String,
    pub name: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub id: String,
    pub tenant_id: String,
    pub building_id: String,
    pub name: String,
    pub settings: LocationSettings,
    pub created_at: Timestamp,
}

/// The person behind invites; owned by the primary side's organisation so one tenant's edits
/// never reach another tenant's visitors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Profile {
    pub id: String,
    #[serde(skip)]
    pub owner: String,
    pub name: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub company: Option<String>,
    pub updated_at: Timestamp,
}

/// One line of an invite's activity log.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Event {
    #[serde(skip)]
    pub invite_id: String,
    pub at: Timestamp,
    pub actor_id: Option<String>,
    pub actor_email: Option<String>,
    pub action: String,
    /// The portal the action was taken in.
    pub portal: Portal,
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub detail: serde_json::Value,
}

/// A message to a visitor, kept in the outbox until a transport delivers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    pub id: String,
    pub invite_id: String,
    pub portal: Portal,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// `queued`, `sent`, `failed`, `held` (no transport for its channel) or `superseded` (a
    /// newer message for the same visit replaced it before it went out).
    pub state: String,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<Timestamp>,
    /// The registration link's secret, kept only until the message has gone out; never shown.
    #[serde(skip)]
    pub link_token: Option<String>,
}

/// What became of a desk's mutation: `applied`, `conflict` (the state changed meanwhile: shown
/// to the receptionist) or `refused` (not allowed, unknown invite, invalid time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MutationOutcome {
    pub id: String,
    pub invite_id: String,
    pub outcome: String,
    pub code: Option<String>,
    pub message: Option<String>,
}

/// A registration link (only the hash of its secret is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub invite_id: String,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    pub used_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredAnswer {
    pub key: String,
    pub label: String,
    pub value: String,
    pub answered_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NdaAcceptance {
    pub text: String,
    pub text_sha256: String,
    /// The visitor's full name, typed as their signature.
    pub signature: String,
    pub accepted_at: Timestamp,
}

/// The storage boundary: what one transaction can read and write. Implementations hold the
/// transaction open from the first call to commit; the caller never sees SQL.
pub trait Tx {
    fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>>;
    fn user(&self, id: &str) -> Result<Option<UserRecord>>;
    fn insert_user(&mut self, user: &UserRecord) -> Result<()>;
    /// Also ends the user's sessions, all but `keep` (the session that changed the password).
    fn set_password_hash(&mut self, user_id: &str, hash: &str, keep: Option<&[u8]>) -> Result<()>;
    fn set_user_disabled(&mut self, user_id: &str, at: Option<Timestamp>) -> Result<()>;
    fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRecord>>;
    fn touch_session(&mut self, token_hash: &[u8], now: Timestamp) -> Result<()>;
    /// Ends every session of the user except `keep`; returns how many ended.
    fn delete_sessions_of(&mut self, user_id: &str, keep: Option<&[u8]>) -> Result<usize>;
    /// Deletes sessions past their absolute end or not used since `idle_since`.
    fn purge_sessions(&mut self, now: Timestamp, idle_since: Timestamp) -> Result<usize>;
    fn insert_session(
        &mut self,
        token_hash: &[u8],
        user_id: &str,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<()>;
    fn delete_session(&mut self, token_hash: &[u8]) -> Result<()>;

    fn building(&self, id: &str) -> Result<Option<Building>>;
    fn building_by_name(&self, name: &str) -> Result<Option<Building>>;
    fn insert_building(&mut self, b: &Building) -> Result<()>;
    fn tenant(&self, id: &str) -> Result<Option<Tenant>>;
    fn insert_tenant(&mut self, t: &Tenant) -> Result<()>;
    fn location(&self, id: &str) -> Result<Option<Location>>;
    fn locations_of_tenant(&self, tenant_id: &str) -> Result<Vec<Location>>;
    fn locations_in_building(&self, building_id: &str) -> Result<Vec<Location>>;
    fn insert_location(&mut self, l: &Location) -> Result<()>;
    fn save_location_settings(&mut self, id: &str, s: &LocationSettings) -> Result<()>;
    fn tenant_link_active(&self, building_id: &str, tenant_id: &str) -> Result<bool>;
    fn tenant_links(&self, building_id: &str) -> Result<Vec<(String, bool)>>;
    fn set_tenant_link(
        &mut self,
        building_id: &str,
        tenant_id: &str,
        active: bool,
        now: Timestamp,
    ) -> Result<()>;
    fn visitor_type(&self, id: &str) -> Result<Option<VisitorType>>;
    fn visitor_types(&self, portal: &Portal) -> Result<Vec<VisitorType>>;
    fn insert_visitor_type(&mut self, v: &VisitorType, now: Timestamp) -> Result<()>;

    fn invite(&self, id: &str) -> Result<Option<Invite>>;
    fn insert_invite(&mut self, i: &Invite) -> Result<()>;
    fn update_invite(&mut self, i: &Invite) -> Result<()>;
    fn profile(&self, id: &str) -> Result<Option<Profile>>;
    fn profile_by_email(&self, owner: &str, email: &str) -> Result<Option<Profile>>;
    fn save_profile(&mut self, p: &Profile) -> Result<()>;

    fn active_card(&self, invite_id: &str) -> Result<Option<Card>>;
    /// Invites of the building holding this number and format as an active card.
    fn active_card_holders(
        &self,
        building_id: &str,
        number: &str,
        format: &str,
    ) -> Result<Vec<String>>;
    fn insert_card(&mut self, c: &Card) -> Result<()>;
    fn update_card(&mut self, c: &Card) -> Result<()>;

    fn insert_event(&mut self, e: &Event) -> Result<()>;
    fn events(&self, invite_id: &str) -> Result<Vec<Event>>;
    fn insert_notification(&mut self, n: &Notification) -> Result<()>;
    /// The outcome a desk's mutation got when it was first applied.
    fn mutation(&self, id: &str) -> Result<Option<MutationOutcome>>;
    fn record_mutation(
        &mut self,
        m: &MutationOutcome,
        user_id: &str,
        action: &str,
        at: Timestamp,
        now: Timestamp,
    ) -> Result<()>;
    /// Messages of this invite not yet sent are replaced by a newer one: they will not go out.
    fn supersede_unsent(&mut self, invite_id: &str) -> Result<()>;
    fn insert_registration(
        &mut self,
        token_hash: &[u8],
        invite_id: &str,
        now: Timestamp,
    ) -> Result<()>;
    fn registration(&self, token_hash: &[u8]) -> Result<Option<Registration>>;
    fn revoke_registrations(&mut self, invite_id: &str, now: Timestamp) -> Result<()>;
    fn use_registration(&mut self, token_hash: &[u8], now: Timestamp) -> Result<()>;
    fn save_answer(
        &mut self,
        invite_id: &str,
        a: &frontdesk_core::flow::GivenAnswer,
        now: Timestamp,
    ) -> Result<()>;
    fn answers(&self, invite_id: &str) -> Result<Vec<StoredAnswer>>;
    fn save_photo(
        &mut self,
        invite_id: &str,
        content_type: &str,
        bytes: &[u8],
        now: Timestamp,
    ) -> Result<()>;
    fn photo(&self, invite_id: &str) -> Result<Option<(String, Vec<u8>)>>;
    fn save_nda(&mut self, invite_id: &str, nda: &NdaAcceptance) -> Result<()>;
    fn nda(&self, invite_id: &str) -> Result<Option<NdaAcceptance>>;

    /// Append to the ordered change feed; returns the new sequence number.
    fn append_change(
        &mut self,
        portal: &Portal,
        entity: &str,
        entity_id: &str,
        data: &serde_json::Value,
        at: Timestamp,
    ) -> Result<i64>;
}

/// A secret for links and tokens: 244 random bits from the operating system, as 64 hex digits.
pub fn new_secret() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

pub fn secret_hash(secret: &str) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(secret.as_bytes()).to_vec()
}

/// Ids are UUIDv7: sortable by creation time, and can be made on a desk that is offline.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
