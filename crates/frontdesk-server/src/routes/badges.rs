//! The badge of a visit as a PDF, and the desk's word that it was printed.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use frontdesk_api::{BadgeParams, Printed};
use frontdesk_badge::BadgeError;
use frontdesk_core::{Id, Invite};
use frontdesk_store::actions::{self, BadgeEvent};
use serde_json::json;

use super::{Body, Params, Path};
use crate::auth::Authed;
use crate::{badges, ApiError, AppState};

/// The visit's badge as a PDF.
#[utoipa::path(get, path = "/api/v1/invites/{id}/badge.pdf", tag = "badges", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Invite id"), BadgeParams),
    responses((status = 200, description = "The badge", content_type = "application/pdf", body = Vec<u8>)))]
pub async fn pdf(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
    Params(p): Params<BadgeParams>,
) -> Result<Response, ApiError> {
    let invite = id.clone();
    let facts = st
        .read(a.clone(), move |tx, by| {
            actions::badge_facts(tx, by, &invite)
        })
        .await?;
    let renderer = badges::renderer()?;
    let type_name = facts
        .visitor_type
        .as_ref()
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let template = p
        .template
        .unwrap_or_else(|| renderer.default_template_for(&type_name).to_string());
    let data = badges::data(facts);
    let (name, invite) = (template.clone(), id.to_string());
    let pdf = tokio::task::spawn_blocking(move || badges::render(renderer, &name, data, &invite))
        .await?
        .map_err(|e| match e {
            BadgeError::UnknownTemplate(..) => ApiError::invalid("unknown_template", e.to_string()),
            other => {
                tracing::error!(error = %other, "badge rendering failed");
                ApiError::internal()
            }
        })?;
    st.write(a, move |tx, by| {
        actions::record_badge(
            tx,
            by,
            &id,
            BadgeEvent::Generated,
            json!({ "template": template }),
        )
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"badge.pdf\"",
            ),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        pdf,
    )
        .into_response())
}

/// The desk's word that the badge was printed (for the activity log).
#[utoipa::path(post, path = "/api/v1/invites/{id}/badge-printed", tag = "badges", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Invite id")), request_body = Printed,
    responses((status = 204, description = "Recorded")))]
pub async fn printed(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
    Body(p): Body<Printed>,
) -> Result<StatusCode, ApiError> {
    let printer = frontdesk_core::validate::required_text("printer", &p.printer, 300)?;
    st.write(a, move |tx, by| {
        actions::record_badge(
            tx,
            by,
            &id,
            BadgeEvent::Printed,
            json!({ "printer": printer, "job_id": p.job_id }),
        )
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
