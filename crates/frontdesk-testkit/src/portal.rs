//! The test harness: the real server, in-process on 127.0.0.1:0 with its own SQLite file, and a
//! blocking HTTP client. `World` builds a building with three tenants in every sync state.

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use frontdesk_server::{auth, AppState, Clock};
use frontdesk_store::{actions, SqliteStore};
use serde_json::{json, Value};

pub const ADMIN_EMAIL: &str = "admin@test.frontdesk";
pub const PASSWORD: &str = "correct horse battery";

pub struct Server {
    pub base: String,
    pub addr: SocketAddr,
    pub state: AppState,
    pub dir: tempfile::TempDir,
    http: reqwest::blocking::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// How delivery is configured, for a server that can be restarted.
    restart_with: Option<Arc<DeliveryFn>>,
}

type DeliveryFn =
    dyn Fn(String) -> Option<frontdesk_server::delivery::DeliveryConfig> + Send + Sync;

#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub text: String,
}

impl Resp {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    #[track_caller]
    pub fn ok(self) -> Value {
        assert!(
            (200..300).contains(&self.status),
            "expected success, got {} {}",
            self.status,
            self.text
        );
        self.body
    }

    #[track_caller]
    pub fn refused(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status, self.code()),
            (status, code),
            "unexpected answer: {}",
            self.text
        );
        assert!(
            self.body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.len() > 10),
            "a refusal must say what to do: {}",
            self.text
        );
    }
}

impl Server {
    pub fn start() -> Self {
        Self::start_with(|_| None)
    }

    /// Start with other limits than the defaults (short timeouts, few streams).
    pub fn start_limited(limits: frontdesk_server::Limits) -> Self {
        Self::start_configured(move |st| st.with_limits(limits))
    }

    /// Start with the service's state set up by `configure` (limits, session policy, tokens).
    pub fn start_configured(configure: impl FnOnce(AppState) -> AppState) -> Self {
        Self::launch(|_| None, configure)
    }

    /// Start with the delivery worker configured from the server's own base URL.
    pub fn start_with(
        delivery: impl FnOnce(String) -> Option<frontdesk_server::delivery::DeliveryConfig>
            + Send
            + 'static,
    ) -> Self {
        Self::launch(delivery, |st| st)
    }

    /// Start with delivery configured by `delivery`, which is called again by [`Self::restart`].
    pub fn start_restartable(
        delivery: impl Fn(String) -> Option<frontdesk_server::delivery::DeliveryConfig>
            + Send
            + Sync
            + 'static,
    ) -> Self {
        let f: Arc<DeliveryFn> = Arc::new(delivery);
        let g = f.clone();
        let mut s = Self::launch_in(
            tempfile::tempdir().unwrap(),
            Clock::default(),
            move |b| g(b),
            |st| st,
        );
        s.restart_with = Some(f);
        s
    }

    /// Stop the server (its delivery worker too) and start it again on the same database file,
    /// with the same clock, on a new port. Sessions, invites and the outbox are kept.
    pub fn restart(&mut self) {
        let f = self
            .restart_with
            .clone()
            .expect("restart needs a server from Server::start_restartable");
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap());
        let g = f.clone();
        let mut fresh = Self::launch_in(dir, self.state.clock.clone(), move |b| g(b), |st| st);
        fresh.restart_with = Some(f);
        std::mem::swap(self, &mut fresh);
    }

    fn launch(
        delivery: impl FnOnce(String) -> Option<frontdesk_server::delivery::DeliveryConfig>
            + Send
            + 'static,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> Self {
        Self::launch_in(
            tempfile::tempdir().unwrap(),
            Clock::default(),
            delivery,
            configure,
        )
    }

    fn launch_in(
        dir: tempfile::TempDir,
        clock: Clock,
        delivery: impl FnOnce(String) -> Option<frontdesk_server::delivery::DeliveryConfig>
            + Send
            + 'static,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> Self {
        let db = dir.path().join("frontdesk.db");
        let store = SqliteStore::open(&db).unwrap();
        store
            .write(|tx| {
                actions::ensure_platform_admin(
                    tx,
                    ADMIN_EMAIL,
                    PASSWORD,
                    Utc::now(),
                    auth::hash_password,
                )
            })
            .unwrap();
        let key = frontdesk_server::webhooks::load_or_create_key(&db).unwrap();
        let state = configure(AppState::new(store, clock).with_webhook_key(key));
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let st = state.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let addr = listener.local_addr().unwrap();
                if let Some(cfg) = delivery(format!("http://{addr}")) {
                    frontdesk_server::delivery::spawn(st.clone(), cfg).unwrap();
                }
                addr_tx.send(addr).unwrap();
                frontdesk_server::serve(listener, st, async {
                    let _ = stop_rx.await;
                })
                .await
                .unwrap();
            });
        });
        let addr = addr_rx.recv().unwrap();
        Self {
            base: format!("http://{addr}/api/v1"),
            addr,
            state,
            dir,
            http: reqwest::blocking::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .unwrap(),
            stop: Some(stop_tx),
            thread: Some(thread),
            restart_with: None,
        }
    }

    pub fn clock(&self) -> &Clock {
        &self.state.clock
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Resp {
        let mut req = self.http.request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            format!("{}{}", self.base, path),
        );
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let r = req.send().unwrap();
        let status = r.status().as_u16();
        let text = r.text().unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp { status, body, text }
    }

    /// Send raw bytes (for malformed bodies).
    pub fn raw(&self, method: &str, path: &str, token: &str, ctype: &str, body: Vec<u8>) -> Resp {
        let r = self
            .http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}{}", self.base, path),
            )
            .bearer_auth(token)
            .header("content-type", ctype)
            .body(body)
            .send()
            .unwrap();
        let status = r.status().as_u16();
        let text = r.text().unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp { status, body, text }
    }

    /// Announce a body of `length` bytes and send none of it: a server that refuses the size
    /// answers from the headers alone (a client that streamed megabytes first could see the
    /// connection reset before reading the answer).
    pub fn announce_body(&self, path: &str, length: usize) -> Resp {
        use std::io::{Read, Write};
        let mut sock = std::net::TcpStream::connect(self.addr).unwrap();
        write!(
            sock,
            "POST /api/v1{path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        sock.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        let mut raw = Vec::new();
        let _ = sock.read_to_end(&mut raw);
        let raw = String::from_utf8_lossy(&raw).to_string();
        let status = raw
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let text = raw.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
        // A chunked answer carries its size lines around the JSON.
        let json = text
            .find('{')
            .map(|i| &text[i..=text.rfind('}').unwrap_or(i)])
            .unwrap_or("");
        Resp {
            status,
            body: serde_json::from_str(json).unwrap_or(Value::Null),
            text,
        }
    }

    pub fn get(&self, token: &str, path: &str) -> Resp {
        self.request("GET", path, Some(token), None)
    }
    pub fn post(&self, token: &str, path: &str, body: Value) -> Resp {
        self.request("POST", path, Some(token), Some(&body))
    }
    pub fn put(&self, token: &str, path: &str, body: Value) -> Resp {
        self.request("PUT", path, Some(token), Some(&body))
    }
    pub fn patch(&self, token: &str, path: &str, body: Value) -> Resp {
        self.request("PATCH", path, Some(token), Some(&body))
    }
    pub fn delete(&self, token: &str, path: &str) -> Resp {
        self.request("DELETE", path, Some(token), None)
    }

    pub fn login(&self, email: &str, password: &str) -> String {
        let r = self.request(
            "POST",
            "/auth/login",
            None,
            Some(&json!({"email": email, "password": password})),
        );
        r.ok()["token"].as_str().unwrap().to_string()
    }

    /// The newest change-feed sequence number: a refused request must not move it.
    pub fn last_seq(&self) -> i64 {
        self.state.store.last_change_seq().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub fn at(offset: Duration) -> DateTime<Utc> {
    Utc::now() + offset
}

pub fn validity(from_h: i64, to_h: i64) -> (String, String) {
    (
        at(Duration::hours(from_h)).to_rfc3339(),
        at(Duration::hours(to_h)).to_rfc3339(),
    )
}

/// A building with three tenants: Acme (linked, sync on, type mapped, card sync on), Blue
/// (linked, sync off) and Cobalt (not linked); a second building; a user for every role.
pub struct World {
    pub s: Server,
    pub admin: String,
    pub building: String,
    pub other_building: String,
    pub building_type: String,
    pub acme: String,
    pub acme_loc: String,
    pub acme_type: String,
    pub blue: String,
    pub blue_loc: String,
    pub blue_type: String,
    pub cobalt: String,
    pub cobalt_loc: String,
    pub building_admin: String,
    pub building_desk: String,
    pub other_building_admin: String,
    pub acme_admin: String,
    pub acme_desk: String,
    pub blue_admin: String,
    pub cobalt_admin: String,
}

/// A real PNG picture of `w` × `h` pixels as the visitor's page sends one: a data URL.
pub fn photo_url(w: u32, h: u32) -> String {
    use base64::Engine;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(out.into_inner())
    )
}

pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

impl World {
    // Not `Default`: this starts a server and signs in a dozen users.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self::on(Server::start())
    }

    pub fn on(s: Server) -> Self {
        let admin = s.login(ADMIN_EMAIL, PASSWORD);
        let building = id(&s
            .post(
                &admin,
                "/buildings",
                json!({"name": "Harbour Tower", "timezone": "Europe/London"}),
            )
            .ok());
        let other_building = id(&s
            .post(
                &admin,
                "/buildings",
                json!({"name": "Quay House", "timezone": "UTC"}),
            )
            .ok());
        let building_type = id(&s
            .post(
                &admin,
                &format!("/buildings/{building}/visitor-types"),
                json!({"name": "Visitor", "requires_photo": true, "requires_nda": false,
                       "questions": [{"label": "Carrying tools?", "kind": "yes_no", "required": true}]}),
            )
            .ok());
        let tenant = |name: &str, linked: bool| -> (String, String, String) {
            let t = id(&s.post(&admin, "/tenants", json!({"name": name})).ok());
            let l = id(&s
                .post(
                    &admin,
                    &format!("/tenants/{t}/locations"),
                    json!({"name": format!("{name} HQ"), "building_id": building}),
                )
                .ok());
            let vt = id(&s
                .post(
                    &admin,
                    &format!("/locations/{l}/visitor-types"),
                    json!({"name": "Guest", "requires_photo": false, "requires_nda": true,
                           "nda_text": format!("{name} NDA"), "questions": []}),
                )
                .ok());
            if linked {
                s.post(
                    &admin,
                    &format!("/buildings/{building}/tenant-links"),
                    json!({"tenant_id": t}),
                )
                .ok();
            }
            (t, l, vt)
        };
        let (acme, acme_loc, acme_type) = tenant("Acme", true);
        let (blue, blue_loc, blue_type) = tenant("Blue", true);
        let (cobalt, cobalt_loc, _) = tenant("Cobalt", false);
        s.put(
            &admin,
            &format!("/locations/{acme_loc}/settings"),
            json!({"visitor_management_enabled": true, "sync_building_invitations": true,
                   "sync_visitor_type_id": acme_type, "card_sync_enabled": true}),
        )
        .ok();
        let user = |email: &str, role: &str, scope: Value| -> String {
            let mut body = json!({"email": email, "password": PASSWORD, "role": role});
            for (k, v) in scope.as_object().unwrap() {
                body[k] = v.clone();
            }
            s.post(&admin, "/users", body).ok();
            s.login(email, PASSWORD)
        };
        let building_admin = user(
            "ba@hq.test",
            "building_admin",
            json!({"building_id": building}),
        );
        let building_desk = user(
            "lobby@hq.test",
            "front_desk",
            json!({"building_id": building}),
        );
        let other_building_admin = user(
            "ba@quay.test",
            "building_admin",
            json!({"building_id": other_building}),
        );
        let acme_admin = user(
            "admin@acme.test",
            "tenant_admin",
            json!({"tenant_id": acme}),
        );
        let acme_desk = user(
            "desk@acme.test",
            "front_desk",
            json!({"location_id": acme_loc}),
        );
        let blue_admin = user(
            "admin@blue.test",
            "tenant_admin",
            json!({"tenant_id": blue}),
        );
        let cobalt_admin = user(
            "admin@cobalt.test",
            "tenant_admin",
            json!({"tenant_id": cobalt}),
        );
        Self {
            s,
            admin,
            building,
            other_building,
            building_type,
            acme,
            acme_loc,
            acme_type,
            blue,
            blue_loc,
            blue_type,
            cobalt,
            cobalt_loc,
            building_admin,
            building_desk,
            other_building_admin,
            acme_admin,
            acme_desk,
            blue_admin,
            cobalt_admin,
        }
    }

    pub fn invite_body(&self, location: &str, name: &str) -> Value {
        let (from, to) = validity(-1, 8);
        json!({
            "location_id": location, "host_name": "Grace Hopper",
            "visitor": {"name": name, "email": format!("{}@example.com", name.to_lowercase().replace(' ', ".")),
                        "mobile": "+44 7700 900123", "company": "Analytical Engines"},
            "visitor_type_id": self.building_type, "valid_from": from, "valid_to": to,
        })
    }

    /// A building-created invite for `location`; returns the whole creation answer.
    pub fn building_invite(&self, location: &str, name: &str) -> Value {
        self.s
            .post(
                &self.building_admin,
                &format!("/buildings/{}/invites", self.building),
                self.invite_body(location, name),
            )
            .ok()
    }

    /// A synced building→Acme pair: (building invite id, tenant copy id).
    pub fn synced_pair(&self, name: &str) -> (String, String) {
        self.synced_pair_from(self.invite_body(&self.acme_loc, name))
    }

    /// A synced pair created by the building admin from `body` (an [`Self::invite_body`] with
    /// changes): (building invite id, tenant copy id).
    pub fn synced_pair_from(&self, body: Value) -> (String, String) {
        let r = self
            .s
            .post(
                &self.building_admin,
                &format!("/buildings/{}/invites", self.building),
                body,
            )
            .ok();
        assert_eq!(r["sync"]["status"], "synced", "{r}");
        (
            id(&r["invite"]),
            r["sync"]["linked_invite_id"].as_str().unwrap().to_string(),
        )
    }

    /// `n` synced pairs for visitors "`name` 000", "`name` 001", …
    pub fn synced_pairs(&self, n: usize, name: &str) -> Vec<(String, String)> {
        (0..n)
            .map(|i| self.synced_pair(&format!("{name} {i:03}")))
            .collect()
    }

    /// A tenant-created invite at Acme (forward-synced to the building); the creation answer.
    pub fn tenant_invite(&self, name: &str) -> Value {
        let mut body = self.invite_body(&self.acme_loc, name);
        body["visitor_type_id"] = json!(self.acme_type);
        self.s
            .post(
                &self.acme_desk,
                &format!("/locations/{}/invites", self.acme_loc),
                body,
            )
            .ok()
    }

    /// The registration secret of the newest message queued for `invite` (white-box: the link
    /// the visitor would receive, read before a transport has sent and forgotten it).
    pub fn registration_token(&self, invite: &str) -> String {
        self.s
            .state
            .store
            .notifications(&frontdesk_store::queries::Visibility::All, 500)
            .unwrap()
            .into_iter()
            .find(|n| n.invite_id == invite)
            .and_then(|n| n.link_token)
            .expect("a registration link was issued")
    }

    pub fn invite(&self, token: &str, id: &str) -> Value {
        self.s.get(token, &format!("/invites/{id}")).ok()
    }
}

/// A real SMTP server (aiosmtpd, from Debian's python3-aiosmtpd) on loopback, writing what it
/// receives to a maildir.
pub struct SmtpServer {
    child: std::process::Child,
    pub port: u16,
    pub maildir: tempfile::TempDir,
}

pub use crate::free_port;

impl SmtpServer {
    pub fn start(port: u16) -> Self {
        let maildir = tempfile::tempdir().unwrap();
        let python = if std::path::Path::new("/usr/bin/python3").exists() {
            "/usr/bin/python3"
        } else {
            "python3"
        };
        let child = std::process::Command::new(python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(maildir.path().join("mail"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("python3 must be installed to run the SMTP server");
        let mut s = Self {
            child,
            port,
            maildir,
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = s.child.try_wait() {
                let mut err = String::new();
                use std::io::Read;
                s.child.stderr.take().unwrap().read_to_string(&mut err).ok();
                panic!("aiosmtpd did not start ({status}): {err}\nInstall it: apt-get install python3-aiosmtpd");
            }
            assert!(
                std::time::Instant::now() < deadline,
                "aiosmtpd did not listen on {port}"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        s
    }

    /// Every message received so far, raw.
    pub fn messages(&self) -> Vec<String> {
        let mut out = vec![];
        for sub in ["new", "cur"] {
            if let Ok(rd) = std::fs::read_dir(self.maildir.path().join("mail").join(sub)) {
                for e in rd.flatten() {
                    out.push(std::fs::read_to_string(e.path()).unwrap());
                }
            }
        }
        out
    }

    pub fn wait_for(&self, n: usize) -> Vec<String> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let m = self.messages();
            if m.len() >= n {
                return m;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "only {} of {n} messages arrived",
                m.len()
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Wait until `f` holds, or fail after `secs`.
#[track_caller]
pub fn eventually(secs: u64, what: &str, mut f: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while !f() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Acme maps a visitor type with a choice question, a free-text one and an NDA; the building's
/// type asks a yes/no question and wants a photo.
pub fn flow_world() -> (World, String, String, String) {
    let w = World::new();
    let vt = id(&w
        .s
        .post(
            &w.acme_admin,
            &format!("/locations/{}/visitor-types", w.acme_loc),
            json!({"name": "Meeting guest", "requires_photo": false, "requires_nda": true,
                   "nda_text": "Acme confidentiality agreement",
                   "questions": [
                     {"label": "Which room?", "kind": "choice", "required": true, "options": ["Orion", "Vega"]},
                     {"label": "Anything we should know?", "kind": "text", "required": false}]}),
        )
        .ok());
    w.s.put(
        &w.acme_admin,
        &format!("/locations/{}/settings", w.acme_loc),
        json!({"visitor_management_enabled": true, "sync_building_invitations": true,
               "sync_visitor_type_id": vt, "card_sync_enabled": true}),
    )
    .ok();
    // The building's own type also asks for an NDA.
    let bvt = id(&w
        .s
        .post(
            &w.building_admin,
            &format!("/buildings/{}/visitor-types", w.building),
            json!({"name": "Guest", "requires_photo": true, "requires_nda": true, "nda_text": "Harbour Tower house rules",
                   "questions": [{"label": "Carrying tools?", "kind": "yes_no", "required": true}]}),
        )
        .ok());
    let mut body = w.invite_body(&w.acme_loc, "Ada Lovelace");
    body["visitor_type_id"] = json!(bvt);
    let (b, t) = w.synced_pair_from(body);
    let token = w.registration_token(&b);
    (w, b, t, token)
}

/// A change-feed entry for a made-up invite `i` of a big building (benchmarks fill desks' caches
/// with these): names from a small set so that searches match many.
pub fn bulk_invite_change(i: usize) -> Value {
    const FIRST: [&str; 12] = [
        "Ada",
        "Alan",
        "Grace",
        "Joan",
        "Zoë",
        "Pierre",
        "Marie",
        "Scout",
        "Hedy",
        "Katherine",
        "Tim",
        "Radia",
    ];
    const LAST: [&str; 10] = [
        "Lovelace",
        "Turing",
        "Hopper",
        "Clarke",
        "Ødegård",
        "Curie",
        "Finch",
        "Lamarr",
        "Johnson",
        "Perlman",
    ];
    let name = format!("{} {} {i}", FIRST[i % 12], LAST[(i / 12) % 10]);
    // A building's history: one visit in 500 is today's, the others spread over past days.
    let from = Utc::now() - Duration::days((i % 500) as i64) - Duration::hours(1);
    json!({"entity": "invite", "entity_id": format!("bulk-{i}"), "data": {
        "id": format!("bulk-{i}"), "status": "invited", "origin": "building",
        "valid_from": from, "valid_to": from + Duration::hours(9),
        "host_name": format!("Host {}", i % 300),
        "visitor": {"name": name, "company": format!("Company {}", i % 1000), "email": format!("v{i}@example.com")}}})
}

#[allow(unused_imports)]
pub use link::Link;

mod link {
    use std::io::{Read, Write};
    use std::net::{Shutdown, TcpListener, TcpStream};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    /// A TCP link to the server that can be cut and restored, like the desk's network cable.
    pub struct Link {
        pub url: String,
        open: Arc<AtomicBool>,
        live: Arc<Mutex<Vec<TcpStream>>>,
    }

    impl Link {
        pub fn to(target: std::net::SocketAddr) -> Self {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let url = format!("http://{}", listener.local_addr().unwrap());
            let open = Arc::new(AtomicBool::new(true));
            let live: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
            let (o, l) = (open.clone(), live.clone());
            std::thread::spawn(move || {
                for client in listener.incoming().flatten() {
                    if !o.load(Ordering::SeqCst) {
                        let _ = client.shutdown(Shutdown::Both);
                        continue;
                    }
                    let Ok(server) = TcpStream::connect(target) else {
                        continue;
                    };
                    l.lock()
                        .unwrap()
                        .extend([client.try_clone().unwrap(), server.try_clone().unwrap()]);
                    for (mut from, mut to) in [
                        (client.try_clone().unwrap(), server.try_clone().unwrap()),
                        (server, client),
                    ] {
                        std::thread::spawn(move || {
                            let mut buf = [0u8; 16 * 1024];
                            while let Ok(n) = from.read(&mut buf) {
                                if n == 0 || to.write_all(&buf[..n]).is_err() {
                                    break;
                                }
                            }
                            let _ = to.shutdown(Shutdown::Both);
                        });
                    }
                }
            });
            Self { url, open, live }
        }

        pub fn cut(&self) {
            self.open.store(false, Ordering::SeqCst);
            for s in self.live.lock().unwrap().drain(..) {
                let _ = s.shutdown(Shutdown::Both);
            }
        }

        pub fn restore(&self) {
            self.open.store(true, Ordering::SeqCst);
        }
    }
}
