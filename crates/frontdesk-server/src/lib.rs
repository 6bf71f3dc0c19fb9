//! The Frontdesk portal service: the Building and Tenant Portal JSON API under `/api/v1`, the
//! ordered change feed (polling and server-sent events) the desks sync from, and the binary's
//! command line. A library, so the desktop app can embed the same service on loopback.
//!
//! Handlers are thin: they authenticate, parse, and call one `frontdesk_store::actions` or
//! query function on a blocking thread. The rules live in `frontdesk-core`.

pub mod auth;
pub mod badges;
pub mod cli;
pub mod delivery;
pub mod demo;
pub mod error;
pub mod loopback;
pub mod net;
pub mod observe;
pub mod openapi;
mod routes;
mod scim;
pub mod streams;
pub mod throttle;
pub mod ui;
pub mod webhooks;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{Duration, Utc};
use frontdesk_core::{Actor, Timestamp};
use frontdesk_store::actions::By;
use frontdesk_store::{Store, Tx};
use tokio::sync::watch;

pub use error::ApiError;
pub use frontdesk_core::session::SessionPolicy;
pub use net::{serve_app, Limits};
pub use routes::router;

/// Request bodies above this are refused with 413 before they are parsed.
pub use frontdesk_api::limits::MAX_BODY_BYTES;

/// The service's clock. Tests move it forward to see invites expire; production never does.
#[derive(Clone, Default)]
pub struct Clock {
    offset_micros: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        frontdesk_core::to_stored_precision(
            Utc::now() + Duration::microseconds(self.offset_micros.load(Ordering::Relaxed)),
        )
    }

    pub fn advance(&self, by: Duration) {
        self.offset_micros
            .fetch_add(by.num_microseconds().unwrap_or(0), Ordering::Relaxed);
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Clock,
    /// Bumped after every write, so change streams wake up and read what is new.
    changed: Arc<watch::Sender<u64>>,
    /// Set when the server shuts down, so long-lived change streams end and let it.
    closing: Arc<watch::Sender<bool>>,
    /// Bumped whenever sessions end (sign-out, disable, password change), so the event streams
    /// of an ended session notice within moments.
    sessions_ended: Arc<watch::Sender<u64>>,
    pub ui: Arc<ui::UiAssets>,
    pub limits: Arc<Limits>,
    pub sessions: SessionPolicy,
    pub throttle: Arc<throttle::LoginThrottle>,
    /// Password hashing is deliberately slow (argon2, 19 MiB): at most this many at once, so a
    /// sign-in storm leaves cores for everyone else.
    hashing: Arc<tokio::sync::Semaphore>,
    pub streams: Arc<streams::OpenStreams>,
    pub metrics: Arc<observe::Metrics>,
    /// SHA-256 of the token a metrics scraper sends; `/metrics` is off without one.
    pub metrics_token: Option<Vec<u8>>,
    /// The address people and identity providers reach the service at (`--public-url`), for
    /// the links it hands out; without one, the request's `Host` header says.
    pub public_url: Option<Arc<str>>,
    /// The key webhook endpoints' signing secrets are derived with ([`webhooks`]).
    pub webhook_key: Arc<webhooks::WebhookKey>,
}

impl AppState {
    /// `store` is the database the service runs on: a `SqliteStore` as it is, or any
    /// [`Store`] already behind an `Arc`.
    pub fn new(store: impl Into<Arc<dyn Store>>, clock: Clock) -> Self {
        Self {
            store: store.into(),
            clock,
            changed: Arc::new(watch::channel(0).0),
            closing: Arc::new(watch::channel(false).0),
            sessions_ended: Arc::new(watch::channel(0).0),
            ui: Arc::new(ui::UiAssets::load(&ui::UiAssets::default_dir())),
            limits: Arc::new(Limits::default()),
            sessions: SessionPolicy::default(),
            throttle: Arc::default(),
            hashing: Arc::new(tokio::sync::Semaphore::new(hashing_permits())),
            streams: Arc::default(),
            metrics: Arc::default(),
            metrics_token: None,
            public_url: None,
            webhook_key: Arc::new(webhooks::ephemeral_key()),
        }
    }

    /// The key kept next to the database ([`webhooks::load_or_create_key`]); without it, a key
    /// of this process only (endpoints' secrets change on restart).
    pub fn with_webhook_key(mut self, key: webhooks::WebhookKey) -> Self {
        self.webhook_key = Arc::new(key);
        self
    }

    pub fn with_metrics_token(mut self, token: Option<&str>) -> Self {
        self.metrics_token = token.map(auth::token_hash);
        self
    }

    pub fn with_public_url(mut self, url: Option<&str>) -> Self {
        self.public_url = url.map(|u| u.trim_end_matches('/').into());
        self
    }

    /// The service's public address (no trailing slash): `--public-url`, or `http://` and the
    /// request's `Host`.
    pub fn public_base(&self, headers: &axum::http::HeaderMap) -> String {
        if let Some(u) = &self.public_url {
            return u.to_string();
        }
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| !h.is_empty() && !h.contains(['/', ' ', '"']))
            .unwrap_or("localhost");
        format!("http://{host}")
    }

    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = Arc::new(limits);
        self
    }

    pub fn with_sessions(mut self, policy: SessionPolicy) -> Self {
        self.sessions = policy;
        self
    }

    /// Tell open event streams that sessions have ended; each checks its own.
    pub fn notify_sessions_ended(&self) {
        self.sessions_ended.send_modify(|n| *n = n.wrapping_add(1));
    }

    pub fn sessions_ended(&self) -> watch::Receiver<u64> {
        self.sessions_ended.subscribe()
    }

    /// A turn at password hashing; 503 when the queue has not moved for 5 s.
    pub async fn hashing_turn(&self) -> Result<tokio::sync::SemaphorePermit<'_>, ApiError> {
        match tokio::time::timeout(std::time::Duration::from_secs(5), self.hashing.acquire()).await
        {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "The service is busy signing people in. Try again in a few seconds.",
            )
            .retry_after(std::time::Duration::from_secs(2))),
        }
    }

    /// Wake change streams and the delivery worker after a write made outside [`Self::write`].
    pub fn notify_changed(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Run one user action as one write transaction on a blocking thread.
    pub async fn write<T, F>(&self, actor: Actor, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Tx, By<'_>) -> frontdesk_store::Result<T> + Send + 'static,
    {
        let store = self.store.clone();
        let now = self.clock.now();
        let span = store_span::<F>("write");
        let out = tokio::task::spawn_blocking(move || {
            timed(&span, || store.write(|tx| f(tx, By { actor: &actor, now })))
        })
        .await??;
        self.notify_changed();
        Ok(out)
    }

    /// Run a read on a pooled reader, on a blocking thread.
    pub async fn read<T, F>(&self, actor: Actor, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Tx, By<'_>) -> frontdesk_store::Result<T> + Send + 'static,
    {
        let store = self.store.clone();
        let now = self.clock.now();
        let span = store_span::<F>("read");
        Ok(tokio::task::spawn_blocking(move || {
            timed(&span, || store.read(|tx| f(tx, By { actor: &actor, now })))
        })
        .await??)
    }

    /// Run anything against the store on a blocking thread.
    pub async fn blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> frontdesk_store::Result<T> + Send + 'static,
    {
        let store = self.store.clone();
        let span = store_span::<F>("query");
        Ok(tokio::task::spawn_blocking(move || timed(&span, || f(&*store))).await??)
    }
}

/// A span for one call into the store, child of the request's span, named after the code that
/// made it: the closure's type name is the handler's path (`routes::invites::check_in`), so a
/// slow request's log says which action or query took the time without every handler naming it.
fn store_span<F>(op: &'static str) -> tracing::Span {
    let mut action = std::any::type_name::<F>();
    while let Some(outer) = action.strip_suffix("::{{closure}}") {
        action = outer;
    }
    let action = action.strip_prefix("frontdesk_server::").unwrap_or(action);
    tracing::debug_span!("store", op, action)
}

/// Run `f` in `span` (on the blocking thread, where the request's span is not current) and say
/// how long it took and whether the store refused or failed.
fn timed<T>(
    span: &tracing::Span,
    f: impl FnOnce() -> frontdesk_store::Result<T>,
) -> frontdesk_store::Result<T> {
    span.in_scope(|| {
        let started = std::time::Instant::now();
        let out = f();
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        match &out {
            Ok(_) => tracing::debug!(ms, "store call done"),
            Err(frontdesk_store::StoreError::Domain(e)) => {
                tracing::debug!(ms, refused = %e, "store call refused")
            }
            Err(e) => tracing::warn!(ms, error = %e, "store call failed"),
        }
        out
    })
}

/// One core is left to everything else; with one core, hashing still gets one turn at a time.
fn hashing_permits() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get().saturating_sub(1))
        .unwrap_or(1)
        .max(1)
}

/// Serve the API on an already bound listener until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state.clone());
    serve_app(listener, state, app, shutdown).await
}
