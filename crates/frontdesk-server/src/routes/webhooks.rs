//! Integrations' webhook endpoints: register (the signing secret shown once), list, delete, and
//! what became of each delivery.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use frontdesk_api::{NewWebhook, WebhookCreated, WebhookDelivery, WebhookEndpoint};
use frontdesk_core::{id, Id};
use frontdesk_store::actions::{self, WebhookOwner};

use super::{Body, Path};
use crate::auth::Authed;
use crate::{ApiError, AppState};

/// How many of an endpoint's newest deliveries the list shows.
const DELIVERIES_SHOWN: usize = 100;

async fn create(
    st: AppState,
    a: frontdesk_core::Actor,
    owner: WebhookOwner,
    w: NewWebhook,
) -> Result<(StatusCode, Json<WebhookCreated>), ApiError> {
    let record = st
        .write(a, move |tx, by| {
            actions::create_webhook(tx, by, &owner, &w.url, &w.events, w.description.as_deref())
        })
        .await?;
    let secret = crate::webhooks::endpoint_secret(
        &st.webhook_key,
        record.endpoint.id.as_str(),
        &record.salt,
    );
    Ok((
        StatusCode::CREATED,
        Json(WebhookCreated {
            endpoint: record.endpoint,
            secret,
        }),
    ))
}

async fn list(
    st: AppState,
    a: frontdesk_core::Actor,
    owner: WebhookOwner,
) -> Result<Json<Vec<WebhookEndpoint>>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| actions::webhooks(tx, by, &owner))
            .await?,
    ))
}

/// Register a webhook endpoint for a tenant (its admins). The answer holds the endpoint's
/// signing secret, shown this once.
///
/// Each event is POSTed as JSON `{id, type, created_at, data: {invite}}` (the invite as the
/// tenant's side sees it) with the headers `Frontdesk-Webhook-Id` (the delivery's id),
/// `Frontdesk-Webhook-Timestamp` (Unix seconds) and
/// `Frontdesk-Signature: v1=<hex HMAC-SHA256(secret, "{timestamp}.{body}")>`. A 2xx answer
/// is a delivery; anything else is retried with exponential backoff, so an event may come more
/// than once. Receivers should check the signature over the raw body with a constant-time
/// comparison, reject timestamps more than 5 minutes old (replay protection), and remember the
/// delivery ids of that window to drop repeats. A tenant's endpoint hears of the tenant's own
/// invites and of its copies of the building's invites that synced to it, never of others.
#[utoipa::path(post, path = "/api/v1/tenants/{id}/webhooks", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Tenant id")), request_body = NewWebhook,
    responses((status = 201, body = WebhookCreated)))]
pub async fn create_tenant_webhook(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Tenant>>,
    Body(w): Body<NewWebhook>,
) -> Result<(StatusCode, Json<WebhookCreated>), ApiError> {
    create(st, a, WebhookOwner::tenant(&id), w).await
}

/// A tenant's webhook endpoints (its admins).
#[utoipa::path(get, path = "/api/v1/tenants/{id}/webhooks", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Tenant id")), responses((status = 200, body = [WebhookEndpoint])))]
pub async fn tenant_webhooks(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Tenant>>,
) -> Result<Json<Vec<WebhookEndpoint>>, ApiError> {
    list(st, a, WebhookOwner::tenant(&id)).await
}

/// Register a webhook endpoint for a building (its admins): it hears of the Building Portal's
/// invites. Signing, retries and replay protection as for a tenant's endpoint
/// (`POST /api/v1/tenants/{id}/webhooks`).
#[utoipa::path(post, path = "/api/v1/buildings/{id}/webhooks", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Building id")), request_body = NewWebhook,
    responses((status = 201, body = WebhookCreated)))]
pub async fn create_building_webhook(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Building>>,
    Body(w): Body<NewWebhook>,
) -> Result<(StatusCode, Json<WebhookCreated>), ApiError> {
    create(st, a, WebhookOwner::building(&id), w).await
}

/// A building's webhook endpoints (its admins).
#[utoipa::path(get, path = "/api/v1/buildings/{id}/webhooks", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Building id")), responses((status = 200, body = [WebhookEndpoint])))]
pub async fn building_webhooks(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Building>>,
) -> Result<Json<Vec<WebhookEndpoint>>, ApiError> {
    list(st, a, WebhookOwner::building(&id)).await
}

/// Delete an endpoint (its owner's admins); deliveries not yet made are dropped.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook endpoint id")), responses((status = 204)))]
pub async fn delete_webhook(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Webhook>>,
) -> Result<StatusCode, ApiError> {
    st.write(a, move |tx, by| actions::delete_webhook(tx, by, &id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The endpoint's newest deliveries (100), newest first, each with every attempt: when, the
/// receiver's HTTP status or the error, and how long it took.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook endpoint id")),
    responses((status = 200, body = [WebhookDelivery])))]
pub async fn deliveries(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Webhook>>,
) -> Result<Json<Vec<WebhookDelivery>>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| {
            actions::webhook_deliveries(tx, by, &id, DELIVERIES_SHOWN)
        })
        .await?,
    ))
}
