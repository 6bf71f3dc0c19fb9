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

pub mod embedded;
mod folder;
mod types;
pub mod vault;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::{Local, TimeZone, Utc};
use frontdesk_core::{LocationSettings, Origin};
use frontdesk_devices::encoder::{CardEncoder, Credential, PcscEncoder};
use frontdesk_devices::printer::{BadgePrinter, IppPrinter, PrintQueue};
use frontdesk_store::actions::{CardRequest, DirectoryEntry, NewInvite, VisitorPatch};
use frontdesk_sync::{CachedInvite, Conflict, Desk, SyncError};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use thiserror::Error;

pub use types::*;
use vault::{remove_if_there, Credentials, MachineId, Vault};

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
}

/// The day's list is capped; search shows fewer rows, since a receptionist narrows it by typing
/// and every row crosses into the window on each keystroke.
const LIST_LIMIT: usize = 200;
const SEARCH_LIMIT: usize = 30;

pub struct Console {
    dir: PathBuf,
    machine: MachineId,
    vault: Vault,
    settings: Mutex<DeskSettings>,
    embedded: Mutex<Option<embedded::EmbeddedPortal>>,
    live: RwLock<Option<Arc<Live>>>,
    http: reqwest::blocking::Client,
}

/// A signed-in desk and its background work.
struct Live {
    session: Session,
    token: String,
    desk: Arc<Desk>,
    status: Arc<Status>,
}

#[derive(Default)]
struct Status {
    stop: AtomicBool,
    online: AtomicBool,
    last_error: Mutex<Option<String>>,
    printer: Mutex<Option<DeviceState>>,
    encoder: Mutex<Option<DeviceState>>,
    devices: Mutex<Devices>,
    /// Set to make the sync loop run now (after a local change).
    nudged: Mutex<bool>,
    wake: Condvar,
}

impl Status {
    fn nudge(&self) {
        if let Ok(mut n) = self.nudged.lock() {
            *n = true;
            self.wake.notify_all();
        }
    }

    fn sleep(&self, d: Duration) {
        if let Ok(n) = self.nudged.lock() {
            if let Ok((mut n, _)) = self.wake.wait_timeout_while(n, d, |n| !*n) {
                *n = false;
            }
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
            http: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(15))
                .connect_timeout(Duration::from_secs(3))
                .build()
                .map_err(|e| DeskError::Local(e.to_string()))?,
            settings: Mutex::new(settings.clone()),
        };
        if settings.server.is_none() {
            console.start_built_in()?;
        }
        console.move_plain_session_into_the_vault()?;
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

    /// Earlier versions kept the session (email, server, the place) in a plain `session.json`
    /// that outlived sign-out. It joins the credentials it belongs to in the vault, and the
    /// plain file goes whether or not it could be read.
    fn move_plain_session_into_the_vault(&self) -> Result<()> {
        let plain = self.dir.join("session.json");
        let Ok(bytes) = std::fs::read(&plain) else {
            return Ok(());
        };
        let old = serde_json::from_slice::<Session>(&bytes).ok();
        if let (Some(mut c), Some(s)) = (self.vault.load::<Credentials>(), old) {
            if c.session.is_none() && s.server == c.server && s.email == c.email {
                c.session = Some(s);
                self.vault.save(&c)?;
            }
        }
        remove_if_there(&plain)
    }

    fn start_built_in(&self) -> Result<()> {
        let mut e = self.lock_embedded()?;
        if e.is_none() {
            let mut s = self.current_settings();
            let portal =
                embedded::EmbeddedPortal::start(&self.dir, s.built_in_port, &self.machine)?;
            if s.built_in_port != Some(portal.port) {
                s.built_in_port = Some(portal.port);
                self.save_settings(s)?;
            }
            *e = Some(portal);
        }
        Ok(())
    }

    fn lock_embedded(&self) -> Result<std::sync::MutexGuard<'_, Option<embedded::EmbeddedPortal>>> {
        self.embedded
            .lock()
            .map_err(|_| DeskError::Local("the built-in portal's lock is poisoned".into()))
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

    pub fn start_info(&self) -> StartInfo {
        let settings = self.current_settings();
        let demo_accounts = self
            .lock_embedded()
            .ok()
            .and_then(|e| {
                e.as_ref().map(|e| {
                    e.logins
                        .iter()
                        .filter(|l| l.what != "platform admin")
                        .map(|l| DemoAccount {
                            email: l.email.clone(),
                            what: l.what.clone(),
                        })
                        .collect()
                })
            })
            .unwrap_or_default();
        StartInfo {
            built_in: settings.server.is_none(),
            server: settings.server,
            demo_accounts,
            session: self.live().ok().map(|l| l.session.clone()),
        }
    }

    /// Sign in to the portal this desk works with.
    pub fn sign_in(&self, email: &str, password: &str) -> Result<Session> {
        let server = self.target()?;
        self.sign_in_to(&server, email, password)
    }

    /// Sign in as one of the built-in portal's demo users.
    pub fn sign_in_demo(&self, email: &str) -> Result<Session> {
        let password = self
            .lock_embedded()?
            .as_ref()
            .and_then(|e| e.password_of(email).map(String::from))
            .ok_or_else(|| DeskError::Refused {
                code: "not_found".into(),
                message: format!("{email} is not one of the built-in portal's demo users."),
            })?;
        self.sign_in(email, &password)
    }

    /// "Connect to a server": sign in to a shared portal and remember it; the built-in portal
    /// stops.
    pub fn connect(&self, server: &str, email: &str, password: &str) -> Result<Session> {
        let server = normalise_url(server)?;
        let session = self.sign_in_to(&server, email, password)?;
        let mut s = self.current_settings();
        s.server = Some(server);
        self.save_settings(s)?;
        self.lock_embedded()?.take();
        Ok(session)
    }

    /// Go back to the app's own portal (and sign out of the shared one).
    pub fn use_built_in(&self) -> Result<()> {
        self.sign_out()?;
        let mut s = self.current_settings();
        s.server = None;
        self.save_settings(s)?;
        self.start_built_in()
    }

    fn sign_in_to(&self, server: &str, email: &str, password: &str) -> Result<Session> {
        // Also for a server an earlier version saved without this check.
        encrypted_or_local(server)?;
        if email.trim().is_empty() || password.is_empty() {
            return Err(DeskError::Refused {
                code: "invalid".into(),
                message: "Enter the email and the password.".into(),
            });
        }
        let v = self.call(
            server,
            None,
            reqwest::Method::POST,
            "/api/v1/auth/login",
            Some(&json!({"email": email.trim(), "password": password})),
        )?;
        let c = Credentials {
            server: server.to_string(),
            email: email.trim().to_string(),
            token: v["token"].as_str().unwrap_or_default().to_string(),
            session: None,
        };
        self.resume(&c)?;
        self.live().map(|l| l.session.clone())
    }

    /// Become signed in with these credentials, and keep them in the vault with the session
    /// the portal described. Offline, the desk works from its cache with the session it had.
    fn resume(&self, c: &Credentials) -> Result<()> {
        // The token is not sent in clear, even to a portal an earlier version was connected to.
        encrypted_or_local(&c.server)?;
        let session = match self.describe(c) {
            Ok(s) => s,
            Err(DeskError::Offline(why)) => c
                .session
                .clone()
                .filter(|s| s.server == c.server && s.email == c.email)
                .ok_or(DeskError::Offline(why))?,
            Err(e) => return Err(e),
        };
        let cache = self.dir.join(format!(
            "cache-{}.db",
            short_hash(&format!(
                "{}|{}|{}",
                c.server, session.portal_kind, session.portal_id
            ))
        ));
        folder::private_database(&cache)?;
        let desk = Arc::new(Desk::open(&cache, &c.server, &c.token)?);
        if c.session.as_ref() != Some(&session) {
            self.vault.save(&Credentials {
                session: Some(session.clone()),
                ..c.clone()
            })?;
        }
        let status = Arc::new(Status::default());
        spawn_sync(desk.clone(), status.clone());
        spawn_follow(desk.clone(), status.clone());
        if let Ok(mut d) = status.devices.lock() {
            *d = self.current_settings().devices;
        }
        spawn_devices(status.clone());
        let live = Arc::new(Live {
            session,
            token: c.token.clone(),
            desk,
            status,
        });
        if let Ok(mut l) = self.live.write() {
            *l = Some(live);
        }
        Ok(())
    }

    /// Which portal the signed-in user works, from the server.
    fn describe(&self, c: &Credentials) -> Result<Session> {
        let get =
            |path: &str| self.call(&c.server, Some(&c.token), reqwest::Method::GET, path, None);
        let me = get("/api/v1/me")?;
        let role = me["role"].as_str().unwrap_or_default().to_string();
        let s = |k: &str| me[k].as_str().map(String::from);
        let (kind, id, name, building_id) = match (
            role.as_str(),
            s("building_id"),
            s("location_id"),
            s("tenant_id"),
        ) {
            ("front_desk" | "building_admin", Some(b), None, _) => {
                let v = get(&format!("/api/v1/buildings/{b}"))?;
                ("building", b.clone(), str_of(&v["name"]), b)
            }
            ("front_desk", _, Some(l), _) => {
                let v = get(&format!("/api/v1/locations/{l}"))?;
                ("location", l, str_of(&v["name"]), str_of(&v["building_id"]))
            }
            ("tenant_admin", _, _, Some(t)) => {
                let v = get(&format!("/api/v1/tenants/{t}/locations"))?;
                let first = v.as_array().and_then(|a| a.first()).cloned().ok_or_else(|| {
                    DeskError::Refused {
                        code: "no_location".into(),
                        message: "This tenant has no location yet: an admin adds one first."
                            .into(),
                    }
                })?;
                (
                    "location",
                    str_of(&first["id"]),
                    str_of(&first["name"]),
                    str_of(&first["building_id"]),
                )
            }
            _ => {
                return Err(DeskError::Refused {
                    code: "no_front_desk".into(),
                    message: "This account has no front desk. Sign in with a building's or a tenant location's account.".into(),
                })
            }
        };
        Ok(Session {
            email: c.email.clone(),
            may_edit_settings: role == "tenant_admin",
            role,
            portal_kind: kind.into(),
            portal_id: id,
            place_name: name,
            building_id,
            server: c.server.clone(),
            built_in: self
                .lock_embedded()
                .ok()
                .and_then(|e| e.as_ref().map(|e| e.url == c.server))
                .unwrap_or(false),
        })
    }

    pub fn sign_out(&self) -> Result<()> {
        let live = self.live.write().ok().and_then(|mut l| l.take());
        if let Some(l) = live {
            // Best effort: the server forgets the token; offline, it expires there.
            let _ = self.call(
                &l.session.server,
                Some(&l.token),
                reqwest::Method::POST,
                "/api/v1/auth/logout",
                None,
            );
        }
        // The credentials and the session are one file; a plain session file of an earlier
        // version is normally gone at start, but sign-out must not depend on it.
        self.vault.clear()?;
        remove_if_there(&self.dir.join("session.json"))
    }

    pub fn state(&self) -> Result<DeskState> {
        let l = self.live()?;
        let st = &l.status;
        Ok(DeskState {
            revision: l.desk.revision()?,
            online: st.online.load(Ordering::Relaxed),
            pending: l.desk.pending()? as u32,
            conflicts: l.desk.conflict_count()? as u32,
            last_error: st.last_error.lock().ok().and_then(|e| e.clone()),
            printer: st
                .printer
                .lock()
                .ok()
                .and_then(|p| p.clone())
                .unwrap_or_else(|| device("Checking the printer…", false)),
            encoder: st
                .encoder
                .lock()
                .ok()
                .and_then(|p| p.clone())
                .unwrap_or_else(|| device("Checking the card encoder…", false)),
        })
    }

    /// Today's visits (the desk's local day) and who is on site, with the Invite Origin filter.
    pub fn today(&self, origin: Option<Origin>) -> Result<Vec<InviteRow>> {
        let l = self.live()?;
        let (from, to) = local_day();
        Ok(rows(l.desk.day(from, to, origin, LIST_LIMIT)?))
    }

    pub fn search(&self, q: &str) -> Result<Vec<InviteRow>> {
        Ok(rows(self.live()?.desk.search(q, SEARCH_LIMIT)?))
    }

    /// A keyboard-wedge scanner's text: the invite its badge code names.
    pub fn scan(&self, code: &str) -> Result<CachedInvite> {
        self.live()?
            .desk
            .find_code(code)?
            .ok_or_else(|| DeskError::Refused {
                code: "not_found".into(),
                message: format!(
                    "No visit at this desk has the code {}. Check the badge is for this building, or search by name.",
                    code.trim()
                ),
            })
    }

    pub fn invite(&self, id: &str) -> Result<CachedInvite> {
        self.live()?
            .desk
            .invite(id)?
            .ok_or_else(|| SyncError::UnknownInvite(id.into()).into())
    }

    fn local_change(
        &self,
        f: impl FnOnce(&Desk) -> Result<CachedInvite, SyncError>,
    ) -> Result<CachedInvite> {
        let l = self.live()?;
        let out = f(&l.desk)?;
        l.status.nudge();
        Ok(out)
    }

    pub fn arrive(&self, id: &str) -> Result<CachedInvite> {
        self.local_change(|d| d.arrive(id))
    }

    pub fn check_out(&self, id: &str) -> Result<CachedInvite> {
        self.local_change(|d| d.check_out(id))
    }

    pub fn cancel(&self, id: &str) -> Result<CachedInvite> {
        self.local_change(|d| d.cancel(id))
    }

    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        Ok(self.live()?.desk.conflicts()?)
    }

    /// Push and pull now.
    pub fn sync_now(&self) -> Result<()> {
        let l = self.live()?;
        let r = l.desk.sync();
        record_sync(&l.status, r.as_ref().err());
        r.map(|_| ()).map_err(Into::into)
    }

    /// An online action on an invite: the answer (the invite as it now stands) goes into the
    /// cache at once, so the lists show it before the change feed brings it.
    fn invite_action(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value> {
        let l = self.live()?;
        let v = self.api(&l, method, path, body)?;
        if v["id"].is_string() && v["portal"].is_object() {
            l.desk.remember(&v)?;
        }
        l.status.nudge();
        Ok(v)
    }

    pub fn resend(&self, id: &str) -> Result<Value> {
        self.invite_action(
            reqwest::Method::POST,
            &format!("/api/v1/invites/{id}/resend"),
            None,
        )
    }

    pub fn change_validity(&self, id: &str, valid_from: &str, valid_to: &str) -> Result<Value> {
        self.invite_action(
            reqwest::Method::PUT,
            &format!("/api/v1/invites/{id}/validity"),
            Some(&json!({"valid_from": valid_from, "valid_to": valid_to})),
        )
    }

    pub fn update_visitor(&self, id: &str, patch: &VisitorPatch) -> Result<Value> {
        self.invite_action(
            reqwest::Method::PATCH,
            &format!("/api/v1/invites/{id}/visitor"),
            Some(&to_json(patch)?),
        )
    }

    /// Assign a card. With card sync off on a linked pair this fails with `card_sync_blocked`
    /// and the product's prompt; "Save" sends it again with `local_only`.
    pub fn assign_card(&self, id: &str, card: &CardRequest) -> Result<Value> {
        self.invite_action(
            reqwest::Method::PUT,
            &format!("/api/v1/invites/{id}/card"),
            Some(&to_json(card)?),
        )
    }

    pub fn activity(&self, id: &str) -> Result<Value> {
        let l = self.live()?;
        self.api(
            &l,
            reqwest::Method::GET,
            &format!("/api/v1/invites/{id}/activity"),
            None,
        )
    }

    fn portal_path(l: &Live) -> String {
        let kind = if l.session.portal_kind == "building" {
            "buildings"
        } else {
            "locations"
        };
        format!("/api/v1/{kind}/{}", l.session.portal_id)
    }

    /// The Visitor Summary widget for today.
    pub fn summary(&self, origin: Option<Origin>) -> Result<Value> {
        let l = self.live()?;
        let (from, to) = local_day();
        let q = day_query(from, to, origin);
        self.api(
            &l,
            reqwest::Method::GET,
            &format!("{}/visitor-summary?{q}", Self::portal_path(&l)),
            None,
        )
    }

    /// The tenant locations a building desk invites visitors for.
    pub fn directory(&self) -> Result<Vec<DirectoryEntry>> {
        let l = self.live()?;
        if l.session.portal_kind != "building" {
            return Ok(vec![]);
        }
        let v = self.api(
            &l,
            reqwest::Method::GET,
            &format!("/api/v1/buildings/{}/directory", l.session.portal_id),
            None,
        )?;
        serde_json::from_value(v).map_err(|e| DeskError::Local(e.to_string()))
    }

    pub fn create_invite(&self, invite: &NewInvite) -> Result<CreatedInvite> {
        let l = self.live()?;
        let v = self.api(
            &l,
            reqwest::Method::POST,
            &format!("{}/invites", Self::portal_path(&l)),
            Some(&to_json(invite)?),
        )?;
        l.desk.remember(&v["invite"])?;
        l.status.nudge();
        let sync = &v["sync"];
        Ok(CreatedInvite {
            synced: sync["status"] == "synced",
            linked_invite_id: sync["linked_invite_id"].as_str().map(String::from),
            reasons: serde_json::from_value(sync["reasons"].clone()).unwrap_or_default(),
            invite: v["invite"].clone(),
        })
    }

    fn settings_path(l: &Live) -> Result<String> {
        if !l.session.may_edit_settings {
            return Err(DeskError::Refused {
                code: "forbidden".into(),
                message: "Location Settings are for the tenant's admins.".into(),
            });
        }
        Ok(format!(
            "/api/v1/locations/{}/settings",
            l.session.portal_id
        ))
    }

    pub fn location_settings(&self) -> Result<LocationSettings> {
        let l = self.live()?;
        let v = self.api(&l, reqwest::Method::GET, &Self::settings_path(&l)?, None)?;
        serde_json::from_value(v).map_err(|e| DeskError::Local(e.to_string()))
    }

    pub fn save_location_settings(&self, s: &LocationSettings) -> Result<LocationSettings> {
        let l = self.live()?;
        let v = self.api(
            &l,
            reqwest::Method::PUT,
            &Self::settings_path(&l)?,
            Some(&to_json(s)?),
        )?;
        serde_json::from_value(v).map_err(|e| DeskError::Local(e.to_string()))
    }

    /// Today's visitor log as CSV (with the Invite Origin filter), saved in `dir`.
    pub fn export_csv(&self, origin: Option<Origin>, dir: &Path) -> Result<ExportedCsv> {
        let l = self.live()?;
        let (from, to) = local_day();
        let url = format!(
            "{}{}/visitor-logs.csv?{}",
            l.session.server,
            Self::portal_path(&l),
            day_query(from, to, origin)
        );
        let r = self
            .http
            .get(url)
            .bearer_auth(&l.token)
            .send()
            .map_err(offline)?;
        if !r.status().is_success() {
            return Err(refusal(r));
        }
        let body = r.bytes().map_err(offline)?;
        std::fs::create_dir_all(dir)
            .map_err(|e| DeskError::Local(format!("cannot create {}: {e}", dir.display())))?;
        let name = format!(
            "visitor-log-{}{}.csv",
            Local::now().format("%Y-%m-%d-%H%M%S"),
            match origin {
                Some(Origin::Building) => "-building-created",
                Some(Origin::Tenant) => "-tenant-created",
                None => "",
            }
        );
        let path = dir.join(name);
        vault::write_private(&path, &body)?;
        let rows = body
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            .saturating_sub(1) as u32;
        Ok(ExportedCsv {
            path: path.display().to_string(),
            rows,
        })
    }

    pub fn devices(&self) -> Devices {
        self.current_settings().devices
    }

    pub fn set_devices(&self, devices: Devices) -> Result<Devices> {
        let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let devices = Devices {
            printer: clean(devices.printer),
            encoder: clean(devices.encoder),
        };
        if let Some(p) = &devices.printer {
            for uri in p.split(',') {
                let uri = uri.trim();
                if !(uri.starts_with("ipp://")
                    || uri.starts_with("ipps://")
                    || uri.starts_with("http://"))
                {
                    return Err(DeskError::Refused {
                        code: "invalid".into(),
                        message: format!("{uri} is not a printer address: use ipp://host:631/ipp/print (the printer's IPP address)."),
                    });
                }
            }
        }
        let mut s = self.current_settings();
        s.devices = devices.clone();
        self.save_settings(s)?;
        if let Ok(l) = self.live() {
            if let Ok(mut d) = l.status.devices.lock() {
                *d = devices.clone();
            }
            let status = l.status.clone();
            let _ = std::thread::Builder::new()
                .name("desk-devices".into())
                .spawn(move || check_devices(&status));
        }
        Ok(devices)
    }

    /// Write an H10301 credential on the card placed on this desk's encoder (waiting up to
    /// `wait` for it) and read it back. Assigning it to the visit is the next step, so the
    /// "Card sync blocked" prompt works as for a typed number.
    pub fn encode_card(&self, facility: u16, number: u32, wait: Duration) -> Result<EncodedCard> {
        let refused = |code: &str, e: &dyn std::fmt::Display| DeskError::Refused {
            code: code.into(),
            message: e.to_string(),
        };
        let credential =
            Credential::h10301(facility, number).map_err(|e| refused("invalid", &e))?;
        let encoder = PcscEncoder::default();
        let reader = match self.current_settings().devices.encoder {
            Some(r) => r,
            None => encoder
                .readers()
                .map_err(|e| refused("encoder", &e))?
                .into_iter()
                .next()
                .ok_or_else(|| refused("encoder", &"No card encoder is connected to this desk."))?,
        };
        encoder
            .wait_for_card(&reader, wait)
            .map_err(|e| refused("encoder", &e))?;
        let done = encoder
            .encode(&reader, credential)
            .map_err(|e| refused("encoder", &e))?;
        Ok(EncodedCard {
            number: done.credential.card_number(),
            format: Credential::FORMAT.into(),
            uid: done.uid,
        })
    }

    /// Render the badge on the portal, print it on this desk's printer (falling back to the
    /// next one), and record that it was printed.
    pub fn print_badge(&self, id: &str) -> Result<String> {
        let l = self.live()?;
        let uris = self
            .current_settings()
            .devices
            .printer
            .ok_or_else(|| DeskError::Refused {
                code: "no_printer".into(),
                message: "No badge printer is set up at this desk. Add its address under Devices."
                    .into(),
            })?;
        let r = self
            .http
            .get(format!(
                "{}/api/v1/invites/{id}/badge.pdf",
                l.session.server
            ))
            .bearer_auth(&l.token)
            .send()
            .map_err(offline)?;
        if !r.status().is_success() {
            return Err(refusal(r));
        }
        let pdf = r.bytes().map_err(offline)?;
        let mut printers: Vec<Box<dyn BadgePrinter>> = vec![];
        for uri in uris.split(',') {
            printers.push(Box::new(
                IppPrinter::new(uri.trim(), Duration::from_secs(5))
                    .map_err(|e| DeskError::Local(e.to_string()))?,
            ));
        }
        let printed = PrintQueue::new(printers)
            .print(
                &uuid::Uuid::now_v7().to_string(),
                &pdf,
                &format!("badge-{id}"),
                Duration::from_secs(60),
            )
            .map_err(|e| DeskError::Refused {
                code: "print_failed".into(),
                message: e.to_string(),
            })?;
        self.invite_action(
            reqwest::Method::POST,
            &format!("/api/v1/invites/{id}/badge-printed"),
            Some(&json!({"printer": printed.printer, "job_id": printed.job_id})),
        )?;
        Ok(if printed.fell_back {
            format!("Printed on the fallback printer {}.", printed.printer)
        } else {
            "Badge printed.".into()
        })
    }

    fn api(
        &self,
        l: &Live,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value> {
        let r = self.call(&l.session.server, Some(&l.token), method, path, body);
        if let Err(DeskError::Offline(_)) = &r {
            l.status.online.store(false, Ordering::Relaxed);
        }
        r
    }

    fn call(
        &self,
        server: &str,
        token: Option<&str>,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value> {
        let mut req = self.http.request(method, format!("{server}{path}"));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let r = req.send().map_err(offline)?;
        if !r.status().is_success() {
            return Err(refusal(r));
        }
        if r.status() == reqwest::StatusCode::NO_CONTENT {
            return Ok(Value::Null);
        }
        r.json().map_err(offline)
    }
}

fn rows(found: Vec<CachedInvite>) -> Vec<InviteRow> {
    found.into_iter().map(InviteRow::from).collect()
}

fn offline(e: reqwest::Error) -> DeskError {
    DeskError::Offline(if e.is_timeout() {
        "no answer in time".into()
    } else if e.is_connect() {
        "connection refused".into()
    } else {
        e.to_string()
    })
}

fn refusal(r: reqwest::blocking::Response) -> DeskError {
    let status = r.status();
    let body: Value = r.json().unwrap_or(Value::Null);
    DeskError::Refused {
        code: body["error"]["code"]
            .as_str()
            .unwrap_or(if status == reqwest::StatusCode::UNAUTHORIZED {
                "unauthorized"
            } else {
                "refused"
            })
            .to_string(),
        message: body["error"]["message"]
            .as_str()
            .map(String::from)
            .unwrap_or_else(|| format!("The portal answered {status}.")),
    }
}

fn to_json<T: Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| DeskError::Local(e.to_string()))
}

fn str_of(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn device(label: &str, ready: bool) -> DeviceState {
    DeviceState {
        ready,
        label: label.into(),
    }
}

fn short_hash(s: &str) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(s.as_bytes());
    h.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

fn normalise_url(raw: &str) -> Result<String> {
    let t = raw.trim().trim_end_matches('/');
    let t = t.strip_suffix("/api/v1").unwrap_or(t);
    let ok = reqwest::Url::parse(t)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
    if !ok {
        return Err(not_an_address(raw));
    }
    encrypted_or_local(t)?;
    Ok(t.to_string())
}

fn not_an_address(raw: &str) -> DeskError {
    DeskError::Refused {
        code: "invalid".into(),
        message: format!("{raw} is not a portal address: use https://host, as your admin gave it."),
    }
}

/// A portal on another machine is reached over https only: over plain http the password, the
/// session token and the visitors' details cross the network readable by anyone on it. Plain
/// http stays for a portal on this computer (loopback never leaves it): the built-in one, or a
/// portal service run beside the desk.
fn encrypted_or_local(server: &str) -> Result<()> {
    let url = reqwest::Url::parse(server).map_err(|_| not_an_address(server))?;
    let local = match url.host_str() {
        Some("localhost") => true,
        Some(h) => h
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    };
    if url.scheme() == "https" || (url.scheme() == "http" && local) {
        return Ok(());
    }
    Err(DeskError::Refused {
        code: "insecure_portal".into(),
        message: format!(
            "{server} is not encrypted: the password and the visitors' details would cross the \
             network readable by anyone on it. Use the portal's https:// address (ask your admin \
             for it); plain http:// is only for a portal on this computer (127.0.0.1 or localhost)."
        ),
    })
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

fn day_query(
    from: frontdesk_core::Timestamp,
    to: frontdesk_core::Timestamp,
    origin: Option<Origin>,
) -> String {
    let enc = |t: frontdesk_core::Timestamp| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut q = format!("from={}&to={}", enc(from), enc(to));
    if let Some(o) = origin {
        q.push_str("&origin=");
        q.push_str(o.as_str());
    }
    q
}

fn record_sync(status: &Status, err: Option<&SyncError>) {
    let (online, msg) = match err {
        None => (true, None),
        Some(SyncError::Offline(e)) => (false, Some(format!("Offline: {e}"))),
        Some(e) => (true, Some(e.to_string())),
    };
    status.online.store(online, Ordering::Relaxed);
    if let Ok(mut m) = status.last_error.lock() {
        *m = msg;
    }
}

/// Push and pull every few seconds, and at once after a local change; offline, retry with
/// backoff up to 10 s.
fn spawn_sync(desk: Arc<Desk>, status: Arc<Status>) {
    let _ = std::thread::Builder::new()
        .name("desk-sync".into())
        .spawn(move || {
            let mut pause = Duration::from_millis(500);
            while !status.stop.load(Ordering::Relaxed) {
                let r = desk.sync();
                record_sync(&status, r.as_ref().err());
                pause = match r {
                    Ok(_) => Duration::from_secs(3),
                    Err(_) => {
                        (pause * 2).clamp(Duration::from_millis(500), Duration::from_secs(10))
                    }
                };
                status.sleep(pause);
            }
        });
}

/// Follow the server's event stream; reconnect with backoff when it breaks.
fn spawn_follow(desk: Arc<Desk>, status: Arc<Status>) {
    let _ = std::thread::Builder::new()
        .name("desk-follow".into())
        .spawn(move || {
            let mut pause = Duration::from_millis(250);
            while !status.stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                let _ = desk.follow(&status.stop);
                if started.elapsed() > Duration::from_secs(5) {
                    pause = Duration::from_millis(250);
                } else {
                    pause = (pause * 2).min(Duration::from_secs(10));
                }
                std::thread::sleep(pause);
            }
        });
}

fn check_devices(status: &Status) {
    let devices = status.devices.lock().map(|d| d.clone()).unwrap_or_default();
    let printer = match devices.printer.as_deref().and_then(|p| p.split(',').next()) {
        None => device("No printer set up", false),
        Some(uri) => {
            match IppPrinter::new(uri.trim(), Duration::from_secs(3)).and_then(|p| p.status()) {
                Ok(s) => match s.problem() {
                    None => device(
                        &format!(
                            "Printer ready ({})",
                            s.name.unwrap_or_else(|| uri.to_string())
                        ),
                        true,
                    ),
                    Some(p) => device(&format!("Printer: {p}"), false),
                },
                Err(e) => device(&format!("Printer: {e}"), false),
            }
        }
    };
    let encoder = match PcscEncoder::default().readers() {
        Ok(readers) => match &devices.encoder {
            Some(want) if readers.iter().any(|r| r == want) => {
                device(&format!("Encoder ready ({want})"), true)
            }
            Some(want) => device(&format!("Encoder {want} is not connected"), false),
            None if readers.is_empty() => device("No card encoder", false),
            None => device(&format!("Encoder ready ({})", readers[0]), true),
        },
        Err(e) => device(&format!("Card encoder: {e}"), false),
    };
    if let Ok(mut p) = status.printer.lock() {
        *p = Some(printer);
    }
    if let Ok(mut e) = status.encoder.lock() {
        *e = Some(encoder);
    }
}

/// The printer and encoder state, every 10 s, off the sync path (a stuck printer must not
/// hold up arrivals).
fn spawn_devices(status: Arc<Status>) {
    let _ = std::thread::Builder::new()
        .name("desk-devices".into())
        .spawn(move || {
            while !status.stop.load(Ordering::Relaxed) {
                check_devices(&status);
                let deadline = Instant::now() + Duration::from_secs(10);
                while Instant::now() < deadline && !status.stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(250));
                }
            }
        });
}
