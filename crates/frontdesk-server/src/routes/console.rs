//! The receptionist's console in a browser, at `/desk/`: the same front end as the desktop app,
//! talking to this API over HTTP (online only; the desktop app adds the offline cache).

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use crate::{ApiError, AppState};

/// Only the page's own scripts and styles, and requests to this origin.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
                   connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub async fn root() -> Redirect {
    Redirect::permanent("/desk/")
}

pub async fn page(State(st): State<AppState>) -> Response {
    match st.ui.file("desk/index.html") {
        Some(html) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
                (header::REFERRER_POLICY, "no-referrer"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                (header::CONTENT_SECURITY_POLICY, CSP),
            ],
            html,
        )
            .into_response(),
        None => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ui_not_built",
            "The console has not been built. Run: scripts/build-ui",
        )
        .into_response(),
    }
}

pub async fn asset(State(st): State<AppState>, Path(file): Path<String>) -> Response {
    let content_type = match file.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    match st.ui.file(&format!("desk/{file}")) {
        Some(body) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "no-cache"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
