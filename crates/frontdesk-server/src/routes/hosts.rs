//! The host directories, the lobby's host search, and the host's "On my way" page.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use frontdesk_api::limits::{HOSTS_PAGE_DEFAULT, HOSTS_PAGE_MAX, HOST_SEARCH_MAX};
use frontdesk_api::{
    Directory, Host, HostDraft, HostHit, HostListParams, HostPage, HostSearch, ImportParams,
    ImportReport, NewScimToken, ScimToken, ScimTokenCreated,
};
use frontdesk_core::messages;
use frontdesk_core::{id, Id};
use frontdesk_store::{actions, HostFilter};

use super::{Body, Params, Path};
use crate::auth::Authed;
use crate::{ApiError, AppState};

fn filter(p: &HostListParams) -> (HostFilter, usize, usize) {
    (
        HostFilter {
            q: p.q.clone(),
            location_id: p.location_id.clone(),
            active_only: p.active_only,
            ..HostFilter::default()
        },
        p.limit
            .unwrap_or(HOSTS_PAGE_DEFAULT)
            .clamp(1, HOSTS_PAGE_MAX),
        p.offset.unwrap_or(0),
    )
}

async fn list(
    st: AppState,
    a: frontdesk_core::Actor,
    dir: Directory,
    p: HostListParams,
) -> Result<Json<HostPage>, ApiError> {
    let (f, limit, offset) = filter(&p);
    let (hosts, total) = st
        .read(a, move |tx, by| {
            actions::hosts(tx, by, &dir, &f, limit, offset)
        })
        .await?;
    Ok(Json(HostPage { hosts, total }))
}

async fn create(
    st: AppState,
    a: frontdesk_core::Actor,
    dir: Directory,
    d: HostDraft,
) -> Result<(StatusCode, Json<Host>), ApiError> {
    let h = st
        .write(a, move |tx, by| actions::create_host(tx, by, &dir, &d))
        .await?;
    Ok((StatusCode::CREATED, Json(h)))
}

/// The file as text: UTF-8 (a byte-order mark goes with the header).
async fn import(
    st: AppState,
    a: frontdesk_core::Actor,
    dir: Directory,
    dry_run: bool,
    csv: axum::body::Bytes,
) -> Result<Json<ImportReport>, ApiError> {
    let csv = String::from_utf8(csv.to_vec()).map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_csv",
            "The file is not UTF-8 text: save it as \"CSV UTF-8\" and import it again.",
        )
    })?;
    Ok(Json(
        st.write(a, move |tx, by| {
            actions::import_hosts(tx, by, &dir, &csv, dry_run)
        })
        .await?,
    ))
}

/// A tenant's directory (its admins, and its locations' desks).
#[utoipa::path(get, path = "/api/v1/tenants/{id}/hosts", tag = "hosts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Tenant id"), HostListParams), responses((status = 200, body = HostPage)))]
pub async fn tenant_hosts(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Tenant>>,
    Params(p): Params<HostListParams>,
) -> Result<Json<HostPage>, ApiError> {
    list(st, a, Directory::tenant(&id), p).await
}

/// Add a person to a tenant's directory (tenant admins).
#[utoipa::path(post, path = "/api/v1/tenants/{id}/hosts", tag = "hosts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Tenant id")), request_body = HostDraft, responses((status = 201, body = Host)))]
pub async fn create_tenant_host(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Tenant>>,
    Body(d): Body<HostDraft>,
) -> Result<(StatusCode, Json<Host>), ApiError> {
    create(st, a, Directory::tenant(&id), d).await
}

/// Import a tenant's directory from CSV (`name,email,mobile,locations,delegate_email,
/// lobby_searchable,active,channels`; name and email required). With any error, or a dry run,
/// nothing changes; the report says what each line does.
#[utoipa::path(post, path = "/api/v1/tenants/{id}/hosts/import", tag = "hosts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Tenant id"), ImportParams),
    request_body(content = String, content_type = "text/csv"), responses((status = 200, body = ImportReport)))]
pub async fn import_tenant_hosts(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Tenant>>,
    Params(p): Params<ImportParams>,
    csv: axum::body::Bytes,
) -> Result<Json<ImportReport>, ApiError> {
    import(st, a, Directory::tenant(&id), p.dry_run, csv).await
}

/// A building's own staff (its admins and its lobby desk).
#[utoipa::path(get, path = "/api/v1/buildings/{id}/hosts", tag = "hosts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Building id"), HostListParams), responses((status = 200, body = HostPage)))]
pub async fn building_hosts(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Building>>,
    Params(p): Params<HostListParams>,
) -> Result<Json<HostPage>, ApiError> {
    list(st, a, Directory::building(&id), p).await
}

/// Add a member of the building's staff (building admins).
#[utoipa::path(post, path = "/api/v1/buildings/{id}/hosts", tag = "hosts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Building id")), request_body = HostDraft, responses((status = 201, body = Host)))]
pub async fn create_building_host(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Building>>,
    Body(d): Body<HostDraft>,
) -> Result<(StatusCode, Json<Host>), ApiError> {
    create(st, a, Directory::building(&id), d).await
}

/// Import the building's staff from CSV (as for a tenant; no locations).
#[utoipa::path(post, path = "/api/v1/buildings/{id}/hosts/import", tag = "hosts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Building id"), ImportParams),
    request_body(content = String, content_type = "text/csv"), responses((status = 200, body = ImportReport)))]
pub async fn import_building_hosts(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Building>>,
    Params(p): Params<ImportParams>,
    csv: axum::body::Bytes,
) -> Result<Json<ImportReport>, ApiError> {
    import(st, a, Directory::building(&id), p.dry_run, csv).await
}

/// The hosts a location's desk may pick: its tenant's active hosts at that location.
#[utoipa::path(get, path = "/api/v1/locations/{id}/hosts", tag = "hosts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Location id"), HostListParams), responses((status = 200, body = HostPage)))]
pub async fn location_hosts(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Location>>,
    Params(mut p): Params<HostListParams>,
) -> Result<Json<HostPage>, ApiError> {
    p.location_id = Some(id.clone());
    p.active_only = true;
    let (f, limit, offset) = filter(&p);
    let (hosts, total) = st
        .read(a, move |tx, by| {
            let l = actions::location(tx, by, &id)?;
            actions::hosts(tx, by, &Directory::tenant(&l.tenant_id), &f, limit, offset)
        })
        .await?;
    Ok(Json(HostPage { hosts, total }))
}

/// A host (their directory's admins and desks).
#[utoipa::path(get, path = "/api/v1/hosts/{id}", tag = "hosts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Host id")), responses((status = 200, body = Host)))]
pub async fn get_host(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Host>>,
) -> Result<Json<Host>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| actions::host(tx, by, &id)).await?,
    ))
}

/// Replace a host's entry (their directory's admins). `active: false` keeps the entry for old
/// visits but nobody can pick or tell them.
#[utoipa::path(put, path = "/api/v1/hosts/{id}", tag = "hosts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Host id")), request_body = HostDraft, responses((status = 200, body = Host)))]
pub async fn replace_host(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Host>>,
    Body(d): Body<HostDraft>,
) -> Result<Json<Host>, ApiError> {
    Ok(Json(
        st.write(a, move |tx, by| actions::replace_host(tx, by, &id, &d))
            .await?,
    ))
}

/// Remove a host (their directory's admins); visits that named them keep the name.
#[utoipa::path(delete, path = "/api/v1/hosts/{id}", tag = "hosts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Host id")), responses((status = 204)))]
pub async fn delete_host(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<Host>>,
) -> Result<StatusCode, ApiError> {
    st.write(a, move |tx, by| actions::delete_host(tx, by, &id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The lobby's host search (the building's desks and admins): the building's staff and the
/// hosts of linked tenants who allow it, by name, with a masked contact only.
#[utoipa::path(get, path = "/api/v1/buildings/{id}/host-search", tag = "hosts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Building id"), HostSearch), responses((status = 200, body = [HostHit])))]
pub async fn host_search(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Building>>,
    Params(p): Params<HostSearch>,
) -> Result<Json<Vec<HostHit>>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| {
            let mut hits = actions::lobby_search(tx, by, &id, &p.q, HOST_SEARCH_MAX * 5)?;
            if let Some(l) = &p.location_id {
                hits.retain(|h| h.location_id.as_ref() == Some(l));
            }
            hits.truncate(HOST_SEARCH_MAX);
            Ok(hits)
        })
        .await?,
    ))
}

/// The page behind a host's "On my way" link. Opening it changes nothing (mail scanners open
/// links); the button on it answers.
pub async fn on_my_way_page(State(st): State<AppState>, Path(token): Path<String>) -> Response {
    on_my_way(st, token, false).await
}

pub async fn on_my_way_press(State(st): State<AppState>, Path(token): Path<String>) -> Response {
    on_my_way(st, token, true).await
}

async fn on_my_way(st: AppState, token: String, press: bool) -> Response {
    let now = st.clock.now();
    let found = st
        .blocking(move |s| s.write(|tx| actions::on_my_way(tx, now, &token, press)))
        .await;
    if press {
        st.notify_changed();
    }
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let (lang, status, body) = match found {
        Err(_) => (
            messages::Language::En,
            StatusCode::NOT_FOUND,
            format!(
                "<p>{}</p>",
                esc(&messages::text(
                    messages::Language::En,
                    "on_my_way.gone",
                    &[]
                ))
            ),
        ),
        Ok(w) => {
            let l = w.language;
            let question = messages::text(
                l,
                "on_my_way.question",
                &[
                    ("visitor", &w.visitor),
                    ("building", &w.building),
                    ("host", &w.host),
                ],
            );
            let body = if w.over {
                format!("<p>{}</p>", esc(&messages::text(l, "on_my_way.gone", &[])))
            } else if press || w.answered_at.is_some() {
                format!(
                    "<p>{}</p><p role=\"status\">{}</p>",
                    esc(&question),
                    esc(&messages::text(l, "on_my_way.done", &[]))
                )
            } else {
                format!(
                    "<p>{}</p><form method=\"post\"><button type=\"submit\">{}</button></form>",
                    esc(&question),
                    esc(&messages::text(l, "on_my_way.button", &[]))
                )
            };
            (l, StatusCode::OK, body)
        }
    };
    let title = messages::text(lang, "on_my_way.page_title", &[]);
    let page = format!(
        "<!doctype html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\"><title>{title}</title>\
         <style>body{{font-family:system-ui,sans-serif;font-size:18px;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}}\
         button{{font-size:1.2rem;padding:.8rem 1.6rem;background:#0b5fff;color:#fff;border:0;border-radius:8px}}</style>\
         </head><body><h1>{title}</h1>{body}</body></html>",
        code = lang.code(),
        title = esc(&title)
    );
    let mut resp = (status, Html(page)).into_response();
    resp.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    resp
}

/// Give an identity provider a SCIM token for the tenant's directory (tenant admins). The
/// secret is in this answer only; keep it in the identity provider's settings.
#[utoipa::path(post, path = "/api/v1/tenants/{id}/scim-tokens", tag = "hosts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Tenant id")), request_body = NewScimToken,
    responses((status = 201, body = ScimTokenCreated)))]
pub async fn create_scim_token(
    State(st): State<AppState>,
    Authed(a): Authed,
    headers: axum::http::HeaderMap,
    Path(id): Path<Id<id::Tenant>>,
    Body(new): Body<NewScimToken>,
) -> Result<(StatusCode, Json<ScimTokenCreated>), ApiError> {
    let (token, secret) = st
        .write(a, move |tx, by| {
            actions::create_scim_token(tx, by, &id, &new)
        })
        .await?;
    let base_url = format!("{}{}", st.public_base(&headers), crate::scim::BASE);
    Ok((
        StatusCode::CREATED,
        Json(ScimTokenCreated {
            token,
            secret,
            base_url,
        }),
    ))
}

/// The tenant's SCIM tokens that still work (tenant admins); never their secrets.
#[utoipa::path(get, path = "/api/v1/tenants/{id}/scim-tokens", tag = "hosts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Tenant id")), responses((status = 200, body = [ScimToken])))]
pub async fn scim_tokens(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Tenant>>,
) -> Result<Json<Vec<ScimToken>>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| actions::scim_tokens(tx, by, &id))
            .await?,
    ))
}

/// Revoke a SCIM token (tenant admins): the identity provider holding it is refused from now on.
#[utoipa::path(delete, path = "/api/v1/tenants/{id}/scim-tokens/{token_id}", tag = "hosts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Tenant id"), ("token_id" = String, Path, description = "Token id")),
    responses((status = 204)))]
pub async fn revoke_scim_token(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path((id, token_id)): Path<(Id<id::Tenant>, String)>,
) -> Result<StatusCode, ApiError> {
    st.write(a, move |tx, by| {
        actions::revoke_scim_token(tx, by, &id, &token_id)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
