use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use frontdesk_api::{
    Cancel, CardRequest, Created, Event, InviteView, NewInvite, Resent, Validity, VisitorPatch,
};
use frontdesk_core::{id, Id, Invite, Portal, VisitAction};
use frontdesk_store::actions;

use super::{Body, OptionalBody, Path};
use crate::auth::Authed;
use crate::{ApiError, AppState};

type One = Result<Json<InviteView>, ApiError>;

async fn create(
    st: AppState,
    a: frontdesk_core::Actor,
    portal: Portal,
    req: NewInvite,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let created = st
        .write(a, move |tx, by| {
            actions::create_invite(tx, by, &portal, req)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Invite a visitor in the Building Portal; the tenant gets a linked copy when the sync rules say so.
#[utoipa::path(post, path = "/api/v1/buildings/{id}/invites", tag = "invites", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Building id")), request_body = NewInvite, responses((status = 201, body = Created)))]
pub async fn create_at_building(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Building>>,
    Body(req): Body<NewInvite>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    create(st, a, Portal::building(id), req).await
}

/// Invite a visitor in a location's portal; the building gets a linked copy when the tenant is linked.
#[utoipa::path(post, path = "/api/v1/locations/{id}/invites", tag = "invites", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Location id")), request_body = NewInvite, responses((status = 201, body = Created)))]
pub async fn create_at_location(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Location>>,
    Body(req): Body<NewInvite>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    create(st, a, Portal::location(id), req).await
}

/// An invite.
#[utoipa::path(get, path = "/api/v1/invites/{id}", tag = "invites", operation_id = "get_invite", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Invite id")), responses((status = 200, body = InviteView)))]
pub async fn get(State(st): State<AppState>, Authed(a): Authed, Path(id): Path<Id<Invite>>) -> One {
    Ok(Json(
        st.read(a, move |tx, by| actions::invite(tx, by, &id))
            .await?,
    ))
}

/// Update the visitor: the profile only, or this invite and the profile (and the linked copy).
#[utoipa::path(patch, path = "/api/v1/invites/{id}/visitor", tag = "invites", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Invite id")), request_body = VisitorPatch, responses((status = 200, body = InviteView)))]
pub async fn update_visitor(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
    Body(req): Body<VisitorPatch>,
) -> One {
    Ok(Json(
        st.write(a, move |tx, by| actions::update_visitor(tx, by, &id, req))
            .await?,
    ))
}

/// Change the validity (from the primary side only); the linked copy and the card follow.
#[utoipa::path(put, path = "/api/v1/invites/{id}/validity", tag = "invites", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Invite id")), request_body = Validity, responses((status = 200, body = InviteView)))]
pub async fn change_validity(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
    Body(req): Body<Validity>,
) -> One {
    Ok(Json(
        st.write(a, move |tx, by| {
            actions::change_validity(tx, by, &id, req.valid_from, req.valid_to)
        })
        .await?,
    ))
}

/// Send the invitation again (from the primary side).
#[utoipa::path(post, path = "/api/v1/invites/{id}/resend", tag = "invites", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Invite id")), responses((status = 202, body = Resent)))]
pub async fn resend(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
) -> Result<(StatusCode, Json<Resent>), ApiError> {
    let notification = st
        .write(a, move |tx, by| actions::resend(tx, by, &id))
        .await?;
    Ok((StatusCode::ACCEPTED, Json(Resent { notification })))
}

/// Cancel the visit, on both sides of a pair; the body (a reason) may be left out.
#[utoipa::path(post, path = "/api/v1/invites/{id}/cancel", tag = "invites", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Invite id")), request_body(content = Option<Cancel>, content_type = "application/json"), responses((status = 200, body = InviteView)))]
pub async fn cancel(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
    OptionalBody(req): OptionalBody<Cancel>,
) -> One {
    let reason = req.and_then(|c| c.reason);
    transition(st, a, id, VisitAction::Cancel, reason).await
}

async fn transition(
    st: AppState,
    a: frontdesk_core::Actor,
    id: Id<Invite>,
    t: VisitAction,
    reason: Option<String>,
) -> One {
    Ok(Json(
        st.write(a, move |tx, by| actions::transition(tx, by, &id, t, reason))
            .await?,
    ))
}

/// Check the visitor in (pre-registered), on both sides of a pair.
#[utoipa::path(post, path = "/api/v1/invites/{id}/check-in", tag = "invites", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Invite id")), responses((status = 200, body = InviteView)))]
pub async fn check_in(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
) -> One {
    transition(st, a, id, VisitAction::CheckIn, None).await
}

/// The visitor arrived, on both sides of a pair.
#[utoipa::path(post, path = "/api/v1/invites/{id}/arrive", tag = "invites", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Invite id")), responses((status = 200, body = InviteView)))]
pub async fn arrive(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
) -> One {
    transition(st, a, id, VisitAction::Arrive, None).await
}

/// Check the visitor out, on both sides of a pair; active cards end.
#[utoipa::path(post, path = "/api/v1/invites/{id}/check-out", tag = "invites", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Invite id")), responses((status = 200, body = InviteView)))]
pub async fn check_out(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
) -> One {
    transition(st, a, id, VisitAction::CheckOut, None).await
}

/// Assign an access card (with the card sync rules; `card_sync_blocked` asks whether to assign locally).
#[utoipa::path(put, path = "/api/v1/invites/{id}/card", tag = "invites", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Invite id")), request_body = CardRequest, responses((status = 200, body = InviteView)))]
pub async fn assign_card(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
    Body(req): Body<CardRequest>,
) -> One {
    Ok(Json(
        st.write(a, move |tx, by| actions::assign_card(tx, by, &id, req))
            .await?,
    ))
}

/// Take the active card off the invite.
#[utoipa::path(delete, path = "/api/v1/invites/{id}/card", tag = "invites", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Invite id")), responses((status = 200, body = InviteView)))]
pub async fn remove_card(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
) -> One {
    Ok(Json(
        st.write(a, move |tx, by| actions::remove_card(tx, by, &id))
            .await?,
    ))
}

/// The invite's activity log.
#[utoipa::path(get, path = "/api/v1/invites/{id}/activity", tag = "invites", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Invite id")), responses((status = 200, body = Vec<Event>)))]
pub async fn activity(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
) -> Result<Json<Vec<Event>>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| actions::activity(tx, by, &id))
            .await?,
    ))
}
