//! What an operator sees: liveness and readiness, a request id on every answer and in the logs,
//! Prometheus metrics behind a token, and JSON logs from the binary.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Server, World, ADMIN_EMAIL, PASSWORD};
use serde_json::{json, Value};

fn get(url: &str, token: Option<&str>) -> reqwest::blocking::Response {
    let mut r = reqwest::blocking::Client::new().get(url);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().unwrap()
}

#[test]
fn liveness_and_readiness() {
    let s = Server::start();
    let root = format!("http://{}", s.addr);
    let live = get(&format!("{root}/healthz"), None);
    assert_eq!(
        (live.status().as_u16(), live.text().unwrap()),
        (200, "ok".into())
    );
    let ready = get(&format!("{root}/readyz"), None);
    assert_eq!(ready.status(), 200);
    // A database migrated by a newer build is not this build's to serve.
    rusqlite::Connection::open(s.dir.path().join("frontdesk.db"))
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let stale = get(&format!("{root}/readyz"), None);
    assert_eq!(stale.status(), 503);
    let body: Value = stale.json().unwrap();
    assert_eq!(body["error"]["code"], "not_ready");
    assert_eq!(get(&format!("{root}/healthz"), None).status(), 200);
}

#[test]
fn every_answer_carries_a_request_id() {
    let s = Server::start();
    let http = reqwest::blocking::Client::new();
    let fresh = http.get(format!("{}/health", s.base)).send().unwrap();
    let id = fresh.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(id.len(), 32, "{id}");
    let given = http
        .get(format!("{}/no/such/thing", s.base))
        .header("x-request-id", "desk-7.sync:42")
        .send()
        .unwrap();
    assert_eq!(given.status(), 404);
    assert_eq!(given.headers()["x-request-id"], "desk-7.sync:42");
    // Not a header to smuggle anything through: anything odd is replaced.
    let odd = http
        .get(format!("{}/health", s.base))
        .header("x-request-id", "a b<script>")
        .send()
        .unwrap();
    assert_ne!(odd.headers()["x-request-id"], "a b<script>");
}

#[test]
fn metrics_are_for_the_operator_and_count_what_happened() {
    // Off unless the operator sets a token.
    let plain = Server::start();
    assert_eq!(
        get(&format!("http://{}/metrics", plain.addr), None).status(),
        404
    );

    let w = World::on(Server::start_configured(|st| {
        st.with_metrics_token(Some("scrape-secret-0123456789"))
    }));
    let url = format!("http://{}/metrics", w.s.addr);
    assert_eq!(get(&url, None).status(), 401);
    assert_eq!(get(&url, Some("a guess")).status(), 401);

    for _ in 0..3 {
        w.s.get(&w.acme_desk, "/me").ok();
    }
    w.s.get(&w.acme_desk, "/invites/not-an-invite")
        .refused(404, "not_found");
    let (b, _) = w.synced_pair("Ifeoma Ụzọ");
    let desk_push = json!({"mutations": [
        {"id": "0190f0a0-0000-7000-8000-000000000001", "invite_id": b, "action": "arrive", "at": common::at(chrono::Duration::zero())},
        {"id": "0190f0a0-0000-7000-8000-000000000002", "invite_id": b, "action": "arrive", "at": common::at(chrono::Duration::zero())},
    ]});
    w.s.post(&w.building_desk, "/mutations", desk_push).ok();
    let _stream = reqwest::blocking::Client::builder()
        .timeout(None)
        .build()
        .unwrap()
        .get(format!("{}/changes/stream", w.s.base))
        .bearer_auth(&w.acme_desk)
        .send()
        .unwrap();
    w.s.request(
        "POST",
        "/auth/login",
        None,
        Some(&json!({"email": "desk@acme.test", "password": "wrong wrong wrong"})),
    );

    // A made-up method is counted as "other", not as a series of its own.
    let odd = reqwest::Method::from_bytes(b"BREW").unwrap();
    reqwest::blocking::Client::new()
        .request(odd, format!("{}/me", w.s.base))
        .send()
        .unwrap();

    let r = get(&url, Some("scrape-secret-0123456789"));
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let text = r.text().unwrap();
    let value = |series: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {series} in\n{text}"))
    };
    assert!(
        value(r#"frontdesk_http_requests_total{method="GET",route="/api/v1/me",status="200"}"#)
            >= 3.0
    );
    // Routes, not paths: no series per id.
    assert_eq!(
        value(
            r#"frontdesk_http_requests_total{method="GET",route="/api/v1/invites/{id}",status="404"}"#
        ),
        1.0
    );
    assert!(!text.contains("not-an-invite"));
    assert!(!text.contains("BREW"));
    assert!(
        value(r#"frontdesk_http_requests_total{method="other",route="/api/v1/me",status="405"}"#)
            >= 1.0
    );
    assert!(
        value(r#"frontdesk_http_request_duration_seconds_count{method="GET",route="/api/v1/me"}"#)
            >= 3.0
    );
    assert_eq!(
        value(r#"frontdesk_desk_mutations_total{outcome="applied"}"#),
        1.0
    );
    assert_eq!(
        value(r#"frontdesk_desk_mutations_total{outcome="refused"}"#)
            + value(r#"frontdesk_desk_mutations_total{outcome="conflict"}"#),
        1.0
    );
    assert_eq!(value("frontdesk_event_streams_open"), 1.0);
    assert!(
        value("frontdesk_outbox_queued") >= 1.0,
        "the invitation waits: no transport here"
    );
    assert!(value("frontdesk_outbox_oldest_age_seconds") >= 0.0);
    assert_eq!(value(r#"frontdesk_sign_ins_total{result="wrong"}"#), 1.0);
    // Every line is a comment or `name{labels} value`.
    for l in text.lines().filter(|l| !l.starts_with('#')) {
        let (series, v) = l.rsplit_once(' ').unwrap();
        assert!(v.parse::<f64>().is_ok(), "{l}");
        assert!(series.starts_with("frontdesk_"), "{l}");
    }
}

/// The server binary on a fresh database, logging JSON lines to stderr with the given filter
/// (`None`: its default), and the lines it logs.
struct LoggingServer {
    child: std::process::Child,
    port: u16,
    lines: std::sync::mpsc::Receiver<String>,
}

impl LoggingServer {
    fn start(dir: &std::path::Path, filter: Option<&str>) -> Self {
        let port = common::free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_frontdesk-server"));
        cmd.args(["--db"])
            .arg(dir.join("f.db"))
            .args([
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--log-format",
                "json",
            ])
            .args(["--admin-email", ADMIN_EMAIL, "--admin-password", PASSWORD])
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(f) = filter {
            cmd.env("RUST_LOG", f);
        }
        let mut child = cmd.spawn().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let http = reqwest::blocking::Client::new();
        common::eventually(20, "the server answers", || {
            http.get(format!("http://127.0.0.1:{port}/healthz"))
                .send()
                .is_ok()
        });
        LoggingServer { child, port, lines }
    }

    fn post(&self, path: &str, request_id: &str, token: Option<&str>, body: Value) -> Value {
        let mut r = reqwest::blocking::Client::new()
            .post(format!("http://127.0.0.1:{}/api/v1{path}", self.port))
            .header("x-request-id", request_id)
            .json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        let r = r.send().unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().unwrap()
    }

    /// The first JSON line `wanted` picks, waiting up to 10 s for each line.
    fn find(&self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(10))
                .unwrap_or_else(|_| panic!("a JSON log line for {what}"));
            let v: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
            if wanted(&v) {
                return v;
            }
        }
    }
}

impl Drop for LoggingServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_binary_logs_json_lines_with_the_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let server = LoggingServer::start(dir.path(), None);
    server.post(
        "/auth/login",
        "login-from-test-1",
        None,
        json!({"email": ADMIN_EMAIL, "password": PASSWORD}),
    );
    let found = server.find("the sign-in", |v| v["fields"]["message"] == "signed in");
    assert_eq!(found["span"]["id"], "login-from-test-1", "{found}");
    assert_eq!(found["span"]["route"], "/api/v1/auth/login");
    assert_eq!(found["level"], "INFO");
}

/// At debug level each call into the store is a span inside the request's, named after the
/// handler that made it, with how long it took.
#[test]
fn store_calls_are_spans_named_after_their_action() {
    let dir = tempfile::tempdir().unwrap();
    let server = LoggingServer::start(dir.path(), Some("frontdesk_server=debug,warn"));
    let login = server.post(
        "/auth/login",
        "login-2",
        None,
        json!({"email": ADMIN_EMAIL, "password": PASSWORD}),
    );
    let token = login["token"].as_str().unwrap();
    server.post(
        "/buildings",
        "new-building-1",
        Some(token),
        json!({"name": "Harbour Tower", "timezone": "Europe/Oslo"}),
    );
    let done = server.find("the building's store call", |v| {
        v["fields"]["message"] == "store call done" && v["span"]["op"] == "write"
    });
    assert_eq!(done["span"]["name"], "store", "{done}");
    assert_eq!(
        done["span"]["action"], "routes::places::create_building",
        "{done}"
    );
    assert!(done["fields"]["ms"].as_f64().is_some(), "{done}");
    let request = &done["spans"][0];
    assert_eq!(request["name"], "request", "{done}");
    assert_eq!(request["id"], "new-building-1", "{done}");
}
