//! Frontdesk storage.
//!
//! - [`Store`] is everything the portal service asks of its storage: transactions over [`Tx`],
//!   the read models, the outbox and the health checks. The SQLite backend ([`SqliteStore`])
//!   implements it, and is the only backend today.
//! - [`Tx`] is the row-level reads and writes of one transaction, in parts by what they own
//!   ([`AccountRows`], [`PlaceRows`], [`VisitRows`], [`RegistrationRows`], [`SyncRows`]).
//! - [`actions`] are the user actions (create an invite, cancel, assign a card, …): each loads what
//!   it needs through a `Tx`, asks `frontdesk-core` for the decision, and writes the result, the
//!   activity events, the notification and the change-feed entries in the same transaction, so a
//!   linked pair is never half updated.
//! - [`queries`] are what the read models ([`ReadModels`]) take and give: visitor logs, the
//!   summary widget, CSV export, the activity report, the change feed and the notification list.

pub mod accounts;
pub mod actions;
pub mod desk;
pub mod health;
pub mod queries;
pub mod registration;
mod sqlite;
mod store;
pub mod views;

use frontdesk_core::{
    id, Card, Directory, DomainError, Host, Id, Invite, LocationSettings, Portal, Role, Timestamp,
    VisitorType,
};
use thiserror::Error;

pub use health::Health;
pub use sqlite::SqliteStore;
pub use store::{Outbox, ReadModels, Store, Transactions};
// The wire types the storage reads and writes as they are.
pub use frontdesk_api::{
    Building, Event, Location, MessageKind, MutationOutcome, NdaAcceptance, Notification, Profile,
    StoredAnswer, Tenant, WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookOwnerKind,
};

#[derive(Debug, Error)]
pub enum StoreError {
    /// The action was refused by a rule; nothing was written.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The database failed, or what it holds is not what the rules wrote; the transaction was
    /// rolled back. The backend's own error is kept as the source.
    #[error("database error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// A backend's own errors become [`StoreError::Backend`] with `?`, kept as its source. Which
/// errors those are is the backends' business, not part of this type's shape: each backend
/// marks its library's error type with a trait private to this crate (`backend::Error`).
impl<E: backend::Error> From<E> for StoreError {
    fn from(e: E) -> Self {
        Self::Backend(Box::new(e))
    }
}

mod backend {
    /// An error a backend's library raises (sealed: only this crate's backends name one).
    pub trait Error: std::error::Error + Send + Sync + 'static {}

    /// Stored JSON (visitor types' questions) that cannot be read or written.
    impl Error for serde_json::Error {}
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: Id<id::User>,
    pub email: String,
    pub password_hash: String,
    pub role: Role,
    pub building_id: Option<Id<id::Building>>,
    pub tenant_id: Option<Id<id::Tenant>>,
    pub location_id: Option<Id<id::Location>>,
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

/// A registration link (only the hash of its secret is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub invite_id: Id<Invite>,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    pub used_at: Option<Timestamp>,
}

/// The storage boundary: what one transaction can read and write, in parts by what they own.
/// Implementations hold the transaction open from the first call to commit; the caller never
/// sees SQL. Callers hold a `&mut dyn Tx`, on which every part's methods can be called.
pub trait Tx:
    AccountRows + PlaceRows + VisitRows + RegistrationRows + SyncRows + HostRows + WebhookRows
{
}

/// Users and their sessions.
pub trait AccountRows {
    fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>>;
    fn user(&self, id: &Id<id::User>) -> Result<Option<UserRecord>>;
    fn insert_user(&mut self, user: &UserRecord) -> Result<()>;
    /// Also ends the user's sessions, all but `keep` (the session that changed the password).
    fn set_password_hash(
        &mut self,
        user_id: &Id<id::User>,
        hash: &str,
        keep: Option<&[u8]>,
    ) -> Result<()>;
    fn set_user_disabled(&mut self, user_id: &Id<id::User>, at: Option<Timestamp>) -> Result<()>;
    fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRecord>>;
    fn touch_session(&mut self, token_hash: &[u8], now: Timestamp) -> Result<()>;
    /// Ends every session of the user except `keep`; returns how many ended.
    fn delete_sessions_of(&mut self, user_id: &Id<id::User>, keep: Option<&[u8]>) -> Result<usize>;
    /// Deletes sessions past their absolute end or not used since `idle_since`.
    fn purge_sessions(&mut self, now: Timestamp, idle_since: Timestamp) -> Result<usize>;
    fn insert_session(
        &mut self,
        token_hash: &[u8],
        user_id: &Id<id::User>,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<()>;
    fn delete_session(&mut self, token_hash: &[u8]) -> Result<()>;
}

/// Buildings, tenants and their links, locations with their settings, visitor types.
pub trait PlaceRows {
    fn building(&self, id: &Id<id::Building>) -> Result<Option<Building>>;
    fn building_by_name(&self, name: &str) -> Result<Option<Building>>;
    fn insert_building(&mut self, b: &Building) -> Result<()>;
    fn tenant(&self, id: &Id<id::Tenant>) -> Result<Option<Tenant>>;
    fn insert_tenant(&mut self, t: &Tenant) -> Result<()>;
    fn location(&self, id: &Id<id::Location>) -> Result<Option<Location>>;
    fn locations_of_tenant(&self, tenant_id: &Id<id::Tenant>) -> Result<Vec<Location>>;
    fn locations_in_building(&self, building_id: &Id<id::Building>) -> Result<Vec<Location>>;
    fn insert_location(&mut self, l: &Location) -> Result<()>;
    fn save_location_settings(&mut self, id: &Id<id::Location>, s: &LocationSettings)
        -> Result<()>;
    fn tenant_link_active(
        &self,
        building_id: &Id<id::Building>,
        tenant_id: &Id<id::Tenant>,
    ) -> Result<bool>;
    fn tenant_links(&self, building_id: &Id<id::Building>) -> Result<Vec<(Id<id::Tenant>, bool)>>;
    fn set_tenant_link(
        &mut self,
        building_id: &Id<id::Building>,
        tenant_id: &Id<id::Tenant>,
        active: bool,
        now: Timestamp,
    ) -> Result<()>;
    fn visitor_type(&self, id: &Id<VisitorType>) -> Result<Option<VisitorType>>;
    fn visitor_types(&self, portal: &Portal) -> Result<Vec<VisitorType>>;
    fn insert_visitor_type(&mut self, v: &VisitorType, now: Timestamp) -> Result<()>;
}

/// Invites, the profiles behind them, their cards and their activity log.
pub trait VisitRows {
    fn invite(&self, id: &Id<Invite>) -> Result<Option<Invite>>;
    fn insert_invite(&mut self, i: &Invite) -> Result<()>;
    fn update_invite(&mut self, i: &Invite) -> Result<()>;
    fn profile(&self, id: &Id<id::Profile>) -> Result<Option<Profile>>;
    fn profile_by_email(&self, owner: &str, email: &str) -> Result<Option<Profile>>;
    fn save_profile(&mut self, p: &Profile) -> Result<()>;

    fn active_card(&self, invite_id: &Id<Invite>) -> Result<Option<Card>>;
    /// Invites of the building holding this number and format as an active card.
    fn active_card_holders(
        &self,
        building_id: &Id<id::Building>,
        number: &str,
        format: &str,
    ) -> Result<Vec<Id<Invite>>>;
    fn insert_card(&mut self, c: &Card) -> Result<()>;
    fn update_card(&mut self, c: &Card) -> Result<()>;

    fn insert_event(&mut self, e: &Event) -> Result<()>;
    fn events(&self, invite_id: &Id<Invite>) -> Result<Vec<Event>>;

    /// Whether a visit already has this short code (its primary invite).
    fn short_code_taken(&self, code: &str) -> Result<bool>;
}

/// Messages to visitors, registration links, and what a visitor gave when registering
/// (answers, photo, NDA).
pub trait RegistrationRows {
    /// Returns false when the message was already written once (a host's message of the same
    /// kind, visit and channel) and this one was not.
    fn insert_notification(&mut self, n: &Notification) -> Result<bool>;
    /// Messages of this invite not yet sent are replaced by a newer one: they will not go out.
    fn supersede_unsent(&mut self, invite_id: &Id<Invite>) -> Result<()>;
    fn insert_registration(
        &mut self,
        token_hash: &[u8],
        invite_id: &Id<Invite>,
        now: Timestamp,
    ) -> Result<()>;
    fn registration(&self, token_hash: &[u8]) -> Result<Option<Registration>>;
    fn revoke_registrations(&mut self, invite_id: &Id<Invite>, now: Timestamp) -> Result<()>;
    fn use_registration(&mut self, token_hash: &[u8], now: Timestamp) -> Result<()>;
    fn save_answer(
        &mut self,
        invite_id: &Id<Invite>,
        a: &frontdesk_core::flow::GivenAnswer,
        now: Timestamp,
    ) -> Result<()>;
    fn answers(&self, invite_id: &Id<Invite>) -> Result<Vec<StoredAnswer>>;
    fn save_photo(
        &mut self,
        invite_id: &Id<Invite>,
        content_type: &str,
        bytes: &[u8],
        now: Timestamp,
    ) -> Result<()>;
    fn photo(&self, invite_id: &Id<Invite>) -> Result<Option<(String, Vec<u8>)>>;
    fn save_nda(&mut self, invite_id: &Id<Invite>, nda: &NdaAcceptance) -> Result<()>;
    fn nda(&self, invite_id: &Id<Invite>) -> Result<Option<NdaAcceptance>>;
}

/// Which hosts a directory listing shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostFilter {
    /// Part of the folded name ([`frontdesk_core::host::fold`]) or of the email.
    pub q: Option<String>,
    /// Exactly this user name (SCIM's `userName eq`), compared case-insensitively.
    pub user_name: Option<String>,
    /// Exactly this email (SCIM's `emails.value eq`), compared in lower case.
    pub email: Option<String>,
    /// Exactly this identity-provider id (SCIM's `externalId eq`), case-sensitive.
    pub external_id: Option<String>,
    /// Hosts at this location, and those with no location (they work at every one).
    pub location_id: Option<Id<id::Location>>,
    pub active_only: bool,
    /// Only those the lobby's host search may find.
    pub lobby_searchable_only: bool,
}

/// A host found by the lobby's search, with the name of their organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LobbyHost {
    pub host: Host,
    pub organisation: String,
}

/// How a visit's host was told, per visit (the pair's primary invite).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostNoticeRow {
    pub invite_id: Id<Invite>,
    pub host_id: Id<Host>,
    pub notified_at: Option<Timestamp>,
    pub on_my_way_at: Option<Timestamp>,
    pub on_my_way_by: Option<String>,
}

/// A SCIM token's record; the secret itself is never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimTokenRecord {
    pub id: String,
    pub tenant_id: Id<id::Tenant>,
    pub label: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

/// The host directories, how hosts were told of their visits, and SCIM tokens.
pub trait HostRows {
    fn host(&self, id: &Id<Host>) -> Result<Option<Host>>;
    fn host_by_email(&self, dir: &Directory, email: &str) -> Result<Option<Host>>;
    /// One page of a directory, by name; `limit` rows from `offset`.
    fn hosts(
        &self,
        dir: &Directory,
        f: &HostFilter,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<Host>>;
    fn count_hosts(&self, dir: &Directory, f: &HostFilter) -> Result<u64>;
    fn insert_host(&mut self, h: &Host, now: Timestamp) -> Result<()>;
    fn update_host(&mut self, h: &Host) -> Result<()>;
    /// Deletes the entry; visits that named the host keep the name, not the link, and a host
    /// who had them as delegate has none.
    fn delete_host(&mut self, id: &Id<Host>) -> Result<()>;
    /// Active hosts whose folded name contains `q`: those of the tenants linked to the building
    /// who allow the lobby's search, and all the building's own staff (its lobby's colleagues).
    fn lobby_hosts(
        &self,
        building_id: &Id<id::Building>,
        q: &str,
        limit: usize,
    ) -> Result<Vec<LobbyHost>>;

    fn host_notice(&self, invite_id: &Id<Invite>) -> Result<Option<HostNoticeRow>>;
    fn save_host_notice(&mut self, n: &HostNoticeRow) -> Result<()>;
    fn insert_host_link(
        &mut self,
        token_hash: &[u8],
        invite_id: &Id<Invite>,
        host_id: &Id<Host>,
        now: Timestamp,
    ) -> Result<()>;
    /// The visit and host a link's secret was made for.
    fn host_link(&self, token_hash: &[u8]) -> Result<Option<(Id<Invite>, Id<Host>)>>;
    /// Marks a host message sent (the outbox's own bookkeeping, inside an action).
    fn mark_notification_sent(&mut self, id: &Id<id::Notification>, at: Timestamp) -> Result<()>;
    /// The messages of one kind for a visit (its primary invite), oldest first.
    fn host_messages(&self, invite_id: &Id<Invite>, kind: MessageKind)
        -> Result<Vec<Notification>>;
    /// Unsent reminders of this kind for the visit: they will not go out.
    fn withdraw_unsent(&mut self, invite_id: &Id<Invite>, kind: MessageKind) -> Result<()>;

    fn insert_scim_token(&mut self, t: &ScimTokenRecord, token_hash: &[u8]) -> Result<()>;
    fn scim_token_by_hash(&self, token_hash: &[u8]) -> Result<Option<ScimTokenRecord>>;
    fn scim_tokens(&self, tenant_id: &Id<id::Tenant>) -> Result<Vec<ScimTokenRecord>>;
    fn revoke_scim_token(&mut self, id: &str, now: Timestamp) -> Result<bool>;
    fn touch_scim_token(&mut self, id: &str, now: Timestamp) -> Result<()>;
}

/// A webhook endpoint as stored: what the API shows, and the salt its signing secret is derived
/// from (with the server's key, which the database never holds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRecord {
    pub endpoint: WebhookEndpoint,
    pub salt: String,
}

/// Integrations' webhook endpoints and what became of their deliveries.
pub trait WebhookRows {
    fn insert_webhook(&mut self, w: &WebhookRecord) -> Result<()>;
    /// A live (not deleted) endpoint.
    fn webhook(&self, id: &Id<id::Webhook>) -> Result<Option<WebhookRecord>>;
    /// The live endpoints of a tenant or a building, oldest first.
    fn webhooks_of(&self, kind: WebhookOwnerKind, owner_id: &str) -> Result<Vec<WebhookRecord>>;
    /// Marks the endpoint deleted; its deliveries not yet made will not be.
    fn delete_webhook(&mut self, id: &Id<id::Webhook>, now: Timestamp) -> Result<()>;
    /// The newest `limit` deliveries to the endpoint, each with its attempts (oldest first).
    fn webhook_deliveries(
        &self,
        id: &Id<id::Webhook>,
        limit: usize,
    ) -> Result<Vec<WebhookDelivery>>;
}

/// A walk-in as first recorded: the visit it made, and why the visit did not sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkInRecord {
    pub id: String,
    pub building_id: Id<id::Building>,
    pub invite_id: Id<Invite>,
    pub sync_blockers: Vec<String>,
}

/// What the desks sync by: the outcome of each desk's mutation and walk-in, and the change feed.
pub trait SyncRows {
    /// The outcome a desk's mutation got when it was first applied.
    fn mutation(&self, id: &str) -> Result<Option<MutationOutcome>>;
    fn record_mutation(
        &mut self,
        m: &MutationOutcome,
        user_id: &Id<id::User>,
        action: &str,
        at: Timestamp,
        now: Timestamp,
    ) -> Result<()>;
    /// The walk-in a desk recorded under this id, if any.
    fn walk_in(&self, id: &str) -> Result<Option<WalkInRecord>>;
    fn record_walk_in(
        &mut self,
        w: &WalkInRecord,
        user_id: &Id<id::User>,
        now: Timestamp,
    ) -> Result<()>;
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

/// A visit's short check-in code, from the same source as secrets (the operating system's
/// randomness, through UUIDv4's 122 random bits).
pub fn new_short_code() -> String {
    loop {
        let bytes = uuid::Uuid::new_v4().into_bytes();
        // Bytes 6 and 8 carry the UUID's version and variant: not random.
        let random = bytes
            .into_iter()
            .enumerate()
            .filter(|(i, _)| *i != 6 && *i != 8)
            .map(|(_, b)| b);
        if let Some(code) = frontdesk_core::walk_in::short_code_from(random) {
            return code;
        }
    }
}

pub fn secret_hash(secret: &str) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(secret.as_bytes()).to_vec()
}

/// Ids are UUIDv7: sortable by creation time, and can be made on a desk that is offline.
pub fn new_id<T: ?Sized>() -> Id<T> {
    Id::new(uuid::Uuid::now_v7().to_string())
}
