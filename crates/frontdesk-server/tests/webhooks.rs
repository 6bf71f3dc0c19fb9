//! Integrations' webhooks, received by a receiver on loopback that checks the signature with its
//! own code (`receivers/webhook_receiver.py`: Python's hmac and hashlib, not the server's Rust):
//! each side's endpoint hears only of its side's invites, with that side's view; a receiver that
//! is down gets every event once it is back, exactly once; bad registrations store nothing; the
//! deliveries list shows every attempt.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{eventually, free_port, id, Server, World};
use frontdesk_server::delivery::DeliveryConfig;
use serde_json::{json, Value};

const EVENTS: [&str; 6] = [
    "invite.created",
    "invite.cancelled",
    "visitor.checked_in",
    "visitor.arrived",
    "visitor.checked_out",
    "card.assigned",
];

/// The Python receiver: every request it got is a line of its log.
struct Receiver {
    child: std::process::Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Receiver {
    fn start(port: u16) -> Self {
        Self::start_in(port, tempfile::tempdir().unwrap())
    }

    fn start_in(port: u16, dir: tempfile::TempDir) -> Self {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/receivers/webhook_receiver.py"
        );
        let mut child = std::process::Command::new("/usr/bin/python3")
            .arg(script)
            .arg(port.to_string())
            .arg(dir.path().join("log.jsonl"))
            .arg(dir.path().join("secrets.json"))
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .expect("/usr/bin/python3 must be installed to run the webhook receiver");
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the webhook receiver exited ({status})");
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the receiver did not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, port, dir }
    }

    fn url(&self, path: &str) -> String {
        url(self.port, path)
    }

    /// Stop it, keeping its log and secrets.
    fn stop(mut self) -> (u16, tempfile::TempDir) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap());
        (self.port, dir)
    }

    fn lines(&self) -> Vec<Value> {
        lines(self.dir.path())
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn url(port: u16, path: &str) -> String {
    format!("http://127.0.0.1:{port}{path}")
}

fn lines(dir: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("log.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn set_secret(dir: &std::path::Path, path: &str, secret: &str) {
    let file = dir.join("secrets.json");
    let mut all: Value = std::fs::read_to_string(&file)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(json!({}));
    all[path] = json!(secret);
    std::fs::write(&file, all.to_string()).unwrap();
}

fn world() -> World {
    World::on(Server::start_restartable(|base| {
        let mut cfg = DeliveryConfig::new(base);
        cfg.retry_base = Duration::from_millis(100);
        Some(cfg)
    }))
}

/// Register an endpoint at `path` of the receiver's port for `events`; returns (id, secret).
fn register(
    w: &World,
    token: &str,
    owner: &str,
    port: u16,
    path: &str,
    events: &[&str],
) -> (String, String) {
    let r =
        w.s.post(
            token,
            &format!("{owner}/webhooks"),
            json!({"url": url(port, path), "events": events, "description": path}),
        )
        .ok();
    let secret = r["secret"].as_str().unwrap().to_string();
    assert_eq!(secret.len(), 64, "{r}");
    (id(&r["endpoint"]), secret)
}

/// (event type, invite id) of every verified delivery to `path`.
fn received(lines: &[Value], path: &str) -> Vec<(String, String)> {
    lines
        .iter()
        .filter(|l| l["path"] == path)
        .map(|l| {
            assert_eq!(l["verified"], true, "{l}");
            assert_eq!(l["content_type"], "application/json", "{l}");
            (
                l["body"]["type"].as_str().unwrap().to_string(),
                l["body"]["data"]["invite"]["id"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

fn set(v: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn each_sides_endpoint_hears_only_its_sides_invites_signed() {
    let rx = Receiver::start(free_port());
    let w = world();
    let b = format!("/buildings/{}", w.building);
    let endpoints = [
        ("/acme", &w.acme_admin, format!("/tenants/{}", w.acme)),
        ("/blue", &w.blue_admin, format!("/tenants/{}", w.blue)),
        ("/cobalt", &w.cobalt_admin, format!("/tenants/{}", w.cobalt)),
        ("/building", &w.building_admin, b.clone()),
        (
            "/quay",
            &w.other_building_admin,
            format!("/buildings/{}", w.other_building),
        ),
    ];
    for (path, token, owner) in &endpoints {
        let (_, secret) = register(&w, token, owner, rx.port, path, &EVENTS);
        set_secret(rx.dir.path(), path, &secret);
    }

    // A building invite that synced to Acme: each side hears of its own copy.
    let (pb, pt) = w.synced_pair("Ada Lovelace");
    // A building invite for Blue (Blue does not take the building's invites): the building's.
    let blue_only = id(&w.building_invite(&w.blue_loc, "Scout Finch")["invite"]);
    // Acme's own invite, copied to the building.
    let r = w.tenant_invite("Alan Turing");
    let (tt, tb) = (
        id(&r["invite"]),
        r["sync"]["linked_invite_id"].as_str().unwrap().to_string(),
    );
    // The pair's visit: checked in, arrived, a card (synced to both), left.
    w.s.post(
        &w.building_desk,
        &format!("/invites/{pb}/check-in"),
        json!({}),
    )
    .ok();
    w.s.post(&w.acme_desk, &format!("/invites/{pt}/arrive"), json!({}))
        .ok();
    let card = w.s.put(
        &w.building_desk,
        &format!("/invites/{pb}/card"),
        json!({"number": "4242", "format": "H10301"}),
    );
    assert_eq!(card.ok()["card"]["synced"], true);
    w.s.post(
        &w.building_desk,
        &format!("/invites/{pb}/check-out"),
        json!({}),
    )
    .ok();
    // The building cancels Blue's visit; Acme cancels its own.
    w.s.post(
        &w.building_admin,
        &format!("/invites/{blue_only}/cancel"),
        json!({"reason": "r"}),
    )
    .ok();
    w.s.post(&w.acme_desk, &format!("/invites/{tt}/cancel"), json!({}))
        .ok();

    let building = set(&[
        ("invite.created", &pb),
        ("invite.created", &blue_only),
        ("invite.created", &tb),
        ("visitor.checked_in", &pb),
        ("visitor.arrived", &pb),
        ("card.assigned", &pb),
        ("visitor.checked_out", &pb),
        ("invite.cancelled", &blue_only),
        ("invite.cancelled", &tb),
    ]);
    let acme = set(&[
        ("invite.created", &pt),
        ("invite.created", &tt),
        ("visitor.checked_in", &pt),
        ("visitor.arrived", &pt),
        ("card.assigned", &pt),
        ("visitor.checked_out", &pt),
        ("invite.cancelled", &tt),
    ]);
    eventually(20, "every event delivered", || {
        rx.lines().len() >= building.len() + acme.len()
    });
    std::thread::sleep(Duration::from_millis(800));
    let all = rx.lines();
    let got_building = received(&all, "/building");
    let got_acme = received(&all, "/acme");
    assert_eq!(got_building.len(), building.len(), "{got_building:?}");
    assert_eq!(got_building.into_iter().collect::<BTreeSet<_>>(), building);
    assert_eq!(got_acme.len(), acme.len(), "{got_acme:?}");
    assert_eq!(got_acme.into_iter().collect::<BTreeSet<_>>(), acme);
    for other in ["/blue", "/cobalt", "/quay"] {
        assert!(received(&all, other).is_empty(), "{other} heard something");
    }
    assert!(all
        .iter()
        .all(|l| l["duplicate"] == false && l["status"] == 200));

    // The payload: the event, its time, and the invite as that side sees it.
    let arrived = |path: &str| {
        all.iter()
            .find(|l| l["path"] == path && l["body"]["type"] == "visitor.arrived")
            .unwrap()["body"]
            .clone()
    };
    let (on_building, on_acme) = (arrived("/building"), arrived("/acme"));
    assert_eq!(on_building["id"], on_acme["id"], "one event, two sides");
    assert!(on_building["created_at"].as_str().is_some());
    assert_eq!(on_building["data"]["invite"]["id"], pb.as_str());
    assert_eq!(on_building["data"]["invite"]["status"], "arrived");
    assert_eq!(on_building["data"]["invite"]["portal"]["kind"], "building");
    assert_eq!(on_acme["data"]["invite"]["portal"]["kind"], "location");
    assert_eq!(on_acme["data"]["invite"]["status"], "arrived");
    assert_eq!(on_acme["data"]["invite"]["linked_invite_id"], pb.as_str());

    // The receiver's own checks: a wrong signature and a stale timestamp are refused.
    let http = reqwest::blocking::Client::new();
    let body = r#"{"id":"x","type":"visitor.arrived"}"#;
    let (_, secret) = register(
        &w,
        &w.acme_admin,
        &format!("/tenants/{}", w.acme),
        rx.port,
        "/probe",
        &["visitor.arrived"],
    );
    set_secret(rx.dir.path(), "/probe", &secret);
    let send = |ts: i64, sig: String| {
        http.post(rx.url("/probe"))
            .header("Content-Type", "application/json")
            .header("Frontdesk-Webhook-Id", format!("probe-{ts}"))
            .header("Frontdesk-Webhook-Timestamp", ts.to_string())
            .header("Frontdesk-Signature", sig)
            .body(body)
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    let now = chrono::Utc::now().timestamp();
    let sign = |ts: i64, key: &str| frontdesk_server::webhooks::signature(key, ts, body);
    assert_eq!(send(now, sign(now, &secret)), 200);
    assert_eq!(send(now, sign(now, "not the secret")), 401);
    assert_eq!(send(now - 600, sign(now - 600, &secret)), 400, "stale");
    assert_eq!(
        send(now + 1, sign(now, &secret)),
        401,
        "signed for another time"
    );
}

fn deliveries(w: &World, token: &str, endpoint: &str) -> Vec<Value> {
    w.s.get(token, &format!("/webhooks/{endpoint}/deliveries"))
        .ok()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_receiver_that_is_down_gets_every_event_once_when_back_across_a_restart() {
    let port = free_port();
    let rxdir = tempfile::tempdir().unwrap();
    let mut w = world();
    let owner = format!("/buildings/{}", w.building);
    let (endpoint, secret) = register(
        &w,
        &w.building_admin,
        &owner,
        port,
        "/b",
        &["invite.created", "visitor.arrived"],
    );
    set_secret(rxdir.path(), "/b", &secret);
    let one = id(&w.building_invite(&w.blue_loc, "Scout Finch")["invite"]);
    let two = id(&w.building_invite(&w.blue_loc, "Atticus Finch")["invite"]);
    w.s.post(
        &w.building_desk,
        &format!("/invites/{one}/arrive"),
        json!({}),
    )
    .ok();
    eventually(15, "failed attempts recorded", || {
        let d = deliveries(&w, &w.building_admin, &endpoint);
        d.len() == 3
            && d.iter()
                .all(|d| d["attempts"].as_array().unwrap().len() >= 2)
    });
    for d in deliveries(&w, &w.building_admin, &endpoint) {
        assert_eq!(d["state"], "queued");
        let a = &d["attempts"][0];
        assert!(a["status"].is_null(), "{a}");
        assert!(
            a["error"]
                .as_str()
                .unwrap()
                .contains("could not be reached"),
            "{a}"
        );
        assert!(a["duration_ms"].as_u64().is_some());
    }

    // The server restarts on the same database (and webhook key), then the receiver comes back.
    w.s.restart();
    let rx = Receiver::start_in(port, rxdir);
    eventually(30, "every event delivered", || {
        deliveries(&w, &w.building_admin, &endpoint)
            .iter()
            .all(|d| d["state"] == "sent")
    });
    std::thread::sleep(Duration::from_secs(2));
    let all = rx.lines();
    assert_eq!(all.len(), 3, "one raw delivery per event: {all:?}");
    assert!(all.iter().all(|l| l["duplicate"] == false));
    assert_eq!(
        received(&all, "/b").into_iter().collect::<BTreeSet<_>>(),
        set(&[
            ("invite.created", &one),
            ("invite.created", &two),
            ("visitor.arrived", &one)
        ])
    );
    let ids: BTreeSet<&str> = all.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 3);
    for d in deliveries(&w, &w.building_admin, &endpoint) {
        assert!(
            ids.contains(d["id"].as_str().unwrap()),
            "the header is the delivery's id"
        );
        let attempts = d["attempts"].as_array().unwrap();
        let last = attempts.last().unwrap();
        assert_eq!(last["status"], 200, "{d}");
        assert!(last["error"].is_null());
        assert!(attempts[..attempts.len() - 1]
            .iter()
            .all(|a| a["error"].is_string()));
        assert!(d["delivered_at"].is_string());
    }
    let (_, dir) = rx.stop();
    assert_eq!(lines(dir.path()).len(), 3);
}

#[test]
fn bad_registrations_store_nothing_and_only_the_owners_admins_manage_endpoints() {
    let w = world();
    let acme = format!("/tenants/{}/webhooks", w.acme);
    let building = format!("/buildings/{}/webhooks", w.building);
    let ok = json!({"url": "https://hooks.example.com/in", "events": ["visitor.arrived"]});

    let mut plain = ok.clone();
    plain["url"] = json!("http://hooks.example.com/in");
    w.s.post(&w.acme_admin, &acme, plain)
        .refused(422, "insecure_url");
    let mut unknown = ok.clone();
    unknown["events"] = json!(["visitor.arrived", "visitor.teleported"]);
    let r = w.s.post(&w.acme_admin, &acme, unknown);
    r.refused(422, "unknown_event");
    let message = r.body["error"]["message"].as_str().unwrap();
    assert!(message.contains("visitor.teleported"), "{message}");
    for e in EVENTS {
        assert!(
            message.contains(e),
            "the valid events are listed: {message}"
        );
    }
    let mut none = ok.clone();
    none["events"] = json!([]);
    w.s.post(&w.acme_admin, &acme, none)
        .refused(422, "missing_events");
    // Not an admin of the owner: a desk of it is refused, a stranger told it does not exist.
    w.s.post(&w.acme_desk, &acme, ok.clone())
        .refused(403, "forbidden");
    w.s.post(&w.blue_admin, &acme, ok.clone())
        .refused(404, "not_found");
    w.s.post(&w.building_admin, &acme, ok.clone())
        .refused(404, "not_found");
    w.s.post(&w.building_desk, &building, ok.clone())
        .refused(403, "forbidden");
    w.s.post(&w.acme_admin, &building, ok.clone())
        .refused(404, "not_found");
    w.s.post(&w.other_building_admin, &building, ok.clone())
        .refused(404, "not_found");
    for (token, list) in [(&w.acme_admin, &acme), (&w.building_admin, &building)] {
        assert_eq!(w.s.get(token, list).ok(), json!([]), "nothing was stored");
    }

    // An endpoint: the secret is shown once; the list never shows it.
    let r = w.s.post(&w.acme_admin, &acme, ok.clone()).ok();
    let hook = id(&r["endpoint"]);
    assert_eq!(r["endpoint"]["owner_kind"], "tenant");
    let listed = w.s.get(&w.acme_admin, &acme).ok();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(!listed.to_string().contains(r["secret"].as_str().unwrap()));
    // The platform admin sees it too; another tenant's admin does not.
    assert_eq!(w.s.get(&w.admin, &acme).ok().as_array().unwrap().len(), 1);
    w.s.get(&w.blue_admin, &acme).refused(404, "not_found");
    w.s.get(&w.blue_admin, &format!("/webhooks/{hook}/deliveries"))
        .refused(404, "not_found");
    w.s.delete(&w.blue_admin, &format!("/webhooks/{hook}"))
        .refused(404, "not_found");
    w.s.delete(&w.acme_desk, &format!("/webhooks/{hook}"))
        .refused(403, "forbidden");
    assert_eq!(
        w.s.request(
            "DELETE",
            &format!("/webhooks/{hook}"),
            Some(&w.acme_admin),
            None
        )
        .status,
        204
    );
    assert_eq!(w.s.get(&w.acme_admin, &acme).ok(), json!([]));
    w.s.get(&w.acme_admin, &format!("/webhooks/{hook}/deliveries"))
        .refused(404, "not_found");
}

/// The key file next to the database is private, and the database holds no endpoint secret.
#[test]
fn the_database_alone_holds_no_signing_secret() {
    let w = world();
    let r =
        w.s.post(
            &w.acme_admin,
            &format!("/tenants/{}/webhooks", w.acme),
            json!({"url": "https://hooks.example.com/in", "events": ["invite.created"]}),
        )
        .ok();
    let secret = r["secret"].as_str().unwrap();
    let db = w.s.dir.path().join("frontdesk.db");
    let key = frontdesk_server::webhooks::key_path(&db);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let c = rusqlite::Connection::open(&db).unwrap();
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .ok();
    let bytes = std::fs::read(&db).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains(secret), "the secret is in the database file");
}
