//! The visitor's side: the registration page and its API (the link's secret is the only key),
//! and what staff may see of what the visitor gave.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use frontdesk_api::{PreviewParams, RegistrationRecord, RegistrationView, Submission, Submitted};
use frontdesk_core::flow::Flow;
use frontdesk_core::{id, Id, Invite};
use frontdesk_store::registration;

use super::{Body, Params, Path};
use crate::auth::Authed;
use crate::{ApiError, AppState};

/// The visit and the combined check-in flow, for the visitor (the link's secret is the key).
#[utoipa::path(get, path = "/api/v1/registrations/{token}", tag = "visitor",
    params(("token" = String, Path, description = "The registration link's secret")), responses((status = 200, body = RegistrationView)))]
pub async fn open(
    State(st): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<RegistrationView>, ApiError> {
    let now = st.clock.now();
    Ok(Json(
        st.blocking(move |s| s.read(|tx| registration::open(tx, &token, now)))
            .await?,
    ))
}

/// The visitor's submission: both invites checked in, answers and NDAs with their side, the photo once.
#[utoipa::path(post, path = "/api/v1/registrations/{token}", tag = "visitor",
    params(("token" = String, Path, description = "The registration link's secret")), request_body = Submission, responses((status = 200, body = Submitted)))]
pub async fn submit(
    State(st): State<AppState>,
    Path(token): Path<String>,
    Body(sub): Body<Submission>,
) -> Result<Json<Submitted>, ApiError> {
    let now = st.clock.now();
    let out = st
        .blocking(move |s| s.write(|tx| registration::submit(tx, &token, now, sub)))
        .await?;
    st.notify_changed();
    Ok(Json(out))
}

/// What the visitor gave, as this portal may see it.
#[utoipa::path(get, path = "/api/v1/invites/{id}/registration", tag = "visitor", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Invite id")), responses((status = 200, body = RegistrationRecord)))]
pub async fn record(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
) -> Result<Json<RegistrationRecord>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| registration::record(tx, by, &id))
            .await?,
    ))
}

/// The visitor's photo.
#[utoipa::path(get, path = "/api/v1/invites/{id}/photo", tag = "visitor", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Invite id")),
    responses((status = 200, description = "The photo as uploaded", content_type = "image/jpeg", body = Vec<u8>), (status = 200, description = "The photo as uploaded", content_type = "image/png", body = Vec<u8>)))]
pub async fn photo(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
) -> Result<Response, ApiError> {
    let (content_type, bytes) = st
        .read(a, move |tx, by| registration::photo(tx, by, &id))
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// The check-in flow a visitor of this location would get, for admins setting it up.
#[utoipa::path(get, path = "/api/v1/locations/{id}/flow-preview", tag = "visitor", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Location id"), PreviewParams), responses((status = 200, body = frontdesk_api::Flow)))]
pub async fn preview(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(location): Path<Id<id::Location>>,
    Params(p): Params<PreviewParams>,
) -> Result<Json<Flow>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| {
            registration::preview(tx, by, &location, p.building_visitor_type_id.as_ref())
        })
        .await?,
    ))
}

/// The page is the same for every link; it reads the secret from its own address.
pub async fn page(State(st): State<AppState>) -> Response {
    st.ui.page(
        "register.html",
        "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    )
}

pub async fn asset(State(st): State<AppState>, Path(file): Path<String>) -> Response {
    st.ui.asset("", &file, "public, max-age=300")
}
