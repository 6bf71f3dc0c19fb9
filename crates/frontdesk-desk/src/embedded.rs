//! The portal service inside the app: with nothing configured, the desk runs its own portal on
//! loopback, with its own SQLite file in the app's data folder and the demo building, so a new
//! install opens a working front desk at once.

use std::path::Path;

use frontdesk_server::demo::{self, DemoLogin};
use frontdesk_server::{AppState, Clock};
use frontdesk_store::SqliteStore;
use tokio::sync::oneshot;

use crate::DeskError;

pub struct EmbeddedPortal {
    pub url: String,
    /// The demo users and their passwords (new on every start), offered on the sign-in screen.
    pub logins: Vec<DemoLogin>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl EmbeddedPortal {
    pub fn start(dir: &Path) -> Result<Self, DeskError> {
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            DeskError::Local(format!("the built-in portal could not {what}: {e}"))
        };
        let db = dir.join("portal.db");
        let store = SqliteStore::open(&db).map_err(|e| fail("open its database", &e))?;
        let clock = Clock::default();
        let logins = demo::seed(&store, clock.now()).map_err(|e| fail("seed the demo", &e))?;
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .map_err(|e| fail("listen on loopback", &e))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| fail("listen on loopback", &e))?;
        let url = format!(
            "http://{}",
            listener
                .local_addr()
                .map_err(|e| fail("listen on loopback", &e))?
        );
        let (stop, stopped) = oneshot::channel::<()>();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("portal")
            .enable_all()
            .build()
            .map_err(|e| fail("start", &e))?;
        let thread = std::thread::Builder::new()
            .name("portal".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    let state = AppState::new(store, clock);
                    let _ = frontdesk_server::serve(listener, state, async {
                        let _ = stopped.await;
                    })
                    .await;
                });
            })
            .map_err(|e| fail("start", &e))?;
        Ok(Self {
            url,
            logins,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    pub fn password_of(&self, email: &str) -> Option<&str> {
        self.logins
            .iter()
            .find(|l| l.email.eq_ignore_ascii_case(email))
            .map(|l| l.password.as_str())
    }
}

impl Drop for EmbeddedPortal {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
