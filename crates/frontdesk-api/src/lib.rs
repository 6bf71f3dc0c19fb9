//! The contract between the portal service and its clients (the desk app, the sync engine, the
//! CLI, the web pages): every request body, response, change-feed event and error on the wire,
//! each `Serialize + Deserialize`, with its TypeScript declaration (ts-rs, written to
//! `ui/src/generated/api-types.ts`) and its OpenAPI schema (utoipa, in the document the server
//! serves at `/api/v1/openapi.json`), and the limits the server enforces ([`limits`]).
//!
//! Nothing here does I/O or decides anything: the rules are `frontdesk-core`'s, the storage
//! `frontdesk-store`'s. Domain types that travel as they are (a [`Portal`], a [`Visitor`], the
//! statuses) are the core's own, re-exported here so a client needs only this crate. Instants
//! are written `DateTime<Utc>` rather than the core's `Timestamp` alias: utoipa knows a
//! date-time by its type's name.

pub mod desk;
pub mod error;
pub mod feed;
pub mod hosts;
pub mod identity;
pub mod invites;
pub mod limits;
pub mod logs;
pub mod places;
pub mod registration;
#[cfg(feature = "rusqlite")]
mod sql;
mod typescript;
pub mod walk_in;
pub mod webhooks;

pub use frontdesk_core::flow::{Answer, Flow, FlowNda, FlowQuestion};
pub use frontdesk_core::visitor_type::{Question, QuestionDraft, QuestionKind};
pub use frontdesk_core::{id, Id};
pub use frontdesk_core::{
    CardStatus, InviteStatus, LocationSettings, NotSyncedReason, Origin, Portal, PortalKind, Role,
    VisitAction, Visitor, VisitorType,
};
pub use typescript::typescript;

pub use desk::{Applied, ClientMutation, MutationOutcome, MutationResult, Push, PushResults};
pub use error::{ErrorBody, ErrorDetail};
pub use feed::{Change, ChangesPage, Since};
pub use hosts::{
    Channel, Directory, DirectoryKind, Host, HostDraft, HostHit, HostListParams, HostPage,
    HostPrefs, HostSearch, ImportAction, ImportLine, ImportParams, ImportReport, NewScimToken,
    ScimToken, ScimTokenCreated,
};
pub use identity::{
    AccountState, Login, NewUser, PasswordChange, PasswordChanged, SignedIn, User, UserScope,
};
pub use invites::{
    Cancel, CardRequest, CardView, Created, Event, HostNotice, InviteView, MessageKind, NewInvite,
    Notification, NotificationState, Profile, Resent, SyncOutcome, SyncReason, SyncStatus,
    Validity, VisitTimes, VisitorInput, VisitorPatch, VisitorUpdateScope,
};
pub use logs::{LogEntry, LogPage, LogParams, ReportParams, ReportRow, Summary};
pub use places::{
    Building, DirectoryEntry, Location, NewBuilding, NewLink, NewLocation, NewTenant,
    NewVisitorType, Tenant, TenantLink,
};
pub use registration::{
    BadgeParams, FlowAnswers, NdaAcceptance, PreviewParams, Printed, RegistrationRecord,
    RegistrationView, StoredAnswer, Submission, Submitted, SubmittedVisitor, VisitorFields,
};
pub use walk_in::{
    ArrivalNeeds, DeskAlert, WalkIn, WalkInDone, WalkInFlow, WalkInFlowParams, WalkInLocation,
    WalkInPlaces, WalkInVisitorType,
};
pub use webhooks::{
    NewWebhook, WebhookAttempt, WebhookCreated, WebhookData, WebhookDelivery, WebhookEndpoint,
    WebhookEvent, WebhookOwnerKind, WebhookPayload,
};
