//! User actions, one transaction each: load through [`Tx`], decide with `frontdesk-core`, write
//! the rows, the activity events of both invites, the notification and the change-feed entries.
//! A refused action returns before anything is written, and the caller rolls back on any error.

use frontdesk_core::access::require;
use frontdesk_core::card::{follow_validity, plan_assignment};
use frontdesk_core::messages;
use frontdesk_core::sync::{
    ensure_location_takes_invites, forward_sync_applies, reverse_sync_blockers, validate_settings,
};
use frontdesk_core::validate;
use frontdesk_core::visitor_type::{self};
use frontdesk_core::{
    id, to_stored_precision, Actor, Card, CardStatus, CardTargets, DomainError, Id, Invite,
    InviteStatus, LocationSettings, NotSyncedReason, Origin, Portal, PortalKind, PortalScope, Role,
    Timestamp, Visitor, VisitorType,
};
use serde_json::json;

pub use frontdesk_api::{
    CardRequest, ClientMutation, Created, DirectoryEntry, MessageKind, MutationResult, NewInvite,
    NewUser, NewVisitorType, NotificationState, SyncOutcome, SyncReason, TenantLink, UserScope,
    VisitorInput, VisitorPatch, VisitorUpdateScope, WebhookEvent,
};
pub use frontdesk_core::VisitAction;

use crate::views::{InviteView, LoadView};
use crate::{
    new_id, new_secret, secret_hash, Building, Event, Location, MutationOutcome, Notification,
    Profile, Result, Tenant, Tx, UserRecord,
};

/// Who acts, and when. Every timestamp an action writes is `now`, so both invites of a pair
/// carry the same instant.
#[derive(Debug, Clone, Copy)]
pub struct By<'a> {
    pub actor: &'a Actor,
    pub now: Timestamp,
}

mod badges;
mod cards;
mod hosts;
mod identity;
mod invites;
mod mutations;
mod places;
mod portals;
mod scim;
mod walk_ins;
mod webhooks;

pub use badges::*;
pub use cards::*;
pub use hosts::*;
pub use identity::*;
pub use invites::*;
pub use mutations::*;
pub use places::*;
pub use portals::*;
pub use scim::*;
pub use walk_ins::*;
pub use webhooks::*;
