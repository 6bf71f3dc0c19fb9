//! Which portal the desk works with and who is signed in: the built-in portal or a shared one,
//! signing in and out, and the session kept in the vault across restarts (also offline).

use std::sync::Arc;

use frontdesk_api::{Login, PortalKind, Role};
use frontdesk_client::{Client, Url};
use frontdesk_sync::Desk;

use crate::vault::{remove_if_there, Credentials};
use crate::workers::{self, Status};
use crate::{embedded, folder, Console, DemoAccount, DeskError, Live, Result, Session, StartInfo};

impl Console {
    /// Earlier versions kept the session (email, server, the place) in a plain `session.json`
    /// that outlived sign-out. It joins the credentials it belongs to in the vault, and the
    /// plain file goes whether or not it could be read.
    pub(crate) fn move_plain_session_into_the_vault(&self) -> Result<()> {
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

    pub(crate) fn start_built_in(&self) -> Result<()> {
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
        let token = Client::new(&self.transport, server)?
            .login(&Login {
                email: email.trim().to_string(),
                password: password.to_string(),
            })?
            .token;
        let c = Credentials {
            server: server.to_string(),
            email: email.trim().to_string(),
            token,
            session: None,
        };
        self.resume(&c)?;
        self.live().map(|l| l.session.clone())
    }

    /// Become signed in with these credentials, and keep them in the vault with the session
    /// the portal described. Offline, the desk works from its cache with the session it had.
    pub(crate) fn resume(&self, c: &Credentials) -> Result<()> {
        // The token is not sent in clear, even to a portal an earlier version was connected to.
        encrypted_or_local(&c.server)?;
        let portal = Client::new(&self.transport, &c.server)?.signed_in(&c.token);
        let session = match self.describe(&portal, c) {
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
                c.server,
                session.portal_kind.as_str(),
                session.portal_id
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
        workers::spawn_sync(desk.clone(), status.clone());
        workers::spawn_follow(desk.clone(), status.clone());
        if let Ok(mut d) = status.devices.lock() {
            *d = self.current_settings().devices;
        }
        workers::spawn_devices(status.clone());
        let live = Arc::new(Live {
            session,
            portal,
            desk,
            status,
        });
        if let Ok(mut l) = self.live.write() {
            *l = Some(live);
        }
        Ok(())
    }

    /// Which portal the signed-in user works, from the server.
    fn describe(&self, portal: &Client, c: &Credentials) -> Result<Session> {
        let me = portal.me()?;
        let (kind, id, name, building_id) = match (
            me.role,
            me.scope.building_id,
            me.scope.location_id,
            me.scope.tenant_id,
        ) {
            (Role::FrontDesk | Role::BuildingAdmin, Some(b), None, _) => {
                let name = portal.building(b.as_str())?.name;
                (PortalKind::Building, b.to_string(), name, b)
            }
            (Role::FrontDesk, _, Some(l), _) => {
                let place = portal.location(l.as_str())?;
                (PortalKind::Location, l.into_string(), place.name, place.building_id)
            }
            (Role::TenantAdmin, _, _, Some(t)) => {
                let first = portal
                    .tenant_locations(t.as_str())?
                    .into_iter()
                    .next()
                    .ok_or_else(|| DeskError::Refused {
                        code: "no_location".into(),
                        message: "This tenant has no location yet: an admin adds one first."
                            .into(),
                    })?;
                (
                    PortalKind::Location,
                    first.id.into_string(),
                    first.name,
                    first.building_id,
                )
            }
            _ => {
                return Err(DeskError::Refused {
                    code: "no_front_desk".into(),
                    message: "This account has no front desk. Sign in with a building's or a tenant location's account.".into(),
                })
            }
        };
        // The building's zone, for every time the console shows.
        let timezone = Some(portal.building(building_id.as_str())?.timezone);
        Ok(Session {
            email: c.email.clone(),
            timezone,
            may_edit_settings: me.role == Role::TenantAdmin,
            role: me.role,
            portal_kind: kind,
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
            let _ = l.portal.logout();
        }
        // The credentials and the session are one file; a plain session file of an earlier
        // version is normally gone at start, but sign-out must not depend on it.
        self.vault.clear()?;
        remove_if_there(&self.dir.join("session.json"))
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
    let ok = Url::parse(t)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
    if !ok {
        return Err(not_an_address(raw));
    }
    encrypted_or_local(t)?;
    Ok(t.to_string())
}

pub(crate) fn not_an_address(raw: &str) -> DeskError {
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
    let url = Url::parse(server).map_err(|_| not_an_address(server))?;
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
