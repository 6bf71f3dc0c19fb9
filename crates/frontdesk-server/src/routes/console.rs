//! The receptionist's console in a browser, at `/desk/`: the same front end as the desktop app,
//! talking to this API over HTTP (online only; the desktop app adds the offline cache).

use axum::extract::State;
use axum::response::{Redirect, Response};

use super::Path;
use crate::AppState;

/// Only the page's own scripts and styles, and requests to this origin.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
                   connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub async fn root() -> Redirect {
    Redirect::permanent("/desk/")
}

pub async fn page(State(st): State<AppState>) -> Response {
    st.ui.page("desk/index.html", CSP)
}

/// Revalidated on every load, so a desk picks up a new build at once.
pub async fn asset(State(st): State<AppState>, Path(file): Path<String>) -> Response {
    st.ui.asset("desk/", &file, "no-cache")
}
