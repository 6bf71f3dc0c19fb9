//! Telling hosts, measured end to end on loopback: from the request that marks a visitor
//! arrived to the moment the host's message is handed over, to an SMTP server (the end of the
//! DATA command) and to a Slack incoming webhook (the request's body read); and to an
//! integration's signed webhook subscribed to `visitor.arrived`. One arrival at a
//! time, so each figure is the whole path: the arrival's transaction, the outbox, the delivery
//! worker waking, rendering, and the transport.
//!
//! Run: `cargo bench -p frontdesk-server --bench hosts` (BENCH_ARRIVALS for another count).
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use frontdesk_server::delivery::DeliveryConfig;
use frontdesk_server::{auth, AppState, Clock};
use frontdesk_store::{actions, SqliteStore};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

const ADMIN: &str = "bench@frontdesk.test";
const PASSWORD: &str = "bench password";

/// When each visitor's message reached a receiver, by the visitor's name.
type Seen = Arc<Mutex<HashMap<String, Instant>>>;

/// The visitor's name in a message: "Visitor 0042".
fn visitor_in(text: &str) -> Option<String> {
    let at = text.find("Visitor ")?;
    Some(text[at..at + "Visitor 0000".len()].to_string())
}

/// A minimal SMTP server: enough of RFC 5321 for one client sending one message per
/// connection or several; records when each message's DATA ends.
async fn smtp(listener: tokio::net::TcpListener, seen: Seen) {
    loop {
        let (sock, _) = listener.accept().await.unwrap();
        let seen = seen.clone();
        tokio::spawn(async move {
            let (r, mut w) = sock.into_split();
            let mut r = BufReader::new(r);
            w.write_all(b"220 bench ESMTP\r\n").await.unwrap();
            let mut line = String::new();
            loop {
                line.clear();
                if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                let cmd = line.to_ascii_uppercase();
                let reply: &[u8] = if cmd.starts_with("EHLO") {
                    b"250-bench\r\n250 8BITMIME\r\n"
                } else if cmd.starts_with("DATA") {
                    w.write_all(b"354 go on\r\n").await.unwrap();
                    let mut body = String::new();
                    loop {
                        line.clear();
                        r.read_line(&mut line).await.unwrap();
                        if line == ".\r\n" {
                            break;
                        }
                        body.push_str(&line);
                    }
                    if let Some(v) = visitor_in(&body.replace("=\r\n", "")) {
                        seen.lock().unwrap().entry(v).or_insert_with(Instant::now);
                    }
                    b"250 queued\r\n"
                } else if cmd.starts_with("QUIT") {
                    w.write_all(b"221 bye\r\n").await.unwrap();
                    return;
                } else {
                    b"250 ok\r\n"
                };
                w.write_all(reply).await.unwrap();
            }
        });
    }
}

/// A minimal HTTP/1.1 receiver standing in for Slack: reads one request per connection (or
/// several, kept alive), records it, answers `ok` as Slack does.
async fn webhook(listener: tokio::net::TcpListener, seen: Seen) {
    loop {
        let (sock, _) = listener.accept().await.unwrap();
        let seen = seen.clone();
        tokio::spawn(async move {
            let mut r = BufReader::new(sock);
            loop {
                let mut length = 0usize;
                let mut line = String::new();
                loop {
                    line.clear();
                    if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                r.read_exact(&mut body).await.unwrap();
                if let Some(v) = visitor_in(&String::from_utf8_lossy(&body)) {
                    seen.lock().unwrap().entry(v).or_insert_with(Instant::now);
                }
                r.get_mut()
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
                    .await
                    .unwrap();
            }
        });
    }
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let arrivals: usize = std::env::var("BENCH_ARRIVALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("bench.db")).unwrap();
    store
        .write(|tx| {
            actions::ensure_platform_admin(tx, ADMIN, PASSWORD, Utc::now(), auth::hash_password)
        })
        .unwrap();
    let state = AppState::new(store, Clock::default());
    let mail: Seen = Arc::default();
    let slack: Seen = Arc::default();
    let integration: Seen = Arc::default();

    // The server, its delivery worker and the two receivers on a two-thread runtime, as the
    // binary would run; the client on another.
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (st, m, s, i) = (
        state.clone(),
        mail.clone(),
        slack.clone(),
        integration.clone(),
    );
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
            .block_on(async move {
                let smtp_l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let hook_l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let signed_l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let (smtp_addr, hook_addr, signed_addr) = (
                    smtp_l.local_addr().unwrap(),
                    hook_l.local_addr().unwrap(),
                    signed_l.local_addr().unwrap(),
                );
                tokio::spawn(smtp(smtp_l, m));
                tokio::spawn(webhook(hook_l, s));
                tokio::spawn(webhook(signed_l, i));
                let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let addr = l.local_addr().unwrap();
                let mut cfg = DeliveryConfig::new(format!("http://{addr}"));
                cfg.smtp_url = Some(format!("smtp://{smtp_addr}"));
                frontdesk_server::delivery::spawn(st.clone(), cfg).unwrap();
                addr_tx.send((addr, hook_addr, signed_addr)).unwrap();
                frontdesk_server::serve(l, st, std::future::pending())
                    .await
                    .unwrap();
            })
    });
    let (addr, hook_addr, signed_addr) = addr_rx.recv().unwrap();
    let base = format!("http://{addr}/api/v1");
    let http = reqwest::blocking::Client::new();
    let token = http
        .post(format!("{base}/auth/login"))
        .json(&json!({"email": ADMIN, "password": PASSWORD}))
        .send()
        .unwrap()
        .json::<Value>()
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let post = |path: &str, body: Value| -> Value {
        let r = http
            .post(format!("{base}{path}"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().unwrap()
    };
    let id = |v: &Value| v["id"].as_str().unwrap().to_string();
    let building = id(&post(
        "/buildings",
        json!({"name": "Bench Tower", "timezone": "America/New_York"}),
    ));
    let tenant = id(&post("/tenants", json!({"name": "Acme"})));
    let loc = id(&post(
        &format!("/tenants/{tenant}/locations"),
        json!({"name": "Acme HQ", "building_id": building}),
    ));
    let host = id(&post(
        &format!("/tenants/{tenant}/hosts"),
        json!({"name": "Grace Hopper", "email": "grace@acme.test",
               "prefs": {"channels": ["email", "slack"],
                         "slack_webhook_url": format!("http://{hook_addr}/services/T0/B0/x")}}),
    ));
    post(
        &format!("/buildings/{building}/webhooks"),
        json!({"url": format!("http://{signed_addr}/in"), "events": ["visitor.arrived"]}),
    );
    let now = Utc::now();
    let invites: Vec<(String, String)> = (0..arrivals)
        .map(|i| {
            let name = format!("Visitor {i:04}");
            let r = post(
                &format!("/buildings/{building}/invites"),
                json!({"location_id": loc, "host_id": host, "notify": false,
                       "visitor": {"name": name},
                       "valid_from": now.to_rfc3339(),
                       "valid_to": (now + chrono::Duration::hours(8)).to_rfc3339()}),
            );
            (id(&r["invite"]), name)
        })
        .collect();

    let wait_for = |seen: &Seen, name: &str| -> Instant {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(t) = seen.lock().unwrap().get(name) {
                return *t;
            }
            assert!(Instant::now() < deadline, "{name}'s message never came");
            std::thread::sleep(Duration::from_micros(200));
        }
    };
    let (mut to_mail, mut to_slack, mut to_integration) = (vec![], vec![], vec![]);
    for (invite, name) in &invites {
        let start = Instant::now();
        post(&format!("/invites/{invite}/arrive"), json!({}));
        to_mail.push(wait_for(&mail, name) - start);
        to_slack.push(wait_for(&slack, name) - start);
        to_integration.push(wait_for(&integration, name) - start);
    }
    to_mail.sort();
    to_slack.sort();
    to_integration.sort();
    println!("arrival → host told, {arrivals} arrivals one at a time:");
    for (what, d) in [
        ("email handed to the SMTP server", &to_mail),
        ("Slack webhook received", &to_slack),
        ("signed webhook (visitor.arrived)", &to_integration),
    ] {
        println!(
            "  {what:32} median {}  p99 {}  max {}",
            ms(pct(d, 0.5)),
            ms(pct(d, 0.99)),
            ms(*d.last().unwrap())
        );
    }
}
