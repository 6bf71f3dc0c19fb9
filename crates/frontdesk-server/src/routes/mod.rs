//! The HTTP surface. Each handler authenticates, parses, and calls one store action or query.

pub(crate) mod badges;
mod console;
pub(crate) mod desk;
pub(crate) mod feed;
pub(crate) mod hosts;
pub(crate) mod identity;
pub(crate) mod invites;
pub(crate) mod kiosk;
pub(crate) mod logs;
pub(crate) mod places;
pub(crate) mod visitor;
pub(crate) mod webhooks;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::http::StatusCode;
use axum::routing::{get, post, put, MethodRouter};
use axum::Router;
use serde::de::DeserializeOwned;

use frontdesk_api::limits::{MAX_IMPORT_BYTES, MAX_PUSH_BYTES, MAX_REGISTRATION_BYTES};

use crate::{ApiError, AppState, MAX_BODY_BYTES};

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(crate::openapi::document))
        .route("/docs", get(crate::openapi::reference))
        .route("/auth/login", post(identity::login))
        .route("/auth/logout", post(identity::logout))
        .route("/me", get(identity::me))
        .route("/me/password", put(identity::change_password))
        .route("/users", post(identity::create_user))
        .route("/users/{id}/disable", post(identity::disable_user))
        .route("/users/{id}/enable", post(identity::enable_user))
        .route(
            "/users/{id}/sessions",
            axum::routing::delete(identity::end_sessions),
        )
        .route("/buildings", post(places::create_building))
        .route("/buildings/{id}", get(places::building))
        .route("/tenants", post(places::create_tenant))
        .route(
            "/tenants/{id}/locations",
            post(places::create_location).get(places::locations),
        )
        .route("/locations/{id}", get(places::location))
        .route(
            "/buildings/{id}/tenant-links",
            post(places::link_tenant).get(places::tenant_links),
        )
        .route(
            "/buildings/{id}/tenant-links/{tenant_id}",
            axum::routing::delete(places::unlink_tenant),
        )
        .route("/buildings/{id}/directory", get(places::directory))
        .route(
            "/buildings/{id}/visitor-types",
            post(places::create_building_visitor_type).get(places::building_visitor_types),
        )
        .route(
            "/locations/{id}/visitor-types",
            post(places::create_location_visitor_type).get(places::location_visitor_types),
        )
        .route(
            "/locations/{id}/settings",
            get(places::settings).put(places::save_settings),
        )
        .route("/buildings/{id}/invites", post(invites::create_at_building))
        .route("/locations/{id}/invites", post(invites::create_at_location))
        .route("/invites/{id}", get(invites::get))
        .route(
            "/invites/{id}/visitor",
            axum::routing::patch(invites::update_visitor),
        )
        .route("/invites/{id}/validity", put(invites::change_validity))
        .route("/invites/{id}/resend", post(invites::resend))
        .route("/invites/{id}/cancel", post(invites::cancel))
        .route("/invites/{id}/check-in", post(invites::check_in))
        .route("/invites/{id}/arrive", post(invites::arrive))
        .route("/invites/{id}/check-out", post(invites::check_out))
        .route(
            "/invites/{id}/card",
            put(invites::assign_card).delete(invites::remove_card),
        )
        .route("/invites/{id}/activity", get(invites::activity))
        .route("/invites/{id}/badge.pdf", get(badges::pdf))
        .route("/invites/{id}/badge.png", get(badges::png))
        .route("/invites/{id}/badge-printed", post(badges::printed))
        .route("/buildings/{id}/visitor-logs", get(logs::building_logs))
        .route("/buildings/{id}/visitor-logs.csv", get(logs::building_csv))
        .route(
            "/buildings/{id}/visitor-summary",
            get(logs::building_summary),
        )
        .route("/locations/{id}/visitor-logs", get(logs::location_logs))
        .route("/locations/{id}/visitor-logs.csv", get(logs::location_csv))
        .route(
            "/locations/{id}/visitor-summary",
            get(logs::location_summary),
        )
        .route("/tenants/{id}/activity-report", get(logs::tenant_report))
        .route(
            "/buildings/{id}/activity-report",
            get(logs::building_report),
        )
        .route(
            "/tenants/{id}/hosts",
            get(hosts::tenant_hosts).post(hosts::create_tenant_host),
        )
        .route(
            "/tenants/{id}/hosts/import",
            post(hosts::import_tenant_hosts).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route(
            "/buildings/{id}/hosts",
            get(hosts::building_hosts).post(hosts::create_building_host),
        )
        .route(
            "/buildings/{id}/hosts/import",
            post(hosts::import_building_hosts).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route(
            "/tenants/{id}/scim-tokens",
            get(hosts::scim_tokens).post(hosts::create_scim_token),
        )
        .route(
            "/tenants/{id}/scim-tokens/{token_id}",
            axum::routing::delete(hosts::revoke_scim_token),
        )
        .route("/buildings/{id}/host-search", get(hosts::host_search))
        .route("/locations/{id}/hosts", get(hosts::location_hosts))
        .route(
            "/hosts/{id}",
            get(hosts::get_host)
                .put(hosts::replace_host)
                .delete(hosts::delete_host),
        )
        .route(
            "/tenants/{id}/webhooks",
            get(webhooks::tenant_webhooks).post(webhooks::create_tenant_webhook),
        )
        .route(
            "/buildings/{id}/webhooks",
            get(webhooks::building_webhooks).post(webhooks::create_building_webhook),
        )
        .route(
            "/webhooks/{id}",
            axum::routing::delete(webhooks::delete_webhook),
        )
        .route("/webhooks/{id}/deliveries", get(webhooks::deliveries))
        .route("/changes", get(feed::changes))
        .route(
            "/mutations",
            post(desk::push).layer(DefaultBodyLimit::max(MAX_PUSH_BYTES)),
        )
        .route("/changes/stream", get(feed::stream))
        .route("/notifications", get(feed::notifications))
        .route("/invites/{id}/registration", get(visitor::record))
        .route("/invites/{id}/photo", get(visitor::photo))
        .route("/locations/{id}/flow-preview", get(visitor::preview))
        .route("/buildings/{id}/walk-in-flow", get(kiosk::flow))
        .route("/buildings/{id}/walk-in-places", get(kiosk::places))
        .route("/buildings/{id}/walk-ins", with_photo(post(kiosk::walk_in)))
        .route(
            "/invites/{id}/arrival-needs",
            with_photo(get(kiosk::arrival_needs).post(kiosk::give_arrival_needs)),
        )
        .route(
            "/invites/{id}/desk-alert",
            post(kiosk::raise_alert).delete(kiosk::clear_alert),
        )
        .route(
            "/registrations/{token}",
            with_photo(get(visitor::open).post(visitor::submit)),
        )
        .fallback(not_found);
    Router::new()
        .nest("/api/v1", api)
        .nest(crate::scim::BASE, crate::scim::router())
        .route("/register/{token}", get(visitor::page))
        .route(
            "/on-my-way/{token}",
            get(hosts::on_my_way_page).post(hosts::on_my_way_press),
        )
        .route("/register/assets/{file}", get(visitor::asset))
        .route("/desk", get(console::root))
        .route("/desk/", get(console::page))
        .route("/desk/{file}", get(console::asset))
        .route("/healthz", get(crate::observe::healthz))
        .route("/readyz", get(crate::observe::readyz))
        .route("/metrics", get(crate::observe::metrics))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(read_small_bodies_whole))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::net::request_deadline,
        ))
        // Outermost, so every answer (a 408 and a 413 too) is counted and carries its id.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::observe::trace_requests,
        ))
        .with_state(state)
}

/// A route whose body may carry a visitor's photo (a phone's, up to 5 MB, as base64) with the
/// answers: a larger limit, and a body announced over it refused before any of it is read.
fn with_photo(route: MethodRouter<AppState>) -> MethodRouter<AppState> {
    route
        .layer(DefaultBodyLimit::max(MAX_REGISTRATION_BYTES))
        .layer(axum::middleware::from_fn(|req, next| {
            refuse_announced_over(MAX_REGISTRATION_BYTES, req, next)
        }))
}

/// The body's length as the client announced it (`Content-Length`), when it did.
fn announced_length(req: &Request) -> Option<usize> {
    req.headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
}

/// Read a small request body whole before the handler runs, whether or not the handler wants it.
/// A body left unread when the answer is sent (a GET carrying one, an action that takes none) is
/// still in the socket when the connection closes, and the kernel then resets the connection,
/// which can cut off the answer the client is still reading. Bodies over the limit, or of
/// unannounced length, stream as before (the registration's photo, refused by its length first).
async fn read_small_bodies_whole(
    req: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let announced = announced_length(&req);
    match announced {
        Some(n) if n > 0 && n <= MAX_BODY_BYTES => {
            let (parts, body) = req.into_parts();
            match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
                Ok(bytes) => {
                    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
                        .await
                }
                Err(_) => axum::response::IntoResponse::into_response(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_body",
                    "The request body could not be read whole: send it again.",
                )),
            }
        }
        _ => next.run(req).await,
    }
}

/// Refuse a body whose announced length is over `limit` before reading any of it, so a phone
/// on a slow link does not upload megabytes only to be told no.
async fn refuse_announced_over(
    limit: usize,
    req: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let announced = announced_length(&req);
    if announced.is_some_and(|n| n > limit) {
        return axum::response::IntoResponse::into_response(crate::error::payload_too_large());
    }
    next.run(req).await
}

/// The service answers (it says nothing of the database: that is `/readyz`).
#[utoipa::path(get, path = "/api/v1/health", tag = "service",
    responses((status = 200, description = "`ok`", content_type = "text/plain", body = String)))]
pub(crate) async fn health() -> &'static str {
    "ok"
}

async fn not_found() -> ApiError {
    no_such_endpoint()
}

pub(crate) fn no_such_endpoint() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "There is no such endpoint. The API lives under /api/v1.",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "This endpoint does not take that HTTP method.",
    )
}

/// JSON body whose rejections use the API's error shape.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(e) => Err(ApiError::from(e as JsonRejection)),
        }
    }
}

/// A JSON body that may be left out entirely (an empty POST).
pub struct OptionalBody<T>(pub Option<T>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for OptionalBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| crate::error::payload_too_large())?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(None));
        }
        serde_json::from_slice(&bytes)
            .map(Some)
            .map(Self)
            .map_err(|e| {
                if e.is_data() {
                    ApiError::invalid(
                        "invalid_body",
                        format!("The request body has a missing or wrongly typed field: {e}"),
                    )
                } else {
                    ApiError::bad_request(
                        "malformed_json",
                        format!("The request body is not valid JSON: {e}"),
                    )
                }
            })
    }
}

/// Query-string parameters whose rejections use the API's error shape.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| Self(v))
            .map_err(ApiError::from)
    }
}

/// Path parameters whose rejections use the API's error shape (axum's answer a path that is not
/// valid UTF-8 once percent-decoded, such as `/invites/%FF`, in plain text).
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> axum::extract::FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Self(v))
            .map_err(ApiError::from)
    }
}
