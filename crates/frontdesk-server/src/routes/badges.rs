//! The badge of a visit as a PDF or a printer's raster, and the desk's word that it was printed.

use axum::extract::State;
use axum::http::{header, HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use frontdesk_api::limits::{BADGE_DPI_DEFAULT, BADGE_DPI_MAX, BADGE_DPI_MIN};
use frontdesk_api::{BadgeParams, Printed};
use frontdesk_core::{Id, Invite};
use frontdesk_store::actions::{self, BadgeEvent};
use serde_json::json;

use super::{Body, Params, Path};
use crate::auth::Authed;
use crate::badges::BadgeFormat;
use crate::{badges, ApiError, AppState};

/// The visit's badge as a PDF.
#[utoipa::path(get, path = "/api/v1/invites/{id}/badge.pdf", tag = "badges", security(("bearer" = [])),
    params(("id" = String, Path, description = "Invite id"), BadgeParams),
    responses((status = 200, description = "The badge; `X-Badge-Template` and `X-Badge-Size-Mm` (e.g. `62x100`) name its template and size", content_type = "application/pdf", body = Vec<u8>)))]
pub async fn pdf(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
    Params(p): Params<BadgeParams>,
) -> Result<Response, ApiError> {
    badge(st, a, id, p.template, BadgeFormat::Pdf).await
}

/// The visit's badge as black-and-white pixels at a label printer's resolution, for printers that
/// take no PDF.
#[utoipa::path(get, path = "/api/v1/invites/{id}/badge.png", tag = "badges", security(("bearer" = [])),
    params(("id" = String, Path, description = "Invite id"), BadgeParams),
    responses((status = 200, description = "The badge, 1-bit black and white, exactly the template's size at `dpi`", content_type = "image/png", body = Vec<u8>),
        (status = 422, description = "`dpi` out of range", body = frontdesk_api::ErrorBody)))]
pub async fn png(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Invite>>,
    Params(p): Params<BadgeParams>,
) -> Result<Response, ApiError> {
    let dpi = p.dpi.unwrap_or(BADGE_DPI_DEFAULT);
    if !(BADGE_DPI_MIN..=BADGE_DPI_MAX).contains(&dpi) {
        return Err(ApiError::invalid(
            "invalid_dpi",
            format!("dpi must be from {BADGE_DPI_MIN} to {BADGE_DPI_MAX} (the printer's resolution, e.g. 300)."),
        ));
    }
    badge(st, a, id, p.template, BadgeFormat::Png { dpi }).await
}

async fn badge(
    st: AppState,
    a: frontdesk_core::Actor,
    id: Id<Invite>,
    template: Option<String>,
    format: BadgeFormat,
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
    let template =
        template.unwrap_or_else(|| renderer.default_template_for(&type_name).to_string());
    let size = renderer
        .template(&template)
        .map(|t| format!("{}x{}", t.width_mm, t.height_mm))
        .map_err(|e| ApiError::invalid("unknown_template", e.to_string()))?;
    let data = badges::data(facts);
    let (name, invite) = (template.clone(), id.to_string());
    let bytes =
        tokio::task::spawn_blocking(move || badges::render(renderer, &name, data, &invite, format))
            .await?
            .map_err(|e| {
                tracing::error!(error = %e, "badge rendering failed");
                ApiError::internal()
            })?;
    let logged = json!({ "template": template });
    st.write(a, move |tx, by| {
        actions::record_badge(tx, by, &id, BadgeEvent::Generated, logged)
    })
    .await?;
    let (content_type, disposition) = match format {
        BadgeFormat::Pdf => ("application/pdf", "inline; filename=\"badge.pdf\""),
        BadgeFormat::Png { .. } => ("image/png", "inline; filename=\"badge.png\""),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition.to_string()),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
            (HeaderName::from_static("x-badge-template"), template),
            (HeaderName::from_static("x-badge-size-mm"), size),
        ],
        bytes,
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
