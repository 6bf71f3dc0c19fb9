//! Serving the portal to this computer only, as the desk's built-in portal does.
//!
//! Listening on 127.0.0.1 keeps the network out, but not a web page open in a browser on the
//! desk's PC: a page from a name its owner controls can re-point that name to 127.0.0.1 (DNS
//! rebinding) and then call the portal as if it were its own site, reading the answers. The
//! browser still sends the page's name as `Host`, so the portal answers only requests that name
//! it by its own loopback address and port, and refuses any other with `421 Misdirected
//! Request` in the API's error shape.

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::{ApiError, AppState};

/// [`crate::serve`] for a portal on loopback: the same router, answering only requests whose
/// `Host` is `127.0.0.1:PORT` or `localhost:PORT` for the listener's own port.
pub async fn serve_to_this_computer(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let port = listener.local_addr()?.port();
    let app = crate::router(state.clone())
        .layer(axum::middleware::from_fn_with_state(port, own_address_only));
    crate::serve_app(listener, state, app, shutdown).await
}

async fn own_address_only(State(port): State<u16>, req: Request, next: Next) -> Response {
    if names_this_portal(&req, port) {
        return next.run(req).await;
    }
    ApiError::new(
        StatusCode::MISDIRECTED_REQUEST,
        "misdirected_request",
        format!(
            "This is a front desk's built-in portal: it answers only at http://127.0.0.1:{port} \
             or http://localhost:{port}, from this computer."
        ),
    )
    .into_response()
}

/// The `Host` header, and the authority of an absolute-form request line if there is one,
/// both name this portal. A request without `Host` names nothing and is refused too.
fn names_this_portal(req: &Request, port: u16) -> bool {
    let ours = |h: &str| {
        h.rsplit_once(':').is_some_and(|(name, p)| {
            p == port.to_string() && (name == "127.0.0.1" || name.eq_ignore_ascii_case("localhost"))
        })
    };
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(ours);
    host && req.uri().authority().is_none_or(|a| ours(a.as_str()))
}
