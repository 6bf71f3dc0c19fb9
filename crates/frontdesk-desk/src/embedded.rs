//! The portal service inside the app: with nothing configured, the desk runs its own portal on
//! loopback, with its own SQLite file in the app's data folder and the demo building, so a new
//! install opens a working front desk at once.

use std::path::Path;

use frontdesk_server::demo;
use frontdesk_server::{AppState, Clock};
use frontdesk_store::SqliteStore;
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use crate::vault::{MachineId, Vault};
use crate::DeskError;

/// A demo user of the built-in portal, offered on the sign-in screen.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemoLogin {
    pub email: String,
    pub password: String,
    pub what: String,
}

impl From<demo::DemoLogin> for DemoLogin {
    fn from(l: demo::DemoLogin) -> Self {
        Self {
            email: l.email,
            password: l.password,
            what: l.what,
        }
    }
}

/// Why the built-in portal's invitation messages show as held.
pub const HELD: &str = "The desk's built-in portal sends no messages (it has no mail server or \
     SMS gateway), so no message's link was kept. Connect the desk to a shared portal to send \
     invitations and tell hosts.";

pub struct EmbeddedPortal {
    pub url: String,
    pub port: u16,
    /// The demo users and their passwords (new on every start), offered on the sign-in screen.
    pub logins: Vec<DemoLogin>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl EmbeddedPortal {
    /// Start on `port` when it is free (the last start's, so the desk's session and cache,
    /// which belong to the portal's address, carry over), else on any free port.
    pub fn start(dir: &Path, port: Option<u16>, machine: &MachineId) -> Result<Self, DeskError> {
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            DeskError::Local(format!("the built-in portal could not {what}: {e}"))
        };
        let db = dir.join("portal.db");
        crate::folder::private_database(&db)?;
        // This portal runs no delivery worker: it has no mail server or SMS gateway, and its
        // loopback address is no link a visitor's phone could open. A queued invitation would
        // keep its registration link's secret in portal.db for good, so none is kept: messages
        // are recorded as held, without the link.
        let store = SqliteStore::open_keeping_no_link_secrets(&db, HELD)
            .map_err(|e| fail("open its database", &e))?;
        let clock = Clock::default();
        // The demo's passwords are made once and kept encrypted beside the database: setting
        // new ones would end the desk's session (and strand what it queued) at every start.
        let kept = Vault::new(dir, "demo-logins.enc", machine);
        let logins = match kept.load::<Vec<DemoLogin>>() {
            Some(logins) if !logins.is_empty() => logins,
            _ => {
                let logins: Vec<DemoLogin> = demo::seed(&store, clock.now())
                    .map_err(|e| fail("seed the demo", &e))?
                    .into_iter()
                    .map(DemoLogin::from)
                    .collect();
                kept.save(&logins)?;
                logins
            }
        };
        let listener = port
            .and_then(|p| std::net::TcpListener::bind(("127.0.0.1", p)).ok())
            .map_or_else(|| std::net::TcpListener::bind("127.0.0.1:0"), Ok)
            .map_err(|e| fail("listen on loopback", &e))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| fail("listen on loopback", &e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| fail("listen on loopback", &e))?;
        let url = format!("http://{addr}");
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
                    // Only requests addressed to 127.0.0.1:PORT or localhost:PORT: a web page
                    // in the desk PC's browser must not reach it through DNS rebinding.
                    let serve = frontdesk_server::loopback::serve_to_this_computer;
                    let _ = serve(listener, state, async {
                        let _ = stopped.await;
                    })
                    .await;
                });
            })
            .map_err(|e| fail("start", &e))?;
        Ok(Self {
            url,
            port: addr.port(),
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
