//! The lobby kiosk's side of the portal: what a walk-in is asked, where they may go, the
//! walk-in itself, what a pre-registered visitor still owes on arrival, and the desk alert a
//! kiosk raises for the receptionist.

use chrono::{DateTime, Utc};
use frontdesk_core::flow::{FlowNda, FlowQuestion};
use frontdesk_core::{id, Host, Id, VisitorType};
use serde::{Deserialize, Serialize};

use crate::{InviteView, Submission};

/// The walk-in flow's choice of place and visitor type.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WalkInFlowParams {
    /// The tenant location the visitor is coming to.
    #[param(value_type = String)]
    pub location_id: Id<id::Location>,
    /// One of the building's visitor types.
    #[param(value_type = Option<String>)]
    pub visitor_type_id: Option<Id<VisitorType>>,
}

/// What a walk-in to a location is asked: the same merged flow a synced invite would show
/// (the building's questions first, then the tenant's), and whether the visit would reach the
/// tenant's portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct WalkInFlow {
    pub building_name: String,
    pub location_name: String,
    /// The building's time zone (IANA name).
    pub timezone: String,
    pub questions: Vec<FlowQuestion>,
    pub photo_required: bool,
    pub ndas: Vec<FlowNda>,
    /// Whether Reverse Building Sync applies: the tenant gets its copy of the visit.
    pub syncs: bool,
    /// Every failed precondition of the sync, in words (empty when it syncs).
    pub sync_blockers: Vec<String>,
}

/// A tenant location a walk-in may pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct WalkInLocation {
    #[schema(value_type = String)]
    pub id: Id<id::Location>,
    pub tenant_name: String,
    pub location_name: String,
    /// The tenant has active hosts at this location in its directory.
    pub host_directory: bool,
    /// Some of them may be found by the lobby's host search.
    pub lobby_searchable_hosts: bool,
}

/// One of the building's visitor types, as a walk-in picks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct WalkInVisitorType {
    #[schema(value_type = String)]
    pub id: Id<VisitorType>,
    pub name: String,
    pub requires_photo: bool,
    pub requires_nda: bool,
}

/// Where a walk-in may go in a building, and as what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct WalkInPlaces {
    pub locations: Vec<WalkInLocation>,
    pub visitor_types: Vec<WalkInVisitorType>,
}

/// A visitor who came without an invite, as the kiosk registered them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct WalkIn {
    /// Made on the desk (UUIDv7): the walk-in's idempotency key. The same id sent again
    /// answers the visit it made.
    pub id: String,
    /// The tenant location being visited.
    #[schema(value_type = String)]
    pub location_id: Id<id::Location>,
    /// A host from the location's tenant's directory (or the building's staff): told of the
    /// arrival.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub host_id: Option<Id<Host>>,
    /// The host's name as the badge shows it; with `host_id`, may be left empty.
    #[serde(default)]
    pub host_name: String,
    /// One of the building's visitor types.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub visitor_type_id: Option<Id<VisitorType>>,
    /// What the visitor gave on the kiosk, as the visitor's page submits it.
    pub submission: Submission,
    /// When the visitor arrived on the desk (at most 24 hours ago; a time in the future is
    /// taken as now).
    pub arrived_at: DateTime<Utc>,
}

/// The visit a walk-in made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct WalkInDone {
    /// The building's invite (the pair's primary).
    pub invite: InviteView,
    /// The tenant got its copy.
    pub synced: bool,
    /// Why it did not, in words.
    pub sync_blockers: Vec<String>,
    /// This walk-in id was seen before: nothing was written, the visit is the one it made.
    pub replayed: bool,
}

/// What a visitor who registered before coming still owes at the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct ArrivalNeeds {
    /// The flow requires a photo and the visit has none.
    pub photo: bool,
    /// Agreements not accepted, or whose text changed since they were.
    pub ndas: Vec<FlowNda>,
    /// Required questions without an answer.
    pub questions: Vec<FlowQuestion>,
}

/// A problem a kiosk raises for the receptionist's console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct DeskAlert {
    /// At most 300 characters, one line.
    pub message: String,
}
