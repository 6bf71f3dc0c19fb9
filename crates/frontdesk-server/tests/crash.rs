//! A server killed with SIGKILL in the middle of a load restarts with every acknowledged write
//! intact and no half pair.
#![allow(clippy::unwrap_used)]

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use common::free_port;
use frontdesk_core::Id;
use frontdesk_store::ReadModels;
use serde_json::{json, Value};

use frontdesk_testkit::portal as common;

const ADMIN: &str = "admin@crash.test";
const PASSWORD: &str = "crash test password";

struct Proc {
    child: Child,
    base: String,
}

fn start(db: &std::path::Path, port: u16) -> Proc {
    let child = Command::new(env!("CARGO_BIN_EXE_frontdesk-server"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .args(["--admin-email", ADMIN, "--admin-password", PASSWORD])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::blocking::get(format!("{base}/health")).is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Proc { child, base }
}

fn call(
    c: &reqwest::blocking::Client,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Value,
) -> reqwest::Result<(u16, Value)> {
    let r = c
        .request(method, url)
        .bearer_auth(token)
        .json(&body)
        .send()?;
    let status = r.status().as_u16();
    Ok((status, r.json().unwrap_or(Value::Null)))
}

#[test]
fn sigkill_mid_load_loses_no_acknowledged_write_and_leaves_no_half_pair() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let port = free_port();
    let mut server = start(&db, port);
    let c = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let login = |base: &str| -> String {
        let r = c
            .post(format!("{base}/auth/login"))
            .json(&json!({"email": ADMIN, "password": PASSWORD}))
            .send()
            .unwrap();
        r.json::<Value>().unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let token = login(&server.base);
    let post = |path: &str, body: Value| {
        call(
            &c,
            reqwest::Method::POST,
            format!("{}{path}", server.base),
            &token,
            body,
        )
        .unwrap()
        .1
    };
    let building = post(
        "/buildings",
        json!({"name": "Crash Tower", "timezone": "UTC"}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let tenant = post("/tenants", json!({"name": "Acme"}))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let loc = post(
        &format!("/tenants/{tenant}/locations"),
        json!({"name": "Acme HQ", "building_id": building}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let vt = post(
        &format!("/locations/{loc}/visitor-types"),
        json!({"name": "Guest"}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    post(
        &format!("/buildings/{building}/tenant-links"),
        json!({"tenant_id": tenant}),
    );
    call(&c, reqwest::Method::PUT, format!("{}/locations/{loc}/settings", server.base), &token,
        json!({"visitor_management_enabled": true, "sync_building_invitations": true, "sync_visitor_type_id": vt, "card_sync_enabled": true})).unwrap();

    // Load: four clients create synced invites and check each one in; each acknowledged answer
    // is remembered.
    let created: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let checked_in: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..4)
        .map(|n| {
            let (created, checked_in, stop) = (created.clone(), checked_in.clone(), stop.clone());
            let (base, token, building, loc) = (server.base.clone(), token.clone(), building.clone(), loc.clone());
            std::thread::spawn(move || {
                let c = reqwest::blocking::Client::builder().timeout(Duration::from_secs(2)).build().unwrap();
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let now = Utc::now();
                    let body = json!({"location_id": loc, "host_name": "Host", "notify": false,
                        "visitor": {"name": format!("Visitor {n}-{i}")},
                        "valid_from": now.to_rfc3339(), "valid_to": (now + chrono::Duration::hours(8)).to_rfc3339()});
                    let Ok((201, r)) = call(&c, reqwest::Method::POST, format!("{base}/buildings/{building}/invites"), &token, body) else { continue };
                    let b = r["invite"]["id"].as_str().unwrap().to_string();
                    created.lock().unwrap().push((b.clone(), r["sync"]["linked_invite_id"].as_str().unwrap().to_string()));
                    if let Ok((200, _)) = call(&c, reqwest::Method::POST, format!("{base}/invites/{b}/check-in"), &token, json!({})) {
                        checked_in.lock().unwrap().push(b);
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let created = created.lock().unwrap().clone();
    let checked_in = checked_in.lock().unwrap().clone();
    assert!(
        created.len() > 20,
        "the load did little: {} invites",
        created.len()
    );

    let mut server = start(&db, port);
    let token = login(&server.base);
    let get = |id: &str| {
        call(
            &c,
            reqwest::Method::GET,
            format!("{}/invites/{id}", server.base),
            &token,
            json!(null),
        )
        .unwrap()
    };
    for (b, t) in &created {
        let ((sb, bi), (st, ti)) = (get(b), get(t));
        assert_eq!((sb, st), (200, 200), "acknowledged invite lost: {b}");
        assert_eq!(bi["linked_invite_id"], t.as_str());
        assert_eq!(bi["status"], ti["status"]);
        assert_eq!(bi["checked_in_at"], ti["checked_in_at"]);
    }
    for b in &checked_in {
        let (_, bi) = get(b);
        assert_eq!(
            bi["status"], "checked_in",
            "acknowledged check-in lost: {b}"
        );
    }
    // No half pair anywhere, acknowledged or not.
    let store = frontdesk_store::SqliteStore::open(&db).unwrap();
    let n = store.invite_count().unwrap();
    let logs = store
        .visitor_logs(
            &frontdesk_core::Portal::building(building.clone()),
            &Default::default(),
            Utc::now(),
            100_000,
            0,
        )
        .unwrap();
    assert_eq!(
        n as usize,
        logs.len() * 2,
        "every building invite has exactly one tenant copy"
    );
    for e in &logs {
        let copy = store
            .read(|tx| tx.invite(e.linked_invite_id.as_ref().unwrap()))
            .unwrap()
            .unwrap();
        assert_eq!(
            copy.linked_invite_id.as_ref().map(Id::as_str),
            Some(e.id.as_str())
        );
        assert_eq!(copy.status.as_str(), e.status.as_str());
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}
