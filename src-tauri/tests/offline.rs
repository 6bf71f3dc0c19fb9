//! The desktop app connected to a shared portal service (real HTTP on loopback, through a link
//! the test can cut): with the server unreachable the desk still finds invites and records 200
//! arrivals and check-outs; the app is then killed with SIGKILL while they wait in the outbox;
//! on restart it is still signed in to the same portal, the changes are still waiting, and when
//! the server is back they apply exactly once each, the linked invites agree, and the conflicts
//! staged meanwhile (a cancel, the same visitor arrived at another desk) are shown.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;
mod desktop;

use common::{Link, World, PASSWORD};
use desktop::{App, Desktop};
use serde_json::json;

fn sync_state(app: &App) -> String {
    app.text("#sync-state")
}

#[test]
fn offline_changes_survive_a_killed_app_and_apply_once_each() {
    let w = World::new();
    let pairs = w.synced_pairs(100, "Visitor");
    let link = Link::to(w.s.addr);
    let desktop = Desktop::start();
    let app = desktop.open();

    // "Connect to a server" with the lobby's login.
    app.type_into("#server-url", &link.url);
    app.type_into("#server-email", "lobby@hq.test");
    app.type_into("#server-password", PASSWORD);
    app.click("#connect button[type=submit]");
    app.find("#invites");
    assert!(app.text("#place").starts_with("Harbour Tower"));
    app.type_into("#search", "visitor 042");
    app.wait_until("the cache filled", 20, |a| {
        a.exists("#invites .row[data-status='invited'] .name")
            && a.text("#invites .row .name") == "Visitor 042"
    });
    app.screenshot("20-connected-to-a-server");

    link.cut();
    app.wait_until("the desk offline", 30, |a| {
        sync_state(a).starts_with("Offline")
    });
    // Meanwhile on the tenant's side: one visit cancelled, one visitor arrived at their desk.
    w.s.post(
        &w.acme_admin,
        &format!("/invites/{}/cancel", pairs[7].1),
        json!({"reason": "meeting moved"}),
    )
    .ok();
    w.s.post(
        &w.acme_desk,
        &format!("/invites/{}/arrive", pairs[8].1),
        json!({}),
    )
    .ok();

    // The lobby keeps working offline: an arrival by hand, then the rest of the 200 changes
    // through the app's own commands, as its window sends them.
    app.click("#invites .row");
    app.click("#arrive");
    app.wait_until("the arrival", 10, |a| {
        a.text("#detail-status") == "On site (waiting to sync)"
    });
    for (b, _) in pairs.iter().filter(|(b, _)| *b != pairs[42].0) {
        let r = app.invoke("arrive", json!({"id": b}));
        assert_eq!(r["ok"]["status"], "arrived", "{r}");
    }
    for (b, _) in &pairs {
        let r = app.invoke("check_out", json!({"id": b}));
        assert_eq!(r["ok"]["status"], "checked_out", "{r}");
    }
    // A change the rules refuse is refused on the desk at once, and not queued.
    let again = app.invoke("check_out", json!({"id": pairs[0].0}));
    assert!(again["err"]["message"].as_str().is_some(), "{again}");
    app.wait_until("200 changes waiting", 10, |a| {
        sync_state(a) == "Offline · 200 changes waiting to sync"
    });
    app.screenshot("21-offline-200-waiting");

    // The app dies with everything still in its outbox.
    app.kill();
    let app = desktop.open();
    app.find("#invites");
    assert!(
        !app.exists("#demo-accounts"),
        "still signed in, to the same shared portal"
    );
    app.wait_until("the changes still waiting", 20, |a| {
        sync_state(a).ends_with("200 changes waiting to sync")
    });
    app.screenshot("22-restarted-after-kill");

    link.restore();
    app.wait_until("everything synced", 60, |a| {
        sync_state(a) == "Online · all changes synced"
    });
    app.wait_until("the conflicts shown", 10, |a| a.exists("#conflict-count"));
    assert_eq!(app.text("#conflict-count"), "3 conflicts to review");
    app.click("#conflict-count");
    app.find("#conflicts-panel");
    assert_eq!(
        app.js(
            "return [...document.querySelectorAll('#conflicts-panel li')].map(li => li.dataset.code + ' ' + li.dataset.invite)",
            json!([])
        ),
        // In the order they were made: both arrivals, then the check-out of the cancelled visit.
        json!([
            format!("invite_cancelled {}", pairs[7].0),
            format!("already_arrived {}", pairs[8].0),
            format!("invite_cancelled {}", pairs[7].0),
        ])
    );
    app.screenshot("23-synced-with-conflicts");
    app.quit();

    // On the server: every change once, and both sides of each pair agree.
    for (i, (b, t)) in pairs.iter().enumerate() {
        let (bi, ti) = (w.invite(&w.admin, b), w.invite(&w.admin, t));
        assert_eq!(bi["status"], ti["status"], "pair {i}");
        assert_eq!(bi["checked_out_at"], ti["checked_out_at"], "pair {i}");
        let log = w.s.get(&w.admin, &format!("/invites/{b}/activity")).ok();
        let count = |a: &str| {
            log.as_array()
                .unwrap()
                .iter()
                .filter(|e| e["action"] == a)
                .count()
        };
        match i {
            7 => assert_eq!(bi["status"], "cancelled"),
            8 => {
                assert_eq!(bi["status"], "checked_out");
                assert_eq!(count("checked_out"), 1, "pair {i}");
            }
            _ => {
                assert_eq!(bi["status"], "checked_out", "pair {i}");
                assert_eq!((count("arrived"), count("checked_out")), (1, 1), "pair {i}");
            }
        }
    }
}
