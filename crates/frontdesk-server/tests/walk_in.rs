//! The lobby kiosk over HTTP: short check-in codes, the walk-in flow, walk-ins (both sides,
//! arrival, the host told once, exactly once per walk-in id), what a pre-registered visitor
//! still owes on arrival, and desk alerts on both sides of the change feed.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use std::time::Duration;

use chrono::Utc;
use common::{eventually, free_port, id, Server, SmtpServer, World};
use frontdesk_server::delivery::DeliveryConfig;
use serde_json::{json, Value};

const ALPHABET: &str = "ACDEFGHJKMNPQRTUVWXY34679";

fn world_with_mail(smtp_port: u16) -> World {
    World::on(Server::start_with(move |base| {
        let mut cfg = DeliveryConfig::new(base);
        cfg.smtp_url = Some(format!("smtp://127.0.0.1:{smtp_port}"));
        cfg.mail_from = "Harbour Tower <visitors@harbour.test>".into();
        cfg.retry_base = Duration::from_millis(100);
        Some(cfg)
    }))
}

fn walk_ins(w: &World) -> String {
    format!("/buildings/{}/walk-ins", w.building)
}

/// A walk-in to `location` of someone answering the building's question and accepting the
/// agreements given.
fn walk_in(location: &str, host_id: Option<&str>, ndas: &[&str]) -> Value {
    json!({
        "id": uuid::Uuid::now_v7().to_string(),
        "location_id": location,
        "host_id": host_id,
        "host_name": if host_id.is_some() { "" } else { "Ana Lucía Pérez" },
        "submission": {
            "visitor": {"name": "Zoë Ångström-Nakamura", "email": "zoe@example.jp", "mobile": null},
            "answers": {"building.q1": false},
            "photo": common::photo_url(48, 64),
            "accepted_ndas": ndas,
            "signature": "Zoë Ångström-Nakamura"
        },
        "arrived_at": Utc::now().to_rfc3339(),
    })
}

fn with_type(mut body: Value, w: &World) -> Value {
    body["visitor_type_id"] = json!(w.building_type);
    body
}

fn invite_count(w: &World) -> i64 {
    w.s.state.store.invite_count().unwrap()
}

fn host(w: &World, tenant: &str, token: &str, name: &str, email: &str) -> String {
    id(&w
        .s
        .post(
            token,
            &format!("/tenants/{tenant}/hosts"),
            json!({"name": name, "email": email}),
        )
        .ok())
}

#[test]
fn a_walk_in_to_a_syncing_tenant_makes_the_pair_arrived_and_tells_the_host_once() {
    let smtp = SmtpServer::start(free_port());
    let w = world_with_mail(smtp.port);
    let li = host(&w, &w.acme, &w.acme_admin, "李小龍", "li@acme.test");

    // What the kiosk asks: the building's question, its photo, then Acme's agreement.
    let flow =
        w.s.get(
            &w.building_desk,
            &format!(
                "/buildings/{}/walk-in-flow?location_id={}&visitor_type_id={}",
                w.building, w.acme_loc, w.building_type
            ),
        )
        .ok();
    assert_eq!(flow["building_name"], "Harbour Tower");
    assert_eq!(flow["location_name"], "Acme HQ");
    assert_eq!(flow["timezone"], "Europe/London");
    assert_eq!(flow["questions"][0]["key"], "building.q1");
    assert_eq!(flow["photo_required"], true);
    assert_eq!(
        flow["ndas"],
        json!([{"key": "location", "portal": "location", "text": "Acme NDA"}])
    );
    assert_eq!(
        (flow["syncs"].clone(), flow["sync_blockers"].clone()),
        (json!(true), json!([]))
    );
    let places =
        w.s.get(
            &w.building_desk,
            &format!("/buildings/{}/walk-in-places", w.building),
        )
        .ok();
    let acme = places["locations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == w.acme_loc.as_str())
        .unwrap();
    assert_eq!(acme["tenant_name"], "Acme");
    assert_eq!(acme["host_directory"], true);
    assert_eq!(places["visitor_types"][0]["requires_photo"], true);

    let before = invite_count(&w);
    let body = with_type(walk_in(&w.acme_loc, Some(&li), &["location"]), &w);
    let r = w.s.post(&w.building_desk, &walk_ins(&w), body.clone());
    assert_eq!(r.status, 201, "{}", r.text);
    let done = r.body;
    assert_eq!(done["synced"], true);
    assert_eq!(done["replayed"], false);
    let b = id(&done["invite"]);
    assert_eq!(done["invite"]["status"], "arrived");
    assert_eq!(done["invite"]["host_name"], "李小龍");
    let t = done["invite"]["linked_invite_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(invite_count(&w), before + 2);

    // The tenant sees its copy, arrived, with the same code, its agreement and the photo.
    let copy = w.invite(&w.acme_desk, &t);
    assert_eq!(copy["status"], "arrived");
    assert_eq!(copy["origin"], "building");
    assert_eq!(copy["visitor"]["name"], "Zoë Ångström-Nakamura");
    assert_eq!(copy["short_code"], done["invite"]["short_code"]);
    assert_eq!(copy["arrived_at"], done["invite"]["arrived_at"]);
    let theirs =
        w.s.get(&w.acme_desk, &format!("/invites/{t}/registration"))
            .ok();
    assert_eq!(theirs["nda"]["text"], "Acme NDA");
    assert_eq!(theirs["nda"]["signature"], "Zoë Ångström-Nakamura");
    assert_eq!(
        theirs["answers"],
        json!([]),
        "the building's answer stays the building's"
    );
    assert_eq!(theirs["has_photo"], true);
    let ours =
        w.s.get(&w.building_desk, &format!("/invites/{b}/registration"))
            .ok();
    assert_eq!(ours["answers"][0]["value"], "no");
    assert!(ours["nda"].is_null());
    for (token, invite) in [(&w.building_desk, &b), (&w.acme_desk, &t)] {
        let r = w.s.get(token, &format!("/invites/{invite}/photo"));
        assert_eq!(r.status, 200, "{}", r.text);
    }

    // The host hears once; the visitor gets no invitation.
    let mails = smtp.wait_for(1);
    assert!(mails[0].contains("To: li@acme.test"), "{}", mails[0]);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(smtp.messages().len(), 1);

    // The same walk-in again (a desk retrying after a lost answer): the same visit, nothing new.
    let seq = w.s.last_seq();
    let again = w.s.post(&w.building_desk, &walk_ins(&w), body);
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.body["replayed"], true);
    assert_eq!(again.body["invite"]["id"], b.as_str());
    assert_eq!(again.body["synced"], true);
    assert_eq!(invite_count(&w), before + 2);
    assert_eq!(w.s.last_seq(), seq, "a replay writes nothing");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(smtp.messages().len(), 1, "the host is told once");

    // The same person again under a new id is another visit (they came back).
    let mut back = walk_in(&w.acme_loc, Some(&li), &["location"]);
    back["visitor_type_id"] = json!(w.building_type);
    let r = w.s.post(&w.building_desk, &walk_ins(&w), back).ok();
    assert_ne!(r["invite"]["id"], b.as_str());
    assert_eq!(invite_count(&w), before + 4);

    // The invitation email of an ordinary invite carries the visit's code.
    let created = w.building_invite(&w.acme_loc, "Chidi Okonkwo");
    let code = created["invite"]["short_code"]
        .as_str()
        .unwrap()
        .to_string();
    eventually(20, "the invitation", || {
        smtp.messages()
            .iter()
            .any(|m| m.contains("Subject: Your visit"))
    });
    let mail = smtp
        .messages()
        .into_iter()
        .find(|m| m.contains("Subject: Your visit"))
        .unwrap();
    let flat = mail.replace("=\r\n", "").replace("=\n", "");
    assert!(
        flat.contains(&format!("scan the QR code or type your code {code}")),
        "{flat}"
    );
}

#[test]
fn a_walk_in_that_cannot_sync_still_works_and_says_why() {
    let w = World::new();
    let flow =
        w.s.get(
            &w.building_admin,
            &format!(
                "/buildings/{}/walk-in-flow?location_id={}",
                w.building, w.blue_loc
            ),
        )
        .ok();
    assert_eq!(flow["syncs"], false);
    assert_eq!(
        flow["ndas"],
        json!([]),
        "no tenant copy, so no tenant agreement"
    );
    assert_eq!(
        flow["sync_blockers"],
        json!([
            "The location's Sync Building Invitations setting is off.",
            "No visitor type is mapped for synced invitations at the tenant's location."
        ])
    );
    let done =
        w.s.post(
            &w.building_desk,
            &walk_ins(&w),
            with_type(walk_in(&w.blue_loc, None, &[]), &w),
        )
        .ok();
    assert_eq!(done["synced"], false);
    assert_eq!(done["sync_blockers"], flow["sync_blockers"]);
    assert_eq!(done["invite"]["status"], "arrived");
    assert!(done["invite"]["linked_invite_id"].is_null());
    // Valid from the arrival to the end of the building's day.
    let to =
        chrono::DateTime::parse_from_rfc3339(done["invite"]["valid_to"].as_str().unwrap()).unwrap();
    let london = to.with_timezone(&chrono_tz::Europe::London);
    assert_eq!(london.format("%H:%M:%S").to_string(), "00:00:00");
    let b = id(&done["invite"]);
    let activity =
        w.s.get(&w.building_desk, &format!("/invites/{b}/activity"))
            .ok();
    let created = activity
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "invite_created")
        .unwrap();
    assert_eq!(created["detail"]["via"], "walk_in");
    assert!(created["detail"]["reasons"]
        .as_array()
        .unwrap()
        .contains(&json!("sync_building_invitations_off")));
    let actions: Vec<&str> = activity
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["invite_created", "checked_in", "arrived"]);
}

#[test]
fn only_the_buildings_staff_take_walk_ins_and_bad_ones_write_nothing() {
    let w = World::new();
    let blue_host = host(
        &w,
        &w.blue,
        &w.blue_admin,
        "Ana Lucía Pérez",
        "ana@blue.test",
    );
    let good = || with_type(walk_in(&w.acme_loc, None, &["location"]), &w);
    for token in [&w.acme_desk, &w.acme_admin, &w.other_building_admin] {
        w.s.post(token, &walk_ins(&w), good())
            .refused(404, "not_found");
    }
    let before = (invite_count(&w), w.s.last_seq());
    let mut missing = good();
    missing["submission"]["answers"] = json!({});
    let mut unsigned = good();
    unsigned["submission"]["accepted_ndas"] = json!([]);
    let mut old = good();
    old["arrived_at"] = json!((Utc::now() - chrono::Duration::days(2)).to_rfc3339());
    let mut foreign_host = good();
    foreign_host["host_id"] = json!(blue_host);
    let mut no_photo = good();
    no_photo["submission"]["photo"] = Value::Null;
    for (body, code, words) in [
        (missing, "missing_answer", "Carrying tools?"),
        (unsigned, "nda_not_accepted", "agreement"),
        (old, "walk_in_too_old", "24 hours"),
        (foreign_host, "unknown_host", "host_id"),
        (no_photo, "photo_required", "photo"),
    ] {
        let r = w.s.post(&w.building_desk, &walk_ins(&w), body);
        r.refused(422, code);
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains(words),
            "{}",
            r.text
        );
    }
    assert_eq!(
        (invite_count(&w), w.s.last_seq()),
        before,
        "nothing written"
    );
    // A walk-in pushed late (the desk was offline) keeps its time; one from the future is now.
    let mut late = good();
    let three_hours_ago = Utc::now() - chrono::Duration::hours(3);
    late["arrived_at"] = json!(three_hours_ago.to_rfc3339());
    let done = w.s.post(&w.building_desk, &walk_ins(&w), late).ok();
    let arrived =
        chrono::DateTime::parse_from_rfc3339(done["invite"]["arrived_at"].as_str().unwrap())
            .unwrap();
    assert!(
        (arrived.with_timezone(&Utc) - three_hours_ago)
            .num_milliseconds()
            .abs()
            < 1
    );
}

#[test]
fn a_visit_has_one_short_code_unique_and_found_however_it_is_typed() {
    let w = World::new();
    let (b, t) = w.synced_pair("Zoë Ångström-Nakamura");
    let code = w.invite(&w.building_desk, &b)["short_code"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(w.invite(&w.acme_desk, &t)["short_code"], code.as_str());
    assert_eq!(code.len(), 6);
    assert!(code.chars().all(|c| ALPHABET.contains(c)), "{code}");
    let mut codes: Vec<String> = w
        .synced_pairs(30, "李小龍")
        .into_iter()
        .map(|(b, _)| {
            w.invite(&w.building_desk, &b)["short_code"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    codes.push(code.clone());
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 31, "one code per visit");
    // Typed at the desk in lower case with a dash and a space: "k7m-4qx ".
    let typed = format!("{}-{} ", code[..3].to_lowercase(), code[3..].to_lowercase());
    assert_eq!(
        frontdesk_core::normalise_short_code(&typed).as_deref(),
        Some(code.as_str())
    );
    let found =
        w.s.get(
            &w.building_desk,
            &format!(
                "/buildings/{}/visitor-logs?q={}",
                w.building,
                typed.replace(' ', "%20")
            ),
        )
        .ok();
    let ids: Vec<&str> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [b.as_str()]);
}

#[test]
fn a_pre_registered_visitor_owes_what_changed_and_gives_it_once() {
    let w = World::new();
    // The building's courier type asks for nothing when the visitor registers on the phone.
    let courier = id(&w
        .s
        .post(
            &w.building_admin,
            &format!("/buildings/{}/visitor-types", w.building),
            json!({"name": "Courier", "requires_photo": false, "requires_nda": false, "questions": []}),
        )
        .ok());
    let mut body = w.invite_body(&w.acme_loc, "محمد الأحمد");
    body["visitor_type_id"] = json!(courier);
    let (b, t) = w.synced_pair_from(body);
    let token = w.registration_token(&b);
    w.s.request(
        "POST",
        &format!("/registrations/{token}"),
        None,
        Some(
            &json!({"visitor": {"name": "محمد الأحمد", "email": "m.alahmad@example.com"},
                     "accepted_ndas": ["location"], "signature": "محمد الأحمد"}),
        ),
    )
    .ok();
    let none = json!({"photo": false, "ndas": [], "questions": []});
    assert_eq!(
        w.s.get(&w.building_desk, &format!("/invites/{b}/arrival-needs"))
            .ok(),
        none
    );

    // Since then the building wants a photo of couriers, and Acme has a new agreement (as an
    // admin's edit of the types would leave them).
    let db = rusqlite::Connection::open(w.s.dir.path().join("frontdesk.db")).unwrap();
    db.busy_timeout(Duration::from_secs(5)).unwrap();
    db.execute(
        "UPDATE visitor_types SET requires_photo = 1 WHERE id = ?1",
        [&courier],
    )
    .unwrap();
    db.execute(
        "UPDATE visitor_types SET nda_text = 'Acme NDA, 2026 edition' WHERE id = ?1",
        [&w.acme_type],
    )
    .unwrap();
    let owed =
        w.s.get(&w.acme_desk, &format!("/invites/{t}/arrival-needs"))
            .ok();
    assert_eq!(owed["photo"], true);
    assert_eq!(
        owed["ndas"],
        json!([{"key": "location", "portal": "location", "text": "Acme NDA, 2026 edition"}])
    );
    assert_eq!(owed["questions"], json!([]));
    // Another tenant sees nothing of it.
    w.s.get(&w.blue_admin, &format!("/invites/{t}/arrival-needs"))
        .refused(404, "not_found");

    // Half of it is refused whole.
    let path = format!("/invites/{b}/arrival-needs");
    w.s.post(
        &w.building_desk,
        &path,
        json!({"accepted_ndas": ["location"], "signature": "محمد الأحمد"}),
    )
    .refused(422, "photo_required");
    assert_eq!(w.s.get(&w.building_desk, &path).ok()["photo"], true);
    let left = w
        .s
        .post(
            &w.building_desk,
            &path,
            json!({"photo": common::photo_url(40, 40), "accepted_ndas": ["location"], "signature": "محمد الأحمد"}),
        )
        .ok();
    assert_eq!(left, none);
    assert_eq!(
        w.s.get(&w.acme_desk, &format!("/invites/{t}/arrival-needs"))
            .ok(),
        none
    );
    let theirs =
        w.s.get(&w.acme_desk, &format!("/invites/{t}/registration"))
            .ok();
    assert_eq!(theirs["nda"]["text"], "Acme NDA, 2026 edition");
    assert_eq!(theirs["has_photo"], true);
    // Given twice (another desk was quicker): nothing is owed any more. The arrival stays the
    // desk's to mark.
    w.s.post(
        &w.building_desk,
        &path,
        json!({"photo": common::photo_url(40, 40)}),
    )
    .refused(409, "nothing_owed");
    assert_eq!(w.invite(&w.building_desk, &b)["status"], "checked_in");
}

fn feed_after(w: &World, token: &str, since: i64, invite: &str) -> Vec<Value> {
    w.s.get(token, &format!("/changes?since={since}")).ok()["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["entity_id"] == invite)
        .map(|c| c["data"].clone())
        .collect()
}

#[test]
fn a_desk_alert_reaches_both_consoles_and_is_cleared_on_both() {
    let w = World::new();
    let (b, t) = w.synced_pair("Zoë Ångström-Nakamura");
    let since = w.s.last_seq();
    let message = "محمد الأحمد: the kiosk's camera failed, take the photo at the desk";
    let v =
        w.s.post(
            &w.acme_desk,
            &format!("/invites/{t}/desk-alert"),
            json!({"message": message}),
        )
        .ok();
    assert_eq!(v["attention"], message);
    for (token, invite) in [(&w.building_desk, &b), (&w.acme_desk, &t)] {
        let seen = feed_after(&w, token, since, invite);
        assert_eq!(seen.last().unwrap()["attention"], message, "{invite}");
    }
    w.s.post(
        &w.blue_admin,
        &format!("/invites/{t}/desk-alert"),
        json!({"message": "x"}),
    )
    .refused(404, "not_found");
    w.s.post(
        &w.building_desk,
        &format!("/invites/{b}/desk-alert"),
        json!({"message": "é".repeat(301)}),
    )
    .refused(422, "too_long");

    let since = w.s.last_seq();
    let v =
        w.s.delete(&w.building_desk, &format!("/invites/{b}/desk-alert"))
            .ok();
    assert!(v["attention"].is_null());
    for (token, invite) in [(&w.building_desk, &b), (&w.acme_desk, &t)] {
        let seen = feed_after(&w, token, since, invite);
        assert!(seen.last().unwrap()["attention"].is_null(), "{invite}");
    }
    let actions: Vec<String> =
        w.s.get(&w.acme_desk, &format!("/invites/{t}/activity"))
            .ok()
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_string())
            .collect();
    assert!(
        actions.ends_with(&["desk_alert".into(), "desk_alert_cleared".into()]),
        "{actions:?}"
    );
}
