//! A desk's queued changes (made offline, with the desk's own ids and times) are applied exactly
//! once; what changed meanwhile comes back as a conflict, never dropped.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use chrono::{Duration, Utc};
use common::World;
use serde_json::{json, Value};

fn m(id: &str, invite: &str, action: &str, minutes_ago: i64) -> Value {
    json!({"id": id, "invite_id": invite, "action": action,
           "at": (Utc::now() - Duration::minutes(minutes_ago)).to_rfc3339()})
}

fn push(w: &World, token: &str, ms: Vec<Value>) -> Vec<Value> {
    w.s.post(token, "/mutations", json!({ "mutations": ms }))
        .ok()["results"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn each_mutation_applies_once_with_the_desks_time_on_both_invites() {
    let w = World::new();
    let (b, t) = w.synced_pair("Ada Lovelace");
    let first = push(
        &w,
        &w.building_desk,
        vec![m("0197a000-0000-7000-8000-000000000001", &b, "arrive", 10)],
    );
    assert_eq!(first[0]["outcome"], "applied");
    assert_eq!(first[0]["invite"]["status"], "arrived");
    let arrived_at = first[0]["invite"]["arrived_at"]
        .as_str()
        .unwrap()
        .to_string();
    let when = chrono::DateTime::parse_from_rfc3339(&arrived_at).unwrap();
    assert!(
        (Utc::now() - when.with_timezone(&Utc)).num_minutes() >= 9,
        "the desk's time, not the push's"
    );
    assert_eq!(
        w.invite(&w.acme_admin, &t)["arrived_at"],
        arrived_at.as_str()
    );

    // The same push again (a retry after a lost answer): the same outcome, nothing applied twice.
    let events =
        w.s.get(&w.admin, &format!("/invites/{b}/activity"))
            .ok()
            .as_array()
            .unwrap()
            .len();
    let seq = w.s.last_seq();
    let again = push(
        &w,
        &w.building_desk,
        vec![m("0197a000-0000-7000-8000-000000000001", &b, "arrive", 10)],
    );
    assert_eq!(again[0]["outcome"], "applied");
    assert_eq!(
        w.s.get(&w.admin, &format!("/invites/{b}/activity"))
            .ok()
            .as_array()
            .unwrap()
            .len(),
        events
    );
    assert_eq!(w.s.last_seq(), seq);
}

#[test]
fn what_changed_meanwhile_comes_back_as_a_conflict() {
    let w = World::new();
    let (b, t) = w.synced_pair("Ada Lovelace");
    let (b2, _) = w.synced_pair("Alan Turing");
    // Cancelled on the server while the desk was offline.
    w.s.post(
        &w.acme_admin,
        &format!("/invites/{t}/cancel"),
        json!({"reason": "meeting moved"}),
    )
    .ok();
    // The same visitor marked arrived at two desks.
    let r = push(
        &w,
        &w.building_desk,
        vec![
            m("0197a000-0000-7000-8000-00000000000a", &b, "arrive", 5),
            m("0197a000-0000-7000-8000-00000000000b", &b2, "arrive", 5),
            m("0197a000-0000-7000-8000-00000000000c", &b2, "arrive", 4),
            m(
                "0197a000-0000-7000-8000-00000000000d",
                &b2,
                "check_out",
                -60,
            ),
            m(
                "0197a000-0000-7000-8000-00000000000e",
                "no-such-invite",
                "arrive",
                1,
            ),
        ],
    );
    let got: Vec<(&str, &str)> = r
        .iter()
        .map(|x| {
            (
                x["outcome"].as_str().unwrap(),
                x["code"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("conflict", "invite_cancelled"),
            ("applied", ""),
            ("conflict", "already_arrived"),
            ("refused", "invalid_time"),
            ("refused", "not_found"),
        ]
    );
    assert!(r[0]["message"].as_str().unwrap().contains("cancelled"));
    assert_eq!(
        r[0]["invite"]["status"], "cancelled",
        "the desk learns the invite's state"
    );
    // A conflict is remembered too: the retry gets the same answer.
    let again = push(
        &w,
        &w.building_desk,
        vec![m("0197a000-0000-7000-8000-00000000000a", &b, "arrive", 5)],
    );
    assert_eq!(again[0]["outcome"], "conflict");
    // Other portals' invites stay out of reach.
    let foreign = push(
        &w,
        &w.blue_admin,
        vec![m(
            "0197a000-0000-7000-8000-0000000000ff",
            &b2,
            "check_out",
            0,
        )],
    );
    assert_eq!(
        (foreign[0]["outcome"].as_str(), foreign[0]["code"].as_str()),
        (Some("refused"), Some("not_found"))
    );
    assert!(foreign[0]["invite"].is_null());
    let too_many: Vec<Value> = (0..501)
        .map(|i| m(&format!("id-{i}"), &b, "arrive", 1))
        .collect();
    w.s.post(
        &w.building_desk,
        "/mutations",
        json!({ "mutations": too_many }),
    )
    .refused(422, "batch_too_large");
}
