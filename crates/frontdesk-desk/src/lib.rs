//! The front-desk app's logic, behind the window's commands.
//!
//! A [`Console`] decides which portal the desk works with: on a new install the app's own
//! portal, started in-process with the demo building ([`embedded`]); after "Connect to a
//! server", a shared portal, remembered in `desk.json` with the credentials kept encrypted
//! ([`vault`]). Once signed in it keeps the desk's local cache in step ([`frontdesk_sync::Desk`]):
//! a sync loop pushes the outbox and pulls the change feed, a follower listens to the server's
//! event stream and reconnects with backoff. Arrivals, check-outs and cancellations go through the
//! cache and work offline; the rest (resend, validity, details, cards, badges, settings, export)
//! need the portal and say so when it cannot be reached.
//!
//! The console's operations are split by what they own: `session` (which portal, signing in and
//! out), `offline` (the cache: lists, search, arrivals), `online` (what needs the portal),
//! `devices` (the printer and the encoder), `csv` (the visitor log saved to a file) and
//! `workers` (the three background threads). The portal is reached through `frontdesk_client`
//! only, whose errors become the desk's here: out of reach is [`DeskError::Offline`], a refusal
//! keeps the portal's code and message.

mod csv;
mod devices;
pub mod embedded;
mod folder;
pub mod kiosk;
mod offline;
mod online;
pub mod print_journal;
mod session;
mod types;
pub mod vault;
mod walk_in;
mod workers;

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::{Local, TimeZone, Utc};
use frontdesk_api::LogParams;
use frontdesk_client::{Client, ClientError, Transport};
use frontdesk_core::{Origin, Portal, PortalKind};
use frontdesk_sync::{Desk, SyncError};
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use kiosk::{Kiosk, KioskSetup};
pub use types::*;
use vault::{Credentials, MachineId, Vault};
pub use walk_in::{KioskProblem, KioskWalkIn, WalkInOutcome};

#[derive(Debug, Error)]
pub enum DeskError {
    #[error("The portal service cannot be reached ({0}). Arrivals, check-outs and cancellations still work and will sync; this needs the connection.")]
    Offline(String),
    #[error("{message}")]
    Refused { code: String, message: String },
    #[error("{0}")]
    Local(String),
    #[error("Sign in first.")]
    SignedOut,
    #[error("{0}")]
    Sync(#[from] SyncError),
}

impl DeskError {
    pub fn failure(&self) -> DeskFailure {
        let code = match self {
            Self::Offline(_) => "offline".to_string(),
            Self::Refused { code, .. } => code.clone(),
            Self::Local(_) => "local".into(),
            Self::SignedOut => "signed_out".into(),
            Self::Sync(SyncError::Rule(e)) => e.code().to_string(),
            Self::Sync(SyncError::UnknownInvite(_)) => "not_found".into(),
            Self::Sync(SyncError::Offline(_)) => "offline".into(),
            Self::Sync(_) => "sync".into(),
        };
        DeskFailure {
            code,
            message: self.to_string(),
        }
    }
}

impl From<ClientError> for DeskError {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Offline(why) => Self::Offline(why),
            ClientError::Refused { code, message, .. } => Self::Refused { code, message },
            // Something other than the portal answered (a captive portal's page, a proxy): for
            // the receptionist the portal is out of reach, and the arrivals wait in the outbox.
            e @ ClientError::Unexpected(_) => Self::Offline(e.to_string()),
            ClientError::Address(raw) => session::not_an_address(&raw),
            e @ ClientError::Setup(_) => Self::Local(e.to_string()),
        }
    }
}

impl Serialize for DeskError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.failure().serialize(s)
    }
}

pub type Result<T, E = DeskError> = std::result::Result<T, E>;

/// What the desk remembers in plain text: which portal, and its devices. No secrets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct DeskSettings {
    /// The shared portal; None: the app's own.
    server: Option<String>,
    #[serde(default)]
    devices: Devices,
    /// The built-in portal's last port, reused so its address (and with it the desk's session
    /// and cache) stays the same from one start to the next.
    #[serde(default)]
    built_in_port: Option<u16>,
    #[serde(default)]
    kiosk: kiosk::KioskSettings,
}

pub struct Console {
    dir: PathBuf,
    machine: MachineId,
    vault: Vault,
    settings: Mutex<DeskSettings>,
    embedded: Mutex<Option<embedded::EmbeddedPortal>>,
    live: RwLock<Option<Arc<Live>>>,
    /// Every portal of this desk is reached over one connection pool with the same timeouts.
    transport: Transport,
    /// What each badge print request became (`prints.db`), whoever is signed in.
    prints: Arc<print_journal::SqliteJournal>,
    /// Started with `--kiosk`.
    kiosk_forced: std::sync::atomic::AtomicBool,
    /// Wrong kiosk PINs in a row.
    pin_guard: Mutex<kiosk::PinGuard>,
}

/// A signed-in desk and its background work.
struct Live {
    session: Session,
    /// The portal, with this session's token.
    portal: Client,
    desk: Arc<Desk>,
    status: Arc<workers::Status>,
}

impl Live {
    /// Ask the portal; a portal out of reach shows in the status bar at once, before the sync
    /// loop notices.
    fn call<T>(&self, ask: impl FnOnce(&Client) -> frontdesk_client::Result<T>) -> Result<T> {
        let r = ask(&self.portal).map_err(DeskError::from);
        if let Err(DeskError::Offline(_)) = &r {
            self.status.online.store(false, Ordering::Relaxed);
        }
        r
    }

    /// The portal this desk works: a building's or a tenant location's.
    fn place(&self) -> Portal {
        let id = self.session.portal_id.clone();
        if self.session.portal_kind == PortalKind::Building {
            Portal::building(id)
        } else {
            Portal::location(id)
        }
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.status.stop.store(true, Ordering::Relaxed);
        self.status.nudge();
    }
}

impl Console {
    /// Open the desk in `dir`: start the built-in portal when no shared one is configured, and
    /// restore the last session from the encrypted credentials.
    pub fn open(dir: &Path) -> Result<Self> {
        Self::open_on(dir, MachineId::of_this_machine()?)
    }

    /// [`Self::open`] with the machine id given (tests stand in for another machine).
    pub fn open_on(dir: &Path, machine: MachineId) -> Result<Self> {
        folder::make_private(dir)?;
        let settings: DeskSettings = std::fs::read(dir.join("desk.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let console = Self {
            dir: dir.to_path_buf(),
            vault: Vault::new(dir, "credentials.enc", &machine),
            machine,
            embedded: Mutex::new(None),
            live: RwLock::new(None),
            transport: Transport::new(Duration::from_secs(3), Some(Duration::from_secs(15)))?,
            settings: Mutex::new(settings.clone()),
            prints: Arc::new({
                let path = dir.join("prints.db");
                folder::private_database(&path)?;
                print_journal::SqliteJournal::open(&path)
                    .map_err(|e| DeskError::Local(e.to_string()))?
            }),
            kiosk_forced: Default::default(),
            pin_guard: Default::default(),
        };
        if settings.server.is_none() {
            console.start_built_in()?;
        }
        console.move_plain_session_into_the_vault()?;
        // Badge jobs sent before the app last closed: learn how they ended, without holding up
        // the window (a printer out of reach answers only after its timeout).
        let follow = console.clone_for_prints();
        let _ = std::thread::Builder::new()
            .name("desk-print-follow-up".into())
            .spawn(move || {
                if let Err(e) = follow.follow_up() {
                    tracing::warn!(error = %e, "following up earlier badge jobs failed");
                }
            });
        if let Some(c) = console.vault.load::<Credentials>() {
            if Some(c.server.as_str()) == console.target().ok().as_deref() {
                // A portal that cannot be reached leaves the desk signed in on its cache (see
                // `resume`). Anything else that stops the session coming back (a token the
                // portal forgot, a desk that never reached it) means signing in again: the
                // sign-in screen says why when it is tried.
                let _ = console.resume(&c);
            }
        }
        Ok(console)
    }

    fn lock_embedded(&self) -> Result<std::sync::MutexGuard<'_, Option<embedded::EmbeddedPortal>>> {
        self.embedded
            .lock()
            .map_err(|_| DeskError::Local("the built-in portal's lock is poisoned".into()))
    }

    fn print_journal(&self) -> Arc<dyn frontdesk_devices::journal::PrintJournal> {
        self.prints.clone()
    }

    /// A print queue on this desk's printers and journal, for a thread of its own.
    fn clone_for_prints(&self) -> frontdesk_devices::printer::PrintQueue {
        devices::queue(&self.current_settings().devices, self.print_journal())
    }

    fn current_settings(&self) -> DeskSettings {
        self.settings.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn save_settings(&self, s: DeskSettings) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(&s).map_err(|e| DeskError::Local(e.to_string()))?;
        vault::write_private(&self.dir.join("desk.json"), &bytes)?;
        if let Ok(mut cur) = self.settings.lock() {
            *cur = s;
        }
        Ok(())
    }

    /// The portal this desk talks to.
    fn target(&self) -> Result<String> {
        if let Some(s) = self.current_settings().server {
            return Ok(s);
        }
        self.lock_embedded()?
            .as_ref()
            .map(|e| e.url.clone())
            .ok_or_else(|| DeskError::Local("the built-in portal is not running".into()))
    }

    fn live(&self) -> Result<Arc<Live>> {
        self.live
            .read()
            .ok()
            .and_then(|l| l.clone())
            .ok_or(DeskError::SignedOut)
    }
}

/// The visitor logs' filters for today on this desk's clock, with the Invite Origin filter.
fn today(origin: Option<Origin>) -> LogParams {
    let (from, to) = local_day();
    let enc = |t: frontdesk_core::Timestamp| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    LogParams {
        origin: origin.map(|o| o.as_str().to_string()),
        from: Some(enc(from)),
        to: Some(enc(to)),
        ..LogParams::default()
    }
}

/// Midnight to midnight on this desk's clock.
fn local_day() -> (frontdesk_core::Timestamp, frontdesk_core::Timestamp) {
    let today = Local::now().date_naive();
    let start = today
        .and_hms_opt(0, 0, 0)
        .and_then(|t| Local.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(Utc::now);
    (start, start + chrono::Duration::days(1))
}

#[cfg(test)]
mod tests {
    use frontdesk_client::{ClientError, StatusCode};

    use super::DeskError;

    #[test]
    fn the_clients_errors_keep_the_windows_codes_and_words() {
        let failure = |e: ClientError| DeskError::from(e).failure();
        let offline = failure(ClientError::Offline("connection refused".into()));
        assert_eq!(offline.code, "offline");
        assert!(offline
            .message
            .starts_with("The portal service cannot be reached (connection refused)."));
        // A captive portal's page in the portal's place: out of reach, not a refusal.
        assert_eq!(
            failure(ClientError::Unexpected("expected value".into())).code,
            "offline"
        );
        let blocked = failure(ClientError::Refused {
            status: StatusCode::CONFLICT,
            code: "card_sync_blocked".into(),
            message: "Card sync is off for this pair.".into(),
        });
        assert_eq!(
            (blocked.code.as_str(), blocked.message.as_str()),
            ("card_sync_blocked", "Card sync is off for this pair.")
        );
        assert_eq!(
            failure(ClientError::Address("portal".into())).code,
            "invalid"
        );
        assert_eq!(
            failure(ClientError::Setup("no TLS roots".into())).code,
            "local"
        );
    }
}
