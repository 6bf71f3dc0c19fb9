//! Sessions end when they should, and take their event streams with them: sign-out, an admin
//! disabling the user or ending their sessions, a password change, idleness and the absolute
//! lifetime. Ended sessions are purged; event streams are capped per session and in all.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use std::io::Read;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{Server, World, ADMIN_EMAIL, PASSWORD};
use serde_json::json;

/// An open event stream, read on its own thread; `ended` fires when the server closes it.
struct Stream {
    ended: mpsc::Receiver<()>,
}

fn open_stream(s: &Server, token: &str) -> Stream {
    let resp = reqwest::blocking::Client::builder()
        .timeout(None)
        .build()
        .unwrap()
        .get(format!("{}/changes/stream", s.base))
        .bearer_auth(token)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200, "the stream opens");
    let (tx, ended) = mpsc::channel();
    std::thread::spawn(move || {
        let mut resp = resp;
        let mut buf = [0u8; 4096];
        while matches!(resp.read(&mut buf), Ok(n) if n > 0) {}
        let _ = tx.send(());
    });
    Stream { ended }
}

impl Stream {
    #[track_caller]
    fn closes_within(&self, limit: Duration, why: &str) {
        let start = Instant::now();
        self.ended
            .recv_timeout(limit)
            .unwrap_or_else(|_| panic!("the stream is still open {limit:?} after {why}"));
        assert!(start.elapsed() <= limit);
    }

    #[track_caller]
    fn still_open(&self) {
        assert!(
            self.ended.recv_timeout(Duration::from_millis(300)).is_err(),
            "the stream closed though its session is live"
        );
    }
}

fn user_id(w: &World, token: &str) -> String {
    w.s.get(token, "/me").ok()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn sign_out_ends_the_session_and_closes_its_streams_within_two_seconds() {
    let w = World::new();
    let desk = w.s.login("desk@acme.test", PASSWORD);
    let other = w.s.login("desk@acme.test", PASSWORD);
    let stream = open_stream(&w.s, &desk);
    let untouched = open_stream(&w.s, &other);
    stream.still_open();
    assert_eq!(w.s.post(&desk, "/auth/logout", json!({})).status, 204);
    stream.closes_within(Duration::from_secs(2), "sign-out");
    w.s.get(&desk, "/me").refused(401, "unauthorized");
    // The same user's other session goes on.
    untouched.still_open();
    w.s.get(&other, "/me").ok();
}

#[test]
fn an_admin_disables_a_user_and_enables_them_again() {
    let w = World::new();
    let desk = w.s.login("desk@acme.test", PASSWORD);
    let desk_id = user_id(&w, &desk);
    let stream = open_stream(&w.s, &desk);

    // Admins of other scopes cannot even see the user; a desk cannot act on a colleague. Refused
    // requests change nothing.
    for (who, token) in [
        ("another tenant's admin", &w.blue_admin),
        ("the building's admin", &w.building_admin),
        ("a front desk", &w.building_desk),
    ] {
        let r =
            w.s.post(token, &format!("/users/{desk_id}/disable"), json!({}));
        r.refused(404, "not_found");
        assert_eq!(r.status, 404, "{who}");
        w.s.delete(token, &format!("/users/{desk_id}/sessions"))
            .refused(404, "not_found");
    }
    stream.still_open();
    w.s.get(&desk, "/me").ok();

    // Nobody disables themselves (an admin locked out of their own scope helps no one).
    let acme_admin_id = user_id(&w, &w.acme_admin);
    w.s.post(
        &w.acme_admin,
        &format!("/users/{acme_admin_id}/disable"),
        json!({}),
    )
    .refused(422, "cannot_disable_self");

    let r =
        w.s.post(
            &w.acme_admin,
            &format!("/users/{desk_id}/disable"),
            json!({}),
        )
        .ok();
    assert_eq!(r["disabled"], true);
    assert_eq!(r["sessions_ended"], 2, "this one and the one World made");
    stream.closes_within(Duration::from_secs(2), "the user was disabled");
    w.s.get(&desk, "/me").refused(401, "unauthorized");
    let again = w.s.request(
        "POST",
        "/auth/login",
        None,
        Some(&json!({"email": "desk@acme.test", "password": PASSWORD})),
    );
    again.refused(403, "account_disabled");
    // A wrong password says nothing about the account being disabled.
    w.s.request(
        "POST",
        "/auth/login",
        None,
        Some(&json!({"email": "desk@acme.test", "password": "not the password"})),
    )
    .refused(401, "invalid_credentials");

    w.s.post(
        &w.acme_admin,
        &format!("/users/{desk_id}/enable"),
        json!({}),
    )
    .ok();
    let back = w.s.login("desk@acme.test", PASSWORD);
    w.s.get(&back, "/me").ok();
}

#[test]
fn an_admin_ends_every_session_of_a_user_who_can_sign_in_again() {
    let w = World::new();
    let tokens: Vec<String> = (0..3)
        .map(|_| w.s.login("lobby@hq.test", PASSWORD))
        .collect();
    let lobby_id = user_id(&w, &tokens[0]);
    let streams: Vec<Stream> = tokens.iter().map(|t| open_stream(&w.s, t)).collect();
    let r =
        w.s.delete(&w.building_admin, &format!("/users/{lobby_id}/sessions"))
            .ok();
    assert_eq!(r["sessions_ended"], 4, "three here and the one World made");
    for s in &streams {
        s.closes_within(Duration::from_secs(2), "the admin ended the sessions");
    }
    for t in &tokens {
        w.s.get(t, "/me").refused(401, "unauthorized");
    }
    w.s.login("lobby@hq.test", PASSWORD);
}

#[test]
fn a_password_change_ends_the_other_sessions_and_keeps_this_one() {
    let w = World::new();
    let here = w.s.login("ba@hq.test", PASSWORD);
    let elsewhere = w.s.login("ba@hq.test", PASSWORD);
    let stream = open_stream(&w.s, &elsewhere);

    // A wrong current password changes nothing.
    w.s.put(
        &here,
        "/me/password",
        json!({"current_password": "not it at all", "new_password": "a new long password"}),
    )
    .refused(403, "invalid_credentials");
    // Nor does a weak new one.
    w.s.put(
        &here,
        "/me/password",
        json!({"current_password": PASSWORD, "new_password": "short"}),
    )
    .refused(422, "weak_password");
    w.s.get(&elsewhere, "/me").ok();
    stream.still_open();

    let r =
        w.s.put(
            &here,
            "/me/password",
            json!({"current_password": PASSWORD, "new_password": "a new long password"}),
        )
        .ok();
    assert!(r["other_sessions_ended"].as_u64().unwrap() >= 2);
    stream.closes_within(Duration::from_secs(2), "the password changed");
    w.s.get(&elsewhere, "/me").refused(401, "unauthorized");
    w.s.get(&here, "/me").ok();
    w.s.request(
        "POST",
        "/auth/login",
        None,
        Some(&json!({"email": "ba@hq.test", "password": PASSWORD})),
    )
    .refused(401, "invalid_credentials");
    w.s.login("ba@hq.test", "a new long password");
}

#[test]
fn an_idle_session_ends_and_a_used_one_ends_at_its_lifetime() {
    let s = Server::start();
    let idle = s.login(ADMIN_EMAIL, PASSWORD);
    let busy = s.login(ADMIN_EMAIL, PASSWORD);
    // Used every two days, idle limit three days: the busy one lives, the idle one ends.
    for _ in 0..14 {
        s.clock().advance(chrono::Duration::days(2));
        s.get(&busy, "/me").ok();
    }
    s.get(&idle, "/me").refused(401, "unauthorized");
    // Day 28 now; by day 30 the busy one ends too, however busy.
    s.clock().advance(chrono::Duration::days(2));
    s.get(&busy, "/me").refused(401, "unauthorized");
}

#[test]
fn a_stream_closes_when_its_session_runs_out() {
    let s = Server::start();
    let token = s.login(ADMIN_EMAIL, PASSWORD);
    let stream = open_stream(&s, &token);
    stream.still_open();
    s.clock().advance(chrono::Duration::days(31));
    // The stream sleeps until the session's end as it knew it (30 days of real time away), or
    // until the next look at the session; a sign-out elsewhere is such a look.
    let other = s.login(ADMIN_EMAIL, PASSWORD);
    s.post(&other, "/auth/logout", json!({}));
    stream.closes_within(Duration::from_secs(2), "the session's lifetime ended");
}

#[test]
fn ended_sessions_are_purged() {
    let s = Server::start();
    for _ in 0..3 {
        s.login(ADMIN_EMAIL, PASSWORD);
    }
    let gone = s.login(ADMIN_EMAIL, PASSWORD);
    s.post(&gone, "/auth/logout", json!({}));
    let count = || -> i64 {
        rusqlite::Connection::open(s.dir.path().join("frontdesk.db"))
            .unwrap()
            .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count(), 3);
    s.clock().advance(chrono::Duration::days(4));
    // Idle past the limit: the next sign-in sweeps them out.
    s.login(ADMIN_EMAIL, PASSWORD);
    assert_eq!(count(), 1, "only the new session is left");
}

#[test]
fn event_streams_are_capped_per_session_and_in_all() {
    let s = Server::start_limited(frontdesk_server::Limits {
        streams_per_session: 2,
        streams_total: 3,
        ..Default::default()
    });
    let a = s.login(ADMIN_EMAIL, PASSWORD);
    let b = s.login(ADMIN_EMAIL, PASSWORD);
    let first = open_stream(&s, &a);
    let _second = open_stream(&s, &a);
    let over = s.get(&a, "/changes/stream");
    over.refused(429, "too_many_streams");
    let _third = open_stream(&s, &b);
    s.get(&b, "/changes/stream")
        .refused(429, "too_many_streams");
    // A closed stream frees its place.
    s.post(&a, "/auth/logout", json!({}));
    first.closes_within(Duration::from_secs(2), "sign-out");
    let _again = open_stream(&s, &b);
    // Retry-After tells a client when to come back.
    let raw = reqwest::blocking::Client::new()
        .get(format!("{}/changes/stream", s.base))
        .bearer_auth(&b)
        .send()
        .unwrap();
    assert_eq!(raw.status(), 429);
    assert!(raw.headers().get("retry-after").is_some());
}
