//! Portal service figures, measured over HTTP on loopback against the real server:
//!
//! - synced invite creations per second (concurrent clients);
//! - check-in latency p50/p99 (one client, one request at a time);
//! - visitor-log queries with the Invite Origin filter over 1,000,000 invites;
//! - CSV export of 1,000,000 rows: time, and the server's memory while it streams;
//! - SCIM user listing over a directory of 10,000 hosts: a page of 100 anywhere in it, and the
//!   `userName eq` lookup identity providers make before every create, p50/p99.
//!
//! Run: `cargo bench -p frontdesk-server --bench portal` (set BENCH_LOG_INVITES or
//! BENCH_SCIM_USERS for other sizes).
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use frontdesk_server::{auth, AppState, Clock};
use frontdesk_store::{actions, SqliteStore};
use futures_util::StreamExt;
use serde_json::{json, Value};

const ADMIN: &str = "bench@frontdesk.test";
const PASSWORD: &str = "bench password";

struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let resp = r.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }
    async fn post(&self, path: &str, body: Value) -> Value {
        let (s, v) = self.send(reqwest::Method::POST, path, Some(body)).await;
        assert!(s < 300, "{path}: {s} {v}");
        v
    }
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let log_invites: i64 = std::env::var("BENCH_LOG_INVITES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let store = SqliteStore::open(&db).unwrap();
    store
        .write(|tx| {
            actions::ensure_platform_admin(tx, ADMIN, PASSWORD, Utc::now(), auth::hash_password)
        })
        .unwrap();
    let state = AppState::new(store, Clock::default());

    // The server gets its own two-thread runtime, as the binary would; the client another.
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let st = state.clone();
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
            .block_on(async move {
                let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(l.local_addr().unwrap()).unwrap();
                frontdesk_server::serve(l, st, std::future::pending())
                    .await
                    .unwrap();
            })
    });
    let addr = addr_rx.recv().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run(format!("http://{addr}/api/v1"), db, log_invites));
    let scim_users: usize = std::env::var("BENCH_SCIM_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    rt.block_on(scim(format!("http://{addr}"), &state, scim_users));
}

async fn run(base: String, db: std::path::PathBuf, log_invites: i64) {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let token = http
        .post(format!("{base}/auth/login"))
        .json(&json!({"email": ADMIN, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let c = Arc::new(Client { http, base, token });
    let building = c
        .post(
            "/buildings",
            json!({"name": "Bench Tower", "timezone": "UTC"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let tenant = c.post("/tenants", json!({"name": "Acme"})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let loc = c
        .post(
            &format!("/tenants/{tenant}/locations"),
            json!({"name": "Acme HQ", "building_id": building}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let vt = c
        .post(
            &format!("/locations/{loc}/visitor-types"),
            json!({"name": "Guest"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    c.post(
        &format!("/buildings/{building}/tenant-links"),
        json!({"tenant_id": tenant}),
    )
    .await;
    c.send(
        reqwest::Method::PUT,
        &format!("/locations/{loc}/settings"),
        Some(json!({
        "visitor_management_enabled": true, "sync_building_invitations": true,
        "sync_visitor_type_id": vt, "card_sync_enabled": true})),
    )
    .await;

    println!(
        "Frontdesk portal benchmark ({} cores)",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );

    // 1. Synced invite creations per second.
    const CREATIONS: usize = 20_000;
    const CONCURRENCY: usize = 32;
    let now = Utc::now();
    let target = loc.clone();
    let body = move |i: usize| {
        json!({
        "location_id": target, "host_name": "Grace Hopper", "notify": true,
        "visitor": {"name": format!("Visitor {i}"), "email": format!("v{i}@example.com"), "company": "Bench Ltd"},
        "valid_from": now.to_rfc3339(), "valid_to": (now + chrono::Duration::hours(8)).to_rfc3339()})
    };
    let path = format!("/buildings/{building}/invites");
    let started = Instant::now();
    let ids: Vec<String> = futures_util::stream::iter(0..CREATIONS)
        .map(|i| {
            let (c, path, b) = (c.clone(), path.clone(), body(i));
            async move {
                let v = c.post(&path, b).await;
                assert_eq!(v["sync"]["status"], "synced");
                v["invite"]["id"].as_str().unwrap().to_string()
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let took = started.elapsed();
    println!(
        "synced invite creations over HTTP: {:.0}/s ({CREATIONS} pairs, {CONCURRENCY} concurrent clients, {:.2} s)",
        CREATIONS as f64 / took.as_secs_f64(),
        took.as_secs_f64()
    );

    // 2. Check-in latency, one request at a time.
    let mut lat = Vec::with_capacity(5_000);
    for id in ids.iter().take(5_000) {
        let t = Instant::now();
        let (s, _) = c
            .send(
                reqwest::Method::POST,
                &format!("/invites/{id}/check-in"),
                None,
            )
            .await;
        lat.push(t.elapsed());
        assert_eq!(s, 200);
    }
    lat.sort();
    println!(
        "check-in latency (synced pair, 5000 sequential): p50 {}, p99 {}, max {}",
        ms(pct(&lat, 0.5)),
        ms(pct(&lat, 0.99)),
        ms(*lat.last().unwrap())
    );

    // 3. Visitor logs over a large history: seeded straight into the database (as years of use
    // would leave it), then queried over HTTP.
    let big = c
        .post(
            "/buildings",
            json!({"name": "History Tower", "timezone": "UTC"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let t0 = Instant::now();
    let start_micros = (Utc::now() - chrono::Duration::days(365)).timestamp_micros();
    seed_history(&db, &big, &loc, &tenant, log_invites, start_micros);
    println!(
        "seeded {log_invites} invites in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    let day = (Utc::now() - chrono::Duration::days(100)).date_naive();
    let queries = [
        (
            "origin=tenant".to_string(),
            "Invite Origin = Tenant Created",
        ),
        (
            "origin=building&status=arrived".to_string(),
            "Building Created + status arrived",
        ),
        (
            format!("origin=tenant&from={day}&to={}", day.succ_opt().unwrap()),
            "Tenant Created, one day",
        ),
        (
            "origin=building,tenant&q=Company%20417".to_string(),
            "both origins + text search",
        ),
    ];
    for (q, label) in &queries {
        let mut lat = Vec::with_capacity(300);
        for _ in 0..300 {
            let t = Instant::now();
            let (s, v) = c
                .send(
                    reqwest::Method::GET,
                    &format!("/buildings/{big}/visitor-logs?{q}"),
                    None,
                )
                .await;
            lat.push(t.elapsed());
            assert_eq!(s, 200);
            assert!(
                !v["items"].as_array().unwrap().is_empty(),
                "{q} found nothing"
            );
        }
        lat.sort();
        println!(
            "visitor log over {log_invites} invites, {label}: p50 {}, p99 {}",
            ms(pct(&lat, 0.5)),
            ms(pct(&lat, 0.99))
        );
    }

    // 4. CSV export of every row, streamed; the server's memory is sampled while it runs.
    let rss_before = rss_kib();
    let peak = Arc::new(std::sync::atomic::AtomicU64::new(rss_before));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let t = Instant::now();
    let resp = c
        .http
        .get(format!("{}/buildings/{big}/visitor-logs.csv", c.base))
        .bearer_auth(&c.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let mut stream = resp.bytes_stream();
    let (mut bytes, mut lines) = (0usize, 0usize);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
    }
    let took = t.elapsed();
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    assert_eq!(lines as i64, log_invites + 1, "header + every row");
    println!(
        "CSV export of {log_invites} rows: {:.2} s, {:.0} MB, process RSS {} MiB before, peak {} MiB while streaming",
        took.as_secs_f64(),
        bytes as f64 / 1e6,
        rss_before / 1024,
        peak.load(Ordering::Relaxed) / 1024
    );
}

/// Years of invites at one building: half building-created, half tenant-created, every status,
/// spread over a year.
fn seed_history(db: &std::path::Path, building: &str, loc: &str, tenant: &str, n: i64, start: i64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(30)).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    conn.execute(
        "INSERT INTO profiles (id, owner, name, updated_at) VALUES ('bench-profile', 'bench', 'Bench', 0)",
        [],
    )
    .unwrap();
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1)
         INSERT INTO invites (id, portal_kind, portal_id, building_id, location_id, tenant_id, origin,
           is_primary, linked_invite_id, status, visitor_name, visitor_email, visitor_mobile,
           visitor_company, profile_id, host_name, visitor_type_id, valid_from, valid_to,
           checked_in_at, arrived_at, checked_out_at, cancelled_at, cancel_reason, created_at, created_by)
         SELECT printf('hist-%08d', i), 'building', ?2, ?2, ?3, ?4,
           CASE i % 2 WHEN 0 THEN 'building' ELSE 'tenant' END, 1, NULL,
           CASE i % 5 WHEN 0 THEN 'invited' WHEN 1 THEN 'checked_in' WHEN 2 THEN 'arrived'
                      WHEN 3 THEN 'checked_out' ELSE 'cancelled' END,
           'Visitor ' || i, 'visitor' || i || '@example.com', NULL, 'Company ' || (i % 1000),
           'bench-profile', 'Host ' || (i % 300), NULL,
           ?5 + (i * 31536000000000 / ?1), ?5 + (i * 31536000000000 / ?1) + 28800000000,
           NULL, NULL, NULL, NULL, NULL, ?5, 'bench'
         FROM n",
        rusqlite::params![n, building, loc, tenant, start],
    )
    .unwrap();
    conn.execute_batch("COMMIT").unwrap();
}

/// SCIM over a big directory (figure 5): the hosts are written through the store's actions in one
/// transaction (as an import would leave them), then read over HTTP as Okta pages through them
/// and as identity providers look a user up before creating them.
async fn scim(origin: String, state: &AppState, users: usize) {
    let http = reqwest::Client::new();
    let token = http
        .post(format!("{origin}/api/v1/auth/login"))
        .json(&json!({"email": ADMIN, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let c = Client {
        http: http.clone(),
        base: format!("{origin}/api/v1"),
        token,
    };
    let tenant = c.post("/tenants", json!({"name": "Directory Ltd"})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let created = c
        .post(
            &format!("/tenants/{tenant}/scim-tokens"),
            json!({"label": "bench"}),
        )
        .await;
    let (base, secret) = (
        created["base_url"].as_str().unwrap().to_string(),
        created["secret"].as_str().unwrap().to_string(),
    );
    let dir = frontdesk_core::Directory::tenant(&frontdesk_core::Id::new(tenant.clone()));
    let t0 = Instant::now();
    state
        .store
        .write(|tx| {
            for i in 0..users {
                let draft = frontdesk_core::HostDraft {
                    name: format!("Person {i:05}"),
                    email: format!("person{i}@directory.test"),
                    user_name: Some(format!("person{i}@directory.test")),
                    external_id: Some(format!("00u{i:08}")),
                    active: true,
                    ..Default::default()
                };
                actions::create_host_in(tx, Utc::now(), &dir, &draft)?;
            }
            Ok(())
        })
        .unwrap();
    println!(
        "seeded {users} hosts in one directory in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    let get = |q: String| {
        let (http, base, secret) = (http.clone(), base.clone(), secret.clone());
        async move {
            let t = Instant::now();
            let r = http
                .get(format!("{base}/Users?{q}"))
                .bearer_auth(secret)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{q}");
            let v: Value = r.json().await.unwrap();
            (t.elapsed(), v)
        }
    };
    let mut pages = Vec::with_capacity(300);
    for round in 0..300 {
        let start = (round * 100 * 37) % users.max(1) + 1;
        let (took, v) = get(format!("startIndex={start}&count=100")).await;
        assert_eq!(v["totalResults"], users);
        pages.push(took);
    }
    pages.sort();
    println!(
        "SCIM GET /Users?startIndex=N&count=100 over {users} users (300 pages anywhere): p50 {}, p99 {}",
        ms(pct(&pages, 0.5)),
        ms(pct(&pages, 0.99))
    );
    let mut lookups = Vec::with_capacity(300);
    for round in 0..300 {
        let i = (round * 7919) % users.max(1);
        let (took, v) = get(format!(
            "filter=userName%20eq%20%22person{i}%40directory.test%22&startIndex=1&count=100"
        ))
        .await;
        assert_eq!(v["totalResults"], 1);
        lookups.push(took);
    }
    lookups.sort();
    println!(
        "SCIM GET /Users?filter=userName eq \"…\" over {users} users (300 lookups): p50 {}, p99 {}",
        ms(pct(&lookups, 0.5)),
        ms(pct(&lookups, 0.99))
    );
}
