//! The desk against the real portal service over HTTP, with the network between them cut and
//! restored: 200 arrivals and check-outs made offline apply exactly once each, in order, the
//! linked invites agree, and what the server changed meanwhile comes back as conflicts.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use common::{Link, World};
use frontdesk_core::InviteStatus;
use frontdesk_sync::{Desk, SyncError};
use serde_json::json;

#[test]
fn two_hundred_offline_changes_apply_once_each_and_conflicts_are_kept() {
    let w = World::new();
    let pairs = w.synced_pairs(100, "Visitor");
    let link = Link::to(w.s.addr);
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::open(dir.path().join("desk.db"), &link.url, &w.building_desk).unwrap();
    desk.sync().unwrap();
    assert_eq!(
        desk.search("visitor 042", 5).unwrap()[0].id,
        pairs[42].0,
        "the desk finds invites by name"
    );

    link.cut();
    assert!(matches!(desk.pull(), Err(SyncError::Offline(_))));
    // Meanwhile at the tenant's reception: one visit is cancelled.
    w.s.post(
        &w.acme_admin,
        &format!("/invites/{}/cancel", pairs[7].1),
        json!({"reason": "meeting moved"}),
    )
    .ok();

    // The lobby keeps working: 100 arrivals and 100 check-outs, all offline.
    for (b, _) in &pairs {
        assert_eq!(desk.arrive(b).unwrap().status, InviteStatus::Arrived);
    }
    for (b, _) in &pairs {
        assert_eq!(desk.check_out(b).unwrap().status, InviteStatus::CheckedOut);
    }
    assert_eq!(desk.pending().unwrap(), 200, "200 changes waiting to sync");
    assert_eq!(
        desk.search("visitor 042", 1).unwrap()[0].status,
        InviteStatus::CheckedOut
    );
    // A change the rules refuse is refused on the desk too, and not queued.
    assert!(matches!(
        desk.check_out(&pairs[0].0),
        Err(SyncError::Rule(_))
    ));
    assert!(desk.sync().is_err(), "still offline");

    link.restore();
    let report = desk.sync().unwrap();
    assert_eq!(
        (report.pushed, report.applied, report.conflicts),
        (200, 198, 2)
    );
    assert_eq!(desk.pending().unwrap(), 0);

    // Exactly once, and the pairs agree.
    for (i, (b, t)) in pairs.iter().enumerate() {
        let (bi, ti) = (w.invite(&w.admin, b), w.invite(&w.admin, t));
        assert_eq!(bi["status"], ti["status"]);
        assert_eq!(bi["arrived_at"], ti["arrived_at"]);
        let log = w.s.get(&w.admin, &format!("/invites/{b}/activity")).ok();
        let count = |a: &str| {
            log.as_array()
                .unwrap()
                .iter()
                .filter(|e| e["action"] == a)
                .count()
        };
        if i == 7 {
            assert_eq!(bi["status"], "cancelled");
            assert_eq!((count("arrived"), count("checked_out")), (0, 0));
        } else {
            assert_eq!(bi["status"], "checked_out", "visitor {i}");
            assert_eq!(
                (count("arrived"), count("checked_out")),
                (1, 1),
                "visitor {i}"
            );
        }
    }
    // In order: each arrival before its check-out, at the desk's times.
    let b0 = w.invite(&w.admin, &pairs[0].0);
    assert!(b0["arrived_at"].as_str().unwrap() < b0["checked_out_at"].as_str().unwrap());

    // The receptionist sees what could not be applied, and why.
    let conflicts = desk.conflicts().unwrap();
    assert_eq!(conflicts.len(), 2);
    assert_eq!(conflicts[0].visitor, "Visitor 007");
    assert_eq!(conflicts[0].code, "invite_cancelled");
    assert!(conflicts[0].message.contains("cancelled"));
    // The desk now shows the server's truth for that visit.
    assert_eq!(
        desk.invite(&pairs[7].0).unwrap().unwrap().status,
        InviteStatus::Cancelled
    );

    // Syncing again changes nothing.
    let seq = w.s.last_seq();
    assert_eq!(desk.sync().unwrap().pushed, 0);
    assert_eq!(w.s.last_seq(), seq);
}

#[test]
fn queued_changes_survive_the_desk_closing_and_sync_after() {
    let w = World::new();
    let (b, t) = w.synced_pair("Ada Lovelace");
    let link = Link::to(w.s.addr);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    {
        let desk = Desk::open(&path, &link.url, &w.building_desk).unwrap();
        desk.sync().unwrap();
        link.cut();
        desk.arrive(&b).unwrap();
        // The desk closes with the change still queued (the app quits, the PC is switched off).
    }
    link.restore();
    let desk = Desk::open(&path, &link.url, &w.building_desk).unwrap();
    assert_eq!(desk.pending().unwrap(), 1);
    assert_eq!(desk.invite(&b).unwrap().unwrap().pending, 1);
    desk.sync().unwrap();
    assert_eq!(w.invite(&w.acme_admin, &t)["status"], "arrived");
    assert_eq!(desk.invite(&b).unwrap().unwrap().pending, 0);
}

#[test]
fn another_desks_arrival_shows_here_within_a_second() {
    let w = World::new();
    let (b, t) = w.synced_pair("Ada Lovelace");
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://{}", w.s.addr);
    let lobby = Arc::new(Desk::open(dir.path().join("lobby.db"), &url, &w.building_desk).unwrap());
    let reception = Desk::open(dir.path().join("reception.db"), &url, &w.acme_desk).unwrap();
    lobby.sync().unwrap();
    reception.sync().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let (l, s) = (lobby.clone(), stop.clone());
    std::thread::spawn(move || {
        let _ = l.follow(&s);
    });
    std::thread::sleep(std::time::Duration::from_millis(300));

    let started = std::time::Instant::now();
    reception.arrive(&t).unwrap();
    reception.push().unwrap();
    loop {
        if lobby.invite(&b).unwrap().unwrap().status == InviteStatus::Arrived {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "the lobby did not see the arrival within a second"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    println!(
        "arrival at the reception shown in the lobby after {:?}",
        started.elapsed()
    );
    stop.store(true, Ordering::Relaxed);
}

#[test]
fn an_arrival_after_the_validity_was_shortened_meanwhile_comes_back_as_a_conflict() {
    let w = World::new();
    let (b, t) = w.synced_pair("Hedy Lamarr");
    let link = Link::to(w.s.addr);
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::open(dir.path().join("desk.db"), &link.url, &w.building_desk).unwrap();
    desk.sync().unwrap();
    link.cut();
    // While the lobby is offline, the building shortens the visit to end two seconds from now.
    let now = chrono::Utc::now();
    w.s.put(
        &w.building_admin,
        &format!("/invites/{b}/validity"),
        json!({"valid_from": now - chrono::Duration::hours(1), "valid_to": now + chrono::Duration::seconds(2)}),
    )
    .ok();
    std::thread::sleep(std::time::Duration::from_millis(2500));
    // The desk still has the old validity, so it lets the receptionist mark the arrival.
    assert_eq!(desk.arrive(&b).unwrap().status, InviteStatus::Arrived);
    link.restore();
    let report = desk.sync().unwrap();
    assert_eq!((report.applied, report.conflicts), (0, 1));
    let conflicts = desk.conflicts().unwrap();
    assert_eq!(conflicts[0].invite_id, b);
    assert_eq!(conflicts[0].code, "invite_expired");
    assert!(conflicts[0].message.contains("validity has ended"));
    assert_eq!(
        w.invite(&w.acme_admin, &t)["arrived_at"],
        serde_json::Value::Null
    );
    assert_eq!(
        desk.invite(&b).unwrap().unwrap().status,
        InviteStatus::Expired
    );
}
