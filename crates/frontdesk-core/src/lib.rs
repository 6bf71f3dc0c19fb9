//! The Frontdesk domain, free of I/O: the invite lifecycle, the rules that keep a linked pair of
//! invites aligned (Reverse Building Sync and the older building sync), the four sync
//! preconditions, physical access card rules, input validation and who may do what.
//!
//! Every decision the product makes about an invite is taken here, so that the SQLite store, a
//! future PostgreSQL store and the desk's offline cache all obey the same rules. Callers pass the
//! current time in; nothing here reads a clock.

pub mod access;
pub mod card;
pub mod error;
pub mod flow;
pub mod host;
pub mod id;
pub mod invite;
pub mod messages;
pub mod photo;
pub mod session;
pub mod sync;
pub mod validate;
pub mod visitor_type;
pub mod walk_in;

pub use access::{Actor, PortalScope, Role};
pub use card::{Card, CardStatus, CardTargets};
pub use error::DomainError;
pub use host::{Channel, Directory, DirectoryKind, Host, HostDraft, HostPrefs};
pub use id::{Building, Id, Location, Notification, Profile, Tenant, User, Webhook};
pub use invite::{Invite, InviteStatus, Origin, Portal, PortalKind, VisitAction, Visitor};
pub use sync::{LocationSettings, NotSyncedReason};
pub use visitor_type::{Question, QuestionKind, VisitorType};
pub use walk_in::normalise_short_code;

/// All instants are UTC; the building's time zone is only for display.
pub type Timestamp = chrono::DateTime<chrono::Utc>;

/// Instants are kept to the microsecond; everything that will be stored is cut to that first,
/// so what an action answers is exactly what a later read returns.
pub fn to_stored_precision(t: Timestamp) -> Timestamp {
    use chrono::SubsecRound;
    t.trunc_subsecs(6)
}
