//! The lobby kiosk's endpoints: the walk-in flow and places, walk-ins, what a pre-registered
//! visitor still owes on arrival, and desk alerts for the receptionist's console.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use frontdesk_api::{
    ArrivalNeeds, DeskAlert, FlowAnswers, InviteView, WalkIn, WalkInDone, WalkInFlow,
    WalkInFlowParams, WalkInPlaces,
};
use frontdesk_core::{id, Id, Invite};
use frontdesk_store::{actions, registration};

use super::{Body, Params, Path};
use crate::auth::Authed;
use crate::{ApiError, AppState};

/// What a walk-in to a location is asked (the merged flow a synced invite would show), and
/// whether the visit would sync to the tenant; for the building's front desk and admins.
#[utoipa::path(get, path = "/api/v1/buildings/{id}/walk-in-flow", tag = "kiosk", security(("bearer" = [])),
    params(("id" = String, Path, description = "Building id"), WalkInFlowParams), responses((status = 200, body = WalkInFlow)))]
pub async fn flow(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(building): Path<Id<id::Building>>,
    Params(p): Params<WalkInFlowParams>,
) -> Result<Json<WalkInFlow>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| {
            actions::walk_in_flow(
                tx,
                by,
                &building,
                &p.location_id,
                p.visitor_type_id.as_ref(),
            )
        })
        .await?,
    ))
}

/// The building's locations a walk-in may pick, and its visitor types.
#[utoipa::path(get, path = "/api/v1/buildings/{id}/walk-in-places", tag = "kiosk", security(("bearer" = [])),
    params(("id" = String, Path, description = "Building id")), responses((status = 200, body = WalkInPlaces)))]
pub async fn places(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(building): Path<Id<id::Building>>,
) -> Result<Json<WalkInPlaces>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| actions::walk_in_places(tx, by, &building))
            .await?,
    ))
}

/// A walk-in registered at the kiosk: the building's invite (and the tenant's copy when the pair
/// syncs), the submission, the arrival, in one go. The same id again answers the same visit.
#[utoipa::path(post, path = "/api/v1/buildings/{id}/walk-ins", tag = "kiosk", security(("bearer" = [])),
    params(("id" = String, Path, description = "Building id")), request_body = WalkIn,
    responses((status = 201, description = "The visit was made", body = WalkInDone),
              (status = 200, description = "This walk-in id was seen before: the visit it made", body = WalkInDone)))]
pub async fn walk_in(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(building): Path<Id<id::Building>>,
    Body(w): Body<WalkIn>,
) -> Result<(StatusCode, Json<WalkInDone>), ApiError> {
    let done = st
        .write(a, move |tx, by| actions::walk_in(tx, by, &building, w))
        .await?;
    let status = if done.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(done)))
}

/// What a visitor who registered before coming still owes at the desk (photo, agreements,
/// required answers).
#[utoipa::path(get, path = "/api/v1/invites/{id}/arrival-needs", tag = "kiosk", security(("bearer" = [])),
    params(("id" = String, Path, description = "Invite id")), responses((status = 200, body = ArrivalNeeds)))]
pub async fn arrival_needs(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
) -> Result<Json<ArrivalNeeds>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| registration::arrival_needs(tx, by, &id))
            .await?,
    ))
}

/// Give what the visitor owed (checked like a submission of only those parts, on both sides);
/// answers what is still owed. The arrival is marked separately.
#[utoipa::path(post, path = "/api/v1/invites/{id}/arrival-needs", tag = "kiosk", security(("bearer" = [])),
    params(("id" = String, Path, description = "Invite id")), request_body = FlowAnswers, responses((status = 200, body = ArrivalNeeds)))]
pub async fn give_arrival_needs(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
    Body(given): Body<FlowAnswers>,
) -> Result<Json<ArrivalNeeds>, ApiError> {
    Ok(Json(
        st.write(a, move |tx, by| {
            registration::give_arrival_needs(tx, by, &id, given)
        })
        .await?,
    ))
}

/// Raise a desk alert on the visit (both invites of a pair): the receptionist's console shows it.
#[utoipa::path(post, path = "/api/v1/invites/{id}/desk-alert", tag = "kiosk", security(("bearer" = [])),
    params(("id" = String, Path, description = "Invite id")), request_body = DeskAlert, responses((status = 200, body = InviteView)))]
pub async fn raise_alert(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
    Body(alert): Body<DeskAlert>,
) -> Result<Json<InviteView>, ApiError> {
    Ok(Json(
        st.write(a, move |tx, by| {
            actions::desk_alert(tx, by, &id, Some(&alert.message))
        })
        .await?,
    ))
}

/// Clear the visit's desk alert (both invites of a pair).
#[utoipa::path(delete, path = "/api/v1/invites/{id}/desk-alert", tag = "kiosk", security(("bearer" = [])),
    params(("id" = String, Path, description = "Invite id")), responses((status = 200, body = InviteView)))]
pub async fn clear_alert(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
) -> Result<Json<InviteView>, ApiError> {
    Ok(Json(
        st.write(a, move |tx, by| actions::desk_alert(tx, by, &id, None))
            .await?,
    ))
}
