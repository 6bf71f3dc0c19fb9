//! Who may do what: every endpoint, walked with every role and with foreign tenants' and a
//! foreign building's users. Nobody reads or changes what is not theirs, and a refused request
//! leaves the change feed untouched.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use common::{id, World};
use serde_json::{json, Value};

const ACTORS: [&str; 8] = [
    "platform",
    "building_admin",
    "building_desk",
    "other_building_admin",
    "acme_admin",
    "acme_desk",
    "blue_admin",
    "cobalt_admin",
];

fn token<'w>(w: &'w World, actor: &str) -> &'w str {
    match actor {
        "platform" => &w.admin,
        "building_admin" => &w.building_admin,
        "building_desk" => &w.building_desk,
        "other_building_admin" => &w.other_building_admin,
        "acme_admin" => &w.acme_admin,
        "acme_desk" => &w.acme_desk,
        "blue_admin" => &w.blue_admin,
        "cobalt_admin" => &w.cobalt_admin,
        other => panic!("unknown actor {other}"),
    }
}

struct Call {
    method: &'static str,
    path: String,
    body: Option<Value>,
    allowed: &'static [&'static str],
}

const BUILDING_STAFF: &[&str] = &["platform", "building_admin", "building_desk"];
const BUILDING_ADMINS: &[&str] = &["platform", "building_admin"];
const ACME_STAFF: &[&str] = &["platform", "acme_admin", "acme_desk"];
const ACME_ADMINS: &[&str] = &["platform", "acme_admin"];
const PLATFORM: &[&str] = &["platform"];

/// Every endpoint with fresh targets made by the platform admin, so each call meets an invite
/// in the state it expects.
fn calls(w: &World) -> Vec<Call> {
    let b = &w.building;
    let l = &w.acme_loc;
    let c = |method, path: String, body: Option<Value>, allowed| Call {
        method,
        path,
        body,
        allowed,
    };
    let mut v = vec![
        // Everyone working in the building reads it (its name, zone and language).
        c(
            "GET",
            format!("/buildings/{b}"),
            None,
            &[
                "platform",
                "building_admin",
                "building_desk",
                "acme_admin",
                "acme_desk",
                "blue_admin",
                "cobalt_admin",
            ],
        ),
        c(
            "POST",
            "/buildings".into(),
            Some(json!({"name": "New", "timezone": "UTC"})),
            PLATFORM,
        ),
        c(
            "POST",
            "/tenants".into(),
            Some(json!({"name": "New"})),
            PLATFORM,
        ),
        c(
            "POST",
            format!("/tenants/{}/locations", w.acme),
            Some(json!({"name": "Annex", "building_id": b})),
            ACME_ADMINS,
        ),
        c(
            "GET",
            format!("/tenants/{}/locations", w.acme),
            None,
            ACME_STAFF,
        ),
        c("GET", format!("/locations/{l}"), None, ACME_STAFF),
        c(
            "POST",
            format!("/buildings/{b}/tenant-links"),
            Some(json!({"tenant_id": w.cobalt})),
            BUILDING_ADMINS,
        ),
        c(
            "GET",
            format!("/buildings/{b}/tenant-links"),
            None,
            BUILDING_STAFF,
        ),
        c(
            "GET",
            format!("/buildings/{b}/directory"),
            None,
            BUILDING_STAFF,
        ),
        c(
            "DELETE",
            format!("/buildings/{b}/tenant-links/{}", w.blue),
            None,
            BUILDING_ADMINS,
        ),
        c(
            "POST",
            format!("/buildings/{b}/visitor-types"),
            Some(json!({"name": "Courier"})),
            BUILDING_ADMINS,
        ),
        c(
            "GET",
            format!("/buildings/{b}/visitor-types"),
            None,
            BUILDING_STAFF,
        ),
        c(
            "POST",
            format!("/locations/{l}/visitor-types"),
            Some(json!({"name": "Courier"})),
            ACME_ADMINS,
        ),
        c(
            "GET",
            format!("/locations/{l}/visitor-types"),
            None,
            ACME_STAFF,
        ),
        c("GET", format!("/locations/{l}/settings"), None, ACME_ADMINS),
        c(
            "PUT",
            format!("/locations/{l}/settings"),
            Some(
                json!({"visitor_management_enabled": true, "sync_building_invitations": false, "card_sync_enabled": false}),
            ),
            ACME_ADMINS,
        ),
        c(
            "POST",
            format!("/buildings/{b}/invites"),
            Some(w.invite_body(l, "Walk In")),
            BUILDING_STAFF,
        ),
        c(
            "POST",
            format!("/locations/{l}/invites"),
            Some({
                let mut body = w.invite_body(l, "Walk In");
                body["visitor_type_id"] = Value::Null;
                body
            }),
            ACME_STAFF,
        ),
        c(
            "POST",
            "/users".into(),
            Some(
                json!({"email": "new.desk@hq.test", "password": "long enough pw",
            "role": "front_desk", "building_id": b}),
            ),
            BUILDING_ADMINS,
        ),
        c(
            "POST",
            "/users".into(),
            Some(
                json!({"email": "new.desk@acme.test", "password": "long enough pw",
            "role": "front_desk", "location_id": l}),
            ),
            ACME_ADMINS,
        ),
        c(
            "GET",
            format!("/buildings/{b}/visitor-logs"),
            None,
            BUILDING_STAFF,
        ),
        c(
            "GET",
            format!("/buildings/{b}/visitor-logs.csv"),
            None,
            BUILDING_STAFF,
        ),
        c(
            "GET",
            format!("/buildings/{b}/visitor-summary"),
            None,
            BUILDING_STAFF,
        ),
        c(
            "GET",
            format!("/locations/{l}/visitor-logs"),
            None,
            ACME_STAFF,
        ),
        c(
            "GET",
            format!("/locations/{l}/visitor-logs.csv"),
            None,
            ACME_STAFF,
        ),
        c(
            "GET",
            format!("/locations/{l}/visitor-summary"),
            None,
            ACME_STAFF,
        ),
        c(
            "GET",
            format!("/tenants/{}/activity-report", w.acme),
            None,
            ACME_ADMINS,
        ),
        c(
            "GET",
            format!("/buildings/{b}/activity-report"),
            None,
            BUILDING_ADMINS,
        ),
        c(
            "GET",
            "/notifications".into(),
            None,
            &[
                "platform",
                "building_admin",
                "other_building_admin",
                "acme_admin",
                "blue_admin",
                "cobalt_admin",
            ],
        ),
        c(
            "POST",
            format!("/tenants/{}/scim-tokens", w.acme),
            Some(json!({"label": "Okta"})),
            ACME_ADMINS,
        ),
        c(
            "GET",
            format!("/tenants/{}/scim-tokens", w.acme),
            None,
            ACME_ADMINS,
        ),
        c(
            "DELETE",
            format!("/tenants/{}/scim-tokens/{}", w.acme, {
                let t = w.s.post(
                    &w.admin,
                    &format!("/tenants/{}/scim-tokens", w.acme),
                    json!({"label": "Entra ID"}),
                );
                t.ok()["token"]["id"].as_str().unwrap().to_owned()
            }),
            None,
            ACME_ADMINS,
        ),
        c("GET", "/changes".into(), None, &ACTORS),
        c("GET", "/me".into(), None, &ACTORS),
    ];
    // The host directories: a tenant's is its own staff's, the building's its lobby's.
    let host = |dir: &str, email: &str| {
        id(&w
            .s
            .post(
                &w.admin,
                &format!("{dir}/hosts"),
                json!({"name": "Grace Hopper", "email": email}),
            )
            .ok())
    };
    let acme_dir = format!("/tenants/{}", w.acme);
    let building_dir = format!("/buildings/{b}");
    let acme_host = host(&acme_dir, "grace@acme.test");
    let doomed = host(&acme_dir, "leaving@acme.test");
    let staff = host(&building_dir, "guard@tower.test");
    let draft = json!({"name": "Linus Pauling", "email": "linus@acme.test"});
    v.extend([
        c("GET", format!("{acme_dir}/hosts"), None, ACME_STAFF),
        c(
            "POST",
            format!("{acme_dir}/hosts"),
            Some(draft.clone()),
            ACME_ADMINS,
        ),
        c("GET", format!("/locations/{l}/hosts"), None, ACME_STAFF),
        c("GET", format!("/hosts/{acme_host}"), None, ACME_STAFF),
        c(
            "PUT",
            format!("/hosts/{acme_host}"),
            Some(json!({"name": "Grace M. Hopper", "email": "grace@acme.test"})),
            ACME_ADMINS,
        ),
        c("DELETE", format!("/hosts/{doomed}"), None, ACME_ADMINS),
        c("GET", format!("{building_dir}/hosts"), None, BUILDING_STAFF),
        c(
            "POST",
            format!("{building_dir}/hosts"),
            Some(draft),
            BUILDING_ADMINS,
        ),
        c("GET", format!("/hosts/{staff}"), None, BUILDING_STAFF),
        c(
            "GET",
            format!("{building_dir}/host-search?q=gr"),
            None,
            BUILDING_STAFF,
        ),
    ]);
    // Webhook endpoints: a tenant's are its admins', a building's its admins'.
    let hook = json!({"url": "https://hooks.example.com/in", "events": ["visitor.arrived"]});
    let made =
        |path: String| -> String { id(&w.s.post(&w.admin, &path, hook.clone()).ok()["endpoint"]) };
    let acme_hooks = format!("/tenants/{}/webhooks", w.acme);
    let building_hooks = format!("/buildings/{b}/webhooks");
    for (list, admins) in [
        (&acme_hooks, ACME_ADMINS),
        (&building_hooks, BUILDING_ADMINS),
    ] {
        v.push(c("POST", list.clone(), Some(hook.clone()), admins));
        v.push(c("GET", list.clone(), None, admins));
        let gone = made(list.clone());
        v.push(c("DELETE", format!("/webhooks/{gone}"), None, admins));
        let kept = made(list.clone());
        v.push(c(
            "GET",
            format!("/webhooks/{kept}/deliveries"),
            None,
            admins,
        ));
    }
    // The lobby kiosk: the building's front desk and admins only.
    let photo = common::photo_url(24, 32);
    v.push(c(
        "GET",
        format!(
            "/buildings/{b}/walk-in-flow?location_id={l}&visitor_type_id={}",
            w.building_type
        ),
        None,
        BUILDING_STAFF,
    ));
    v.push(c(
        "GET",
        format!("/buildings/{b}/walk-in-places"),
        None,
        BUILDING_STAFF,
    ));
    v.push(c(
        "POST",
        format!("/buildings/{b}/walk-ins"),
        Some(json!({
            "id": "0191d5c3-0000-7000-8000-00000000aaaa", "location_id": l,
            "host_name": "Grace Hopper", "visitor_type_id": w.building_type,
            "submission": {"visitor": {"name": "Zoë Ångström-Nakamura"},
                           "answers": {"building.q1": true}, "photo": photo,
                           "accepted_ndas": ["location"], "signature": "Zoë Ångström-Nakamura"},
            "arrived_at": chrono::Utc::now().to_rfc3339()})),
        BUILDING_STAFF,
    ));
    let owed = json!({"answers": {"building.q1": false}, "photo": photo,
                      "accepted_ndas": ["location"], "signature": "Ada Lovelace"});
    // Each invite action on a fresh synced pair, from each side.
    let actions: [(&'static str, &'static str, Option<Value>); 15] = [
        ("GET", "", None),
        (
            "PATCH",
            "/visitor",
            Some(json!({"scope": "invite_and_profile", "company": "X"})),
        ),
        (
            "PUT",
            "/validity",
            Some(
                json!({"valid_from": common::validity(0, 2).0, "valid_to": common::validity(0, 2).1}),
            ),
        ),
        ("POST", "/resend", Some(json!({}))),
        ("POST", "/cancel", Some(json!({"reason": "r"}))),
        ("POST", "/check-in", None),
        ("POST", "/arrive", None),
        ("POST", "/check-out", None),
        (
            "PUT",
            "/card",
            Some(json!({"number": "9", "format": "H10301"})),
        ),
        ("DELETE", "/card", None),
        ("GET", "/activity", None),
        ("GET", "/arrival-needs", None),
        ("POST", "/arrival-needs", Some(owed)),
        (
            "POST",
            "/desk-alert",
            Some(json!({"message": "The camera failed"})),
        ),
        ("DELETE", "/desk-alert", None),
    ];
    for (i, (method, suffix, body)) in actions.into_iter().enumerate() {
        let (bi, ti) = w.synced_pair(&format!("Pair {i}"));
        v.push(c(
            method,
            format!("/invites/{bi}{suffix}"),
            body.clone(),
            BUILDING_STAFF,
        ));
        v.push(c(
            method,
            format!("/invites/{ti}{suffix}"),
            body.clone(),
            ACME_STAFF,
        ));
        // The building's own, unsynced invite for Blue: Blue never sees it.
        let blue_only = id(&w.building_invite(&w.blue_loc, &format!("Blue {i}"))["invite"]);
        v.push(c(
            method,
            format!("/invites/{blue_only}{suffix}"),
            body,
            BUILDING_STAFF,
        ));
    }
    v
}

#[test]
fn every_endpoint_with_every_role() {
    for actor in ACTORS {
        let w = World::new();
        let t = token(&w, actor).to_string();
        for call in calls(&w) {
            let before = w.s.last_seq();
            let r =
                w.s.request(call.method, &call.path, Some(&t), call.body.as_ref());
            let what = format!(
                "{actor}: {} {} -> {} {}",
                call.method, call.path, r.status, r.text
            );
            if call.allowed.contains(&actor) {
                assert!(
                    (200..300).contains(&r.status) || r.status == 409,
                    "should be allowed: {what}"
                );
            } else {
                assert!(
                    r.status == 403 || r.status == 404,
                    "should be refused: {what}"
                );
                assert_eq!(w.s.last_seq(), before, "a refusal wrote something: {what}");
            }
        }
    }
}

#[test]
fn without_a_token_nothing_but_sign_in() {
    let w = World::new();
    for call in calls(&w) {
        let r =
            w.s.request(call.method, &call.path, None, call.body.as_ref());
        assert_eq!(r.status, 401, "{} {}", call.method, call.path);
        assert_eq!(r.code(), "unauthorized");
        let r = w.s.request(
            call.method,
            &call.path,
            Some("not-a-token"),
            call.body.as_ref(),
        );
        assert_eq!(r.status, 401);
    }
    let r = w.s.request(
        "POST",
        "/auth/login",
        None,
        Some(&json!({"email": common::ADMIN_EMAIL, "password": "wrong password"})),
    );
    r.refused(401, "invalid_credentials");
    let r = w.s.request(
        "POST",
        "/auth/login",
        None,
        Some(&json!({"email": "nobody@x.test", "password": "wrong password"})),
    );
    r.refused(401, "invalid_credentials");
}

#[test]
fn feeds_logs_and_outboxes_hold_only_what_is_theirs() {
    let w = World::new();
    let (b, t) = w.synced_pair("Ada Lovelace");
    let blue_only = id(&w.building_invite(&w.blue_loc, "Scout Finch")["invite"]);

    let ids = |v: &Value, key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["entity_id"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let acme_feed = ids(&w.s.get(&w.acme_admin, "/changes").ok(), "changes");
    assert!(acme_feed.contains(&t));
    assert!(!acme_feed.contains(&b) && !acme_feed.contains(&blue_only));
    let blue_feed = ids(&w.s.get(&w.blue_admin, "/changes").ok(), "changes");
    assert!(!blue_feed
        .iter()
        .any(|e| e == &t || e == &b || e == &blue_only));
    let desk_feed = ids(&w.s.get(&w.building_desk, "/changes").ok(), "changes");
    assert!(desk_feed.contains(&b) && desk_feed.contains(&blue_only) && !desk_feed.contains(&t));
    let other = ids(
        &w.s.get(&w.other_building_admin, "/changes").ok(),
        "changes",
    );
    assert!(other.is_empty());

    let logs =
        w.s.get(
            &w.building_desk,
            &format!("/buildings/{}/visitor-logs", w.building),
        )
        .ok();
    let in_log: Vec<&str> = logs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert!(in_log.contains(&b.as_str()) && !in_log.contains(&t.as_str()));

    for n in
        w.s.get(&w.acme_admin, "/notifications")
            .ok()
            .as_array()
            .unwrap()
    {
        assert_eq!(n["portal"], json!({"kind": "location", "id": w.acme_loc}));
    }
    assert!(w
        .s
        .get(&w.blue_admin, "/notifications")
        .ok()
        .as_array()
        .unwrap()
        .is_empty());
    w.s.get(&w.building_desk, "/notifications")
        .refused(403, "forbidden");
}

#[test]
fn users_are_created_only_inside_the_creators_scope_and_passwords_are_hashed() {
    let w = World::new();
    let make = |token: &str, body: Value| w.s.post(token, "/users", body);
    make(
        &w.acme_admin,
        json!({"email": "x@acme.test", "password": "long enough pw", "role": "platform_admin"}),
    )
    .refused(403, "forbidden");
    make(&w.acme_admin, json!({"email": "x@acme.test", "password": "long enough pw", "role": "front_desk", "location_id": w.blue_loc}))
        .refused(403, "forbidden");
    make(&w.building_admin, json!({"email": "x@hq.test", "password": "long enough pw", "role": "building_admin", "building_id": w.other_building}))
        .refused(403, "forbidden");
    make(&w.building_desk, json!({"email": "x@hq.test", "password": "long enough pw", "role": "front_desk", "building_id": w.building}))
        .refused(403, "forbidden");
    make(&w.admin, json!({"email": "x@hq.test", "password": "short", "role": "front_desk", "building_id": w.building}))
        .refused(422, "weak_password");
    make(
        &w.admin,
        json!({"email": "x@hq.test", "password": "long enough pw", "role": "front_desk"}),
    )
    .refused(422, "invalid_scope");
    make(&w.admin, json!({"email": "ba@hq.test", "password": "long enough pw", "role": "front_desk", "building_id": w.building}))
        .refused(409, "email_taken");
    make(
        &w.admin,
        json!({"email": "x@hq.test", "password": "long enough pw", "role": "janitor"}),
    )
    .refused(422, "invalid_body");

    let hash: String =
        w.s.state
            .store
            .read(|tx| Ok(tx.user_by_email("ba@hq.test")?.unwrap().password_hash))
            .unwrap();
    assert!(hash.starts_with("$argon2id$"), "stored as argon2id: {hash}");
    assert!(!hash.contains(common::PASSWORD));
    // Tokens are random and distinct per sign-in; signing out ends one.
    let t1 = w.s.login("ba@hq.test", common::PASSWORD);
    let t2 = w.s.login("ba@hq.test", common::PASSWORD);
    assert_ne!(t1, t2);
    assert_eq!(t1.len(), 64);
    w.s.request("POST", "/auth/logout", Some(&t1), None);
    assert_eq!(w.s.get(&t1, "/me").status, 401);
    w.s.get(&t2, "/me").ok();
}

#[test]
fn a_tenant_admin_opens_locations_only_in_buildings_that_admitted_the_tenant() {
    let w = World::new();
    let directory = |w: &World| {
        w.s.get(
            &w.building_admin,
            &format!("/buildings/{}/directory", w.building),
        )
        .ok()
    };
    let before = (directory(&w), w.s.last_seq());
    // Cobalt is in no building's tenant list; Acme is not in Quay House's.
    for (token, tenant, building) in [
        (&w.cobalt_admin, &w.cobalt, &w.building),
        (&w.acme_admin, &w.acme, &w.other_building),
    ] {
        w.s.post(
            token,
            &format!("/tenants/{tenant}/locations"),
            json!({"name": "Pop-up office", "building_id": building}),
        )
        .refused(404, "not_found");
    }
    assert_eq!(
        (directory(&w), w.s.last_seq()),
        before,
        "a refusal writes nothing"
    );
    let quay: Value =
        w.s.get(
            &w.other_building_admin,
            &format!("/buildings/{}/directory", w.other_building),
        )
        .ok();
    assert!(!quay.to_string().contains("Pop-up office"));

    // Once the building lists the tenant, its admin may.
    w.s.post(
        &w.building_admin,
        &format!("/buildings/{}/tenant-links", w.building),
        json!({"tenant_id": w.cobalt}),
    )
    .ok();
    let l =
        w.s.post(
            &w.cobalt_admin,
            &format!("/tenants/{}/locations", w.cobalt),
            json!({"name": "Cobalt annex", "building_id": w.building}),
        )
        .ok();
    assert_eq!(l["building_id"], json!(w.building));
    // The operator places any tenant anywhere (setting up a building before its tenant list).
    w.s.post(
        &w.admin,
        &format!("/tenants/{}/locations", w.acme),
        json!({"name": "Acme at the quay", "building_id": w.other_building}),
    )
    .ok();
}
