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
mod routes;
pub mod ui;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{Duration, Utc};
use frontdesk_core::{Actor, Timestamp};
use frontdesk_store::actions::By;
use frontdesk_store::{SqliteStore, Tx};
use tokio::sync::watch;

pub use error::ApiError;
pub use routes::router;

/// Request bodies above this are refused with 413 before they are parsed.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

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
    pub store: Arc<SqliteStore>,
    pub clock: Clock,
    /// Bumped after every write, so change streams wake up and read what is new.
    changed: Arc<watch::Sender<u64>>,
    /// Set when the server shuts down, so long-lived change streams end and let it.
    closing: Arc<watch::Sender<bool>>,
    pub ui: Arc<ui::UiAssets>,
}

impl AppState {
    pub fn new(store: SqliteStore, clock: Clock) -> Self {
        Self {
            store: Arc::new(store),
            clock,
            changed: Arc::new(watch::channel(0).0),
            closing: Arc::new(watch::channel(false).0),
            ui: Arc::new(ui::UiAssets::load(&ui::UiAssets::default_dir())),
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
        let out =
            tokio::task::spawn_blocking(move || store.write(|tx| f(tx, By { actor: &actor, now })))
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
        Ok(
            tokio::task::spawn_blocking(move || store.read(|tx| f(tx, By { actor: &actor, now })))
                .await??,
        )
    }

    /// Run anything against the store on a blocking thread.
    pub async fn blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&SqliteStore) -> frontdesk_store::Result<T> + Send + 'static,
    {
        let store = self.store.clone();
        Ok(tokio::task::spawn_blocking(move || f(&store)).await??)
    }
}

/// Serve the API on an already bound listener until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let closing = state.closing.clone();
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async move {
            shutdown.await;
            closing.send_replace(true);
        })
        .await
}
