//! Guessing passwords is slow: failed sign-ins are throttled per account and address with 429 and
//! Retry-After, before any password is hashed, while other people sign in and work as usual.
//! Failed and throttled sign-ins are logged with the client's address.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use std::io::Write;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use common::{Server, ADMIN_EMAIL, PASSWORD};
use serde_json::{json, Value};

/// What the server logs, captured for the assertions (one subscriber for the whole test binary).
fn logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let sink = buf.clone();
        tracing_subscriber::fmt()
            .with_env_filter("frontdesk_server=info")
            .with_ansi(false)
            .with_writer(move || Sink(sink.clone()))
            .init();
        buf
    })
    .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A client whose connections come from `from` (any 127.x.y.z is this machine's loopback).
fn client(from: [u8; 4]) -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .local_address(IpAddr::from(from))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn login(
    c: &reqwest::blocking::Client,
    s: &Server,
    email: &str,
    password: &str,
) -> (u16, Option<u64>, Value) {
    let r = c
        .post(format!("{}/auth/login", s.base))
        .json(&json!({"email": email, "password": password}))
        .send()
        .unwrap();
    let status = r.status().as_u16();
    let retry = r
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse().ok());
    (status, retry, r.json().unwrap_or(Value::Null))
}

#[test]
fn wrong_passwords_are_slowed_down_then_refused_with_retry_after() {
    let logs = logs();
    let s = Server::start();
    let attacker = client([127, 0, 0, 7]);
    for _ in 0..6 {
        let (status, _, body) = login(&attacker, &s, ADMIN_EMAIL, "guess guess guess");
        assert_eq!(status, 401, "{body}");
    }
    // Past five free failures the address must wait before guessing this account again, even
    // with the right password: the answer comes before any password is looked at.
    let (status, retry, body) = login(&attacker, &s, ADMIN_EMAIL, PASSWORD);
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["code"], "too_many_attempts");
    assert!(body["error"]["message"].as_str().unwrap().contains("Wait"));
    let retry = retry.expect("Retry-After");
    assert!((1..=2).contains(&retry), "{retry}");
    // The right person, from their own desk, is not locked out.
    let (status, _, _) = login(&client([127, 0, 0, 8]), &s, ADMIN_EMAIL, PASSWORD);
    assert_eq!(status, 200);
    // After the wait the address may try again.
    std::thread::sleep(Duration::from_secs(retry));
    let (status, _, _) = login(&attacker, &s, ADMIN_EMAIL, PASSWORD);
    assert_eq!(status, 200);

    let text = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    assert!(
        text.lines()
            .any(|l| l.contains("sign-in failed") && l.contains("127.0.0.7")),
        "failed sign-ins are logged with the address:\n{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("sign-in throttled") && l.contains("127.0.0.7")),
        "throttled sign-ins are logged with the address:\n{text}"
    );
}

#[test]
fn a_burst_of_wrong_passwords_leaves_everyone_else_served() {
    let s = Arc::new(Server::start());
    // Another account, signed in from another address.
    let (status, _, body) = login(&client([127, 0, 0, 3]), &s, ADMIN_EMAIL, PASSWORD);
    assert_eq!(status, 200);
    let token = body["token"].as_str().unwrap().to_string();
    s.post(
        &token,
        "/users",
        json!({"email": "victim@hq.test", "password": PASSWORD, "role": "platform_admin"}),
    )
    .ok();

    let attacker = client([127, 0, 0, 9]);
    let burst: Vec<_> = (0..40)
        .map(|i| {
            let (s, c) = (s.clone(), attacker.clone());
            std::thread::spawn(move || login(&c, &s, "victim@hq.test", &format!("guess {i:04}")).0)
        })
        .collect();
    // Meanwhile the other user works, and signs in again.
    let me = client([127, 0, 0, 3]);
    let mut slowest = Duration::ZERO;
    for _ in 0..20 {
        let t = Instant::now();
        let r = me
            .get(format!("{}/me", s.base))
            .bearer_auth(&token)
            .send()
            .unwrap();
        assert_eq!(r.status(), 200);
        slowest = slowest.max(t.elapsed());
    }
    let (status, _, _) = login(&me, &s, ADMIN_EMAIL, PASSWORD);
    assert_eq!(status, 200, "another account signs in during the burst");
    let answers: Vec<u16> = burst.into_iter().map(|h| h.join().unwrap()).collect();
    let hashed = answers.iter().filter(|&&a| a == 401).count();
    let throttled = answers.iter().filter(|&&a| a == 429).count();
    assert_eq!(hashed + throttled, 40, "{answers:?}");
    // Five free failures, the one that starts the delay, and at most one per hashing turn that
    // was already past the second check.
    assert!(hashed <= 10, "{hashed} passwords were hashed: {answers:?}");
    // Generous: this is about not queueing behind the burst, not about speed.
    assert!(
        slowest < Duration::from_secs(1),
        "GET /me took {slowest:?} during the burst"
    );
}
