//! The combined check-in flow over HTTP: one link, both portals' questions (building first), one
//! photo, each NDA once, one submission checking in both invites.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use base64::Engine;
use chrono::Duration;
use common::World;
use serde_json::{json, Value};

/// A real PNG picture as the visitor's page would send it.
fn photo(size: u32) -> String {
    common::photo_url(size, size)
}

fn open(w: &World, token: &str) -> common::Resp {
    w.s.request("GET", &format!("/registrations/{token}"), None, None)
}

fn submit(w: &World, token: &str, body: &Value) -> common::Resp {
    w.s.request("POST", &format!("/registrations/{token}"), None, Some(body))
}

fn good(photo_url: &str) -> Value {
    json!({
        "visitor": {"name": "Ada King", "email": "ada@example.com", "mobile": "+44 7700 900123"},
        "answers": {"building.q1": false, "location.q1": "Vega", "location.q2": "Arriving by bike"},
        "photo": photo_url,
        "accepted_ndas": ["building", "location"],
        "signature": "Ada King"
    })
}

#[test]
fn the_flow_asks_the_default_fields_once_then_building_then_tenant_questions() {
    let (w, b, _, token) = common::flow_world();
    let f = open(&w, &token).ok();
    assert_eq!(f["invite_id"], b.as_str());
    assert_eq!(f["status"], "invited");
    assert_eq!(f["visitor"]["name"], "Ada Lovelace");
    let q: Vec<(&str, &str)> = f["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q["key"].as_str().unwrap(), q["portal"].as_str().unwrap()))
        .collect();
    assert_eq!(
        q,
        [
            ("building.q1", "building"),
            ("location.q1", "location"),
            ("location.q2", "location")
        ]
    );
    assert_eq!(f["questions"][1]["options"], json!(["Orion", "Vega"]));
    assert_eq!(f["photo_required"], true);
    let ndas: Vec<&str> = f["ndas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        ndas,
        [
            "Harbour Tower house rules",
            "Acme confidentiality agreement"
        ]
    );
    assert_eq!(f["building_name"], "Harbour Tower");
    assert_eq!(
        f["timezone"], "Europe/London",
        "times on the building's clock"
    );
    assert!(
        f.get("tenant_id").is_none(),
        "the page gets only what it shows"
    );
}

#[test]
fn one_submission_checks_in_both_and_keeps_each_sides_answers() {
    let (w, b, t, token) = common::flow_world();
    let done = submit(&w, &token, &good(&photo(64))).ok();
    assert_eq!(done["status"], "checked_in");
    let (bi, ti) = (w.invite(&w.building_admin, &b), w.invite(&w.acme_admin, &t));
    assert_eq!(
        (bi["status"].clone(), ti["status"].clone()),
        (json!("checked_in"), json!("checked_in"))
    );
    assert_eq!(bi["checked_in_at"], ti["checked_in_at"]);
    assert_eq!(bi["checked_in_at"], done["checked_in_at"]);
    assert_eq!(
        ti["visitor"]["name"], "Ada King",
        "default fields update both invites"
    );
    assert_eq!(
        ti["visitor"]["company"], "Analytical Engines",
        "what the page does not ask is kept"
    );

    let br =
        w.s.get(&w.building_desk, &format!("/invites/{b}/registration"))
            .ok();
    let tr =
        w.s.get(&w.acme_desk, &format!("/invites/{t}/registration"))
            .ok();
    let keys = |r: &Value| {
        r["answers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["key"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(&br), ["building.q1"]);
    assert_eq!(br["answers"][0]["value"], "no");
    assert_eq!(keys(&tr), ["location.q1", "location.q2"]);
    assert_eq!(br["nda"]["text"], "Harbour Tower house rules");
    assert_eq!(tr["nda"]["text"], "Acme confidentiality agreement");
    assert_eq!(tr["nda"]["signature"], "Ada King");
    assert_eq!(
        (br["has_photo"].clone(), tr["has_photo"].clone()),
        (json!(true), json!(true))
    );

    // The photo goes to those who work either side, and nobody else.
    let img = reqwest::blocking::Client::new()
        .get(format!("{}/invites/{t}/photo", w.s.base))
        .bearer_auth(&w.acme_desk)
        .send()
        .unwrap();
    assert_eq!(img.status(), 200);
    assert_eq!(img.headers()["content-type"], "image/png");
    assert!(img.bytes().unwrap().starts_with(b"\x89PNG"));
    w.s.get(&w.blue_admin, &format!("/invites/{t}/photo"))
        .refused(404, "not_found");
    w.s.get(&w.blue_admin, &format!("/invites/{t}/registration"))
        .refused(404, "not_found");

    // The link works once; afterwards it opens nothing, and shows nothing of the visit to
    // whoever holds it now (a forwarded email, a shared phone).
    submit(&w, &token, &good(&photo(64))).refused(409, "already_registered");
    let used = open(&w, &token);
    used.refused(409, "already_registered");
    for personal in [
        "Ada", "King", "Lovelace", "example", "+44", "Grace", "Harbour", "Acme",
    ] {
        assert!(!used.text.contains(personal), "{personal} in {}", used.text);
    }
    // Still so once the visitor has arrived.
    w.s.post(&w.acme_desk, &format!("/invites/{t}/arrive"), json!({}))
        .ok();
    open(&w, &token).refused(409, "already_registered");
    let log =
        w.s.get(&w.acme_admin, &format!("/invites/{t}/activity"))
            .ok();
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "checked_in" && e["detail"]["via"] == "registration"));
}

#[test]
fn bad_answers_and_bad_photos_are_refused_and_nothing_is_stored() {
    let (w, b, _, token) = common::flow_world();
    let before = w.s.last_seq();
    let mut cases: Vec<(Value, u16, &str)> = vec![];
    let mut missing = good(&photo(16));
    missing["answers"]
        .as_object_mut()
        .unwrap()
        .remove("location.q1");
    cases.push((missing, 422, "missing_answer"));
    let mut not_offered = good(&photo(16));
    not_offered["answers"]["location.q1"] = json!("Lyra");
    cases.push((not_offered, 422, "invalid_answer"));
    let mut unknown = good(&photo(16));
    unknown["answers"]["location.q9"] = json!("x");
    cases.push((unknown, 422, "unknown_question"));
    let mut long = good(&photo(16));
    long["answers"]["location.q2"] = json!("x".repeat(1001));
    cases.push((long, 422, "invalid_answer"));
    let mut no_nda = good(&photo(16));
    no_nda["accepted_ndas"] = json!(["building"]);
    cases.push((no_nda, 422, "nda_not_accepted"));
    let mut unsigned = good(&photo(16));
    unsigned["signature"] = json!(" ");
    cases.push((unsigned, 422, "missing_signature"));
    cases.push((good(""), 422, "photo_required"));
    let text = format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(b"this is not a picture")
    );
    cases.push((good(&text), 422, "invalid_photo"));
    // Over 5 MB of picture, under the request limit.
    let mut big = vec![0xFF, 0xD8, 0xFF, 0xE0];
    big.resize(5 * 1024 * 1024 + 10, 7);
    let big = format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&big)
    );
    cases.push((good(&big), 422, "photo_too_large"));
    let mut no_name = good(&photo(16));
    no_name["visitor"]["name"] = json!("");
    cases.push((no_name, 422, "missing_field"));
    for (body, status, code) in cases {
        submit(&w, &token, &body).refused(status, code);
    }
    // Far beyond any photo: refused from its announced size, before it is read.
    w.s.announce_body(&format!("/registrations/{token}"), 9 * 1024 * 1024)
        .refused(413, "payload_too_large");
    submit(&w, &token, &json!({"visitor": "Ada"})).refused(422, "invalid_body");

    assert_eq!(w.s.last_seq(), before, "nothing was written");
    assert_eq!(w.invite(&w.admin, &b)["status"], "invited");
    let r =
        w.s.get(&w.admin, &format!("/invites/{b}/registration"))
            .ok();
    assert!(
        r["answers"].as_array().unwrap().is_empty()
            && r["nda"].is_null()
            && r["has_photo"] == false
    );
    submit(&w, &token, &good(&photo(16))).ok();
}

#[test]
fn unknown_replaced_cancelled_and_expired_links_are_dead() {
    let (w, b, t, token) = common::flow_world();
    open(&w, "0123456789abcdef").refused(404, "not_found");
    submit(&w, "0123456789abcdef", &good(&photo(8))).refused(404, "not_found");

    // A resend (from either side) issues a new link; the old one stops working.
    w.s.post(&w.acme_desk, &format!("/invites/{t}/resend"), json!({}))
        .ok();
    open(&w, &token).refused(409, "link_replaced");
    let fresh = w.registration_token(&b);
    assert_ne!(fresh, token);
    open(&w, &fresh).ok();

    w.s.post(&w.acme_admin, &format!("/invites/{t}/cancel"), json!({}))
        .ok();
    open(&w, &fresh).refused(409, "invite_cancelled");
    submit(&w, &fresh, &good(&photo(8))).refused(409, "invite_cancelled");

    let (w2, _, _, token2) = common::flow_world();
    w2.s.clock().advance(Duration::hours(9));
    open(&w2, &token2).refused(409, "invite_expired");
}

#[test]
fn admins_preview_the_merged_flow_of_a_building_and_location_pair() {
    let (w, _, _, _) = common::flow_world();
    let building_types =
        w.s.get(
            &w.building_admin,
            &format!("/buildings/{}/visitor-types", w.building),
        )
        .ok();
    let guest = building_types
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "Guest")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let url = format!(
        "/locations/{}/flow-preview?building_visitor_type_id={guest}",
        w.acme_loc
    );
    for token in [&w.building_admin, &w.acme_admin] {
        let f = w.s.get(token, &url).ok();
        assert_eq!(f["questions"].as_array().unwrap().len(), 3);
        assert_eq!(f["ndas"].as_array().unwrap().len(), 2);
    }
    w.s.get(&w.blue_admin, &url).refused(404, "not_found");
    w.s.get(&w.acme_desk, &url).refused(404, "not_found");
    w.s.get(
        &w.building_admin,
        &format!(
            "/locations/{}/flow-preview?building_visitor_type_id={}",
            w.acme_loc, w.acme_type
        ),
    )
    .refused(422, "unknown_visitor_type");
}
