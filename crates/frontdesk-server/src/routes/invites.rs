use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use frontdesk_core::{Portal, Timestamp};
use frontdesk_store::actions::{self, CardRequest, Created, NewInvite, Transition, VisitorPatch};
use frontdesk_store::views::InviteView;
use frontdesk_store::{Event, Notification};
use serde::Deserialize;
use serde_json::{json, Value};

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

pub async fn create_at_building(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<String>,
    Body(req): Body<NewInvite>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    create(st, a, Portal::building(id), req).await
}

pub async fn create_at_location(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<String>,
    Body(req): Body<NewInvite>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    create(st, a, Portal::location(id), req).await
}

pub async fn get(State(st): State<AppState>, Authed(a): Authed, Path(id): Path<String>) -> One {
    Ok(Json(
        st.read(a, move |tx, by| actions::invite(tx, by, &id))
            .await?,
    ))
}

pub async fn update_visitor(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<String>,
    Body(req): Body<VisitorPatch>,
) -> One {
    Ok(Json(
        st.write(a, move |tx, by| actions::update_visitor(tx, by, &id, req))
            .await?,
    ))
}

#[derive(Deserialize)]
pub struct Validity {
    valid_from: Timestamp,
    valid_to: Timestamp,
}

pub async fn change_validity(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<String>,
    Body(req): Body<Validity>,
) -> One {
    Ok(Json(
        st.write(a, move |tx, by| {
            actions::change_validity(tx, by, &id, req.valid_from, req.valid_to)
        })
        .await?,
    ))
}

pub async fn resend(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let n: Notification = st
        .write(a, move |tx, by| actions::resend(tx, by, &id))
        .await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "notification": n }))))
}

#[derive(Deserialize)]
pub struct Cancel {
    reason: Option<String>,
}

pub async fn cancel(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<String>,
    OptionalBody(req): OptionalBody<Cancel>,
) -> One {
    let reason = req.and_then(|c| c.reason);
    transition(st, a, id, Transition::Cancel, reason).await
}

async fn transition(
    st: AppState,
    a: frontdesk_core::Actor,
    id: String,
    t: Transition,
    reason: Option<String>,
) -> One {
    Ok(Json(
        st.write(a, move |tx, by| actions::transition(tx, by, &id, t, reason))
            .await?,
    ))
}

pub async fn check_in(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<String>,
) -> One {
    transition(st, a, id, Transition::CheckIn, None).await
}

pub async fn arrive(State(st): State<AppState>, Authed(a): Authed, Path(id): Path<String>) -> One {
    transition(st, a, id, Transition::Arrive, None).await
}

pub async fn check_out(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<String>,
) -> One {
    transition(st, a, id, Transition::CheckOut, None).await
}

pub async fn assign_card(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<String>,
    Body(req): Body<CardRequest>,
) -> One {
    Ok(Json(
        st.write(a, move |tx, by| actions::assign_card(tx, by, &id, req))
            .await?,
    ))
}

pub async fn remove_card(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<String>,
) -> One {
    Ok(Json(
        st.write(a, move |tx, by| actions::remove_card(tx, by, &id))
            .await?,
    ))
}

pub async fn activity(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<String>,
) -> Result<Json<Vec<Event>>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| actions::activity(tx, by, &id))
            .await?,
    ))
}
