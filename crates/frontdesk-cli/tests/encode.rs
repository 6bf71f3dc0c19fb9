//! `frontdesk encode`: a card encoded through the real PC/SC stack (pcscd, vpcd, a virtual
//! MIFARE card) and assigned to the visit through the portal service's card endpoint.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::pcsc_sim;

use std::process::Command;
use std::time::Duration;

use chrono::Utc;
use frontdesk_devices::encoder::{Credential, CREDENTIAL_BLOCK};
use frontdesk_server::{auth, AppState, Clock};
use frontdesk_store::{actions, SqliteStore};
use serde_json::{json, Value};

const ADMIN: &str = "admin@encode.test";
const PASSWORD: &str = "encode test password";

/// The portal service in-process on loopback, with one visit to assign a card to.
fn portal() -> (String, String, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("p.db")).unwrap();
    store
        .write(|tx| {
            actions::ensure_platform_admin(tx, ADMIN, PASSWORD, Utc::now(), auth::hash_password)
        })
        .unwrap();
    let state = AppState::new(store, Clock::default());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(async move {
                let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(l.local_addr().unwrap()).unwrap();
                frontdesk_server::serve(l, state, std::future::pending())
                    .await
                    .unwrap();
            })
    });
    let base = format!("http://{}", rx.recv().unwrap());
    let c = reqwest::blocking::Client::new();
    let post = |token: Option<&str>, path: &str, body: Value| -> Value {
        let mut r = c.post(format!("{base}/api/v1{path}")).json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().unwrap().json().unwrap()
    };
    let token = post(
        None,
        "/auth/login",
        json!({"email": ADMIN, "password": PASSWORD}),
    )["token"]
        .as_str()
        .unwrap()
        .to_string();
    let t = Some(token.as_str());
    let b = post(
        t,
        "/buildings",
        json!({"name": "Card Tower", "timezone": "UTC"}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let tenant = post(t, "/tenants", json!({"name": "Acme"}))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let loc = post(
        t,
        &format!("/tenants/{tenant}/locations"),
        json!({"name": "Acme HQ", "building_id": b}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let now = Utc::now();
    let invite = post(
        t,
        &format!("/locations/{loc}/invites"),
        json!({"host_name": "Grace Hopper", "visitor": {"name": "Ada Lovelace"}, "notify": false,
               "valid_from": now.to_rfc3339(), "valid_to": (now + chrono::Duration::hours(8)).to_rfc3339()}),
    )["invite"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    (base, token, invite, dir)
}

#[test]
fn a_card_is_encoded_at_the_desk_and_assigned_to_the_visit() {
    let _lock = pcsc_sim::lock();
    let (base, token, invite, _dir) = portal();
    let _pcscd = pcsc_sim::Pcscd::start();

    let listed = Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(["encoders", "list"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&listed.stdout).contains(pcsc_sim::READER));

    let card = pcsc_sim::VirtualCard::insert([0x04, 0xCA, 0xFE, 0x01], pcsc_sim::Behaviour::Good);
    let out = Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args([
            "encode",
            "--reader",
            pcsc_sim::READER,
            "--facility",
            "42",
            "--number",
            "1234",
            "--wait",
            "10",
        ])
        .args(["--invite", &invite, "--server", &base, "--token", &token])
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("Encoded and verified card 04CAFE01") && text.contains("Assigned"),
        "{text}"
    );

    let v: Value = reqwest::blocking::Client::new()
        .get(format!("{base}/api/v1/invites/{invite}"))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(v["card"]["number"], "42-1234");
    assert_eq!(v["card"]["format"], "H10301");
    let memory = card.remove();
    assert_eq!(
        memory[CREDENTIAL_BLOCK as usize],
        Credential::h10301(42, 1234).unwrap().block()
    );

    // No card on the encoder: a clear message, nothing assigned.
    let out = Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args([
            "encode",
            "--reader",
            pcsc_sim::READER,
            "--facility",
            "42",
            "--number",
            "99",
            "--wait",
            "1",
        ])
        .args(["--invite", &invite, "--server", &base, "--token", &token])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("No card was put on the encoder"));
    std::thread::sleep(Duration::from_millis(50));
}
