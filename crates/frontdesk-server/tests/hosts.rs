//! The host directory: admins manage it, desks pick from it, a CSV imports it all or nothing,
//! the lobby finds linked tenants' hosts without seeing their contacts, invites name a host, and
//! the host is told of the arrival once per visit, in the building's language and time zone.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use common::{id, World};
use serde_json::{json, Value};

/// A page outside the API (the host's "On my way" page), with no token.
fn page(w: &World, method: &str, path: &str) -> (u16, String) {
    let r = reqwest::blocking::Client::new()
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            format!("http://{}{path}", w.s.addr),
        )
        .send()
        .unwrap();
    (r.status().as_u16(), r.text().unwrap())
}

fn hosts_of(w: &World, token: &str, path: &str) -> Vec<Value> {
    w.s.get(token, path).ok()["hosts"]
        .as_array()
        .unwrap()
        .clone()
}

fn names(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|h| h["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn admins_keep_their_directory_and_desks_pick_from_it() {
    let w = World::new();
    let dir = format!("/tenants/{}/hosts", w.acme);
    let zoe = w
        .s
        .post(
            &w.acme_admin,
            &dir,
            json!({"name": "Zoë 山田 Ōkubo", "email": "Zoe.Okubo@Acme.test", "mobile": "+81 90-1234-5678",
                   "location_ids": [w.acme_loc], "lobby_searchable": true}),
        )
        .ok();
    assert_eq!(zoe["email"], "zoe.okubo@acme.test");
    assert_eq!(zoe["mobile"], "+819012345678");
    assert_eq!(zoe["prefs"]["channels"], json!(["email"]));
    let zoe_id = id(&zoe);

    // Bad input: a clear error and nothing stored.
    let before = hosts_of(&w, &w.acme_admin, &dir).len();
    w.s.post(
        &w.acme_admin,
        &dir,
        json!({"name": "Zoe Two", "email": "zoe.okubo@acme.test"}),
    )
    .refused(409, "duplicate_email");
    w.s.post(
        &w.acme_admin,
        &dir,
        json!({"name": "Bad Phone", "email": "p@acme.test", "mobile": "call me"}),
    )
    .refused(422, "invalid_mobile");
    w.s.post(
        &w.acme_admin,
        &dir,
        json!({"name": "Slack", "email": "s@acme.test",
               "prefs": {"channels": ["slack"], "slack_webhook_url": "http://hooks.example.com/x"}}),
    )
    .refused(422, "insecure_url");
    w.s.post(
        &w.acme_admin,
        &dir,
        json!({"name": "Sms", "email": "sms@acme.test", "prefs": {"channels": ["sms"]}}),
    )
    .refused(422, "channel_needs_address");
    w.s.post(
        &w.acme_admin,
        &dir,
        json!({"name": "Elsewhere", "email": "e@acme.test", "location_ids": [w.blue_loc]}),
    )
    .refused(422, "unknown_location");
    assert_eq!(hosts_of(&w, &w.acme_admin, &dir).len(), before);

    // The desk finds the host by any spelling of the name, and only active ones.
    let found = hosts_of(
        &w,
        &w.acme_desk,
        &format!("/locations/{}/hosts?q=ZOE", w.acme_loc),
    );
    assert_eq!(names(&found), ["Zoë 山田 Ōkubo"]);
    let found = hosts_of(
        &w,
        &w.acme_desk,
        &format!("/locations/{}/hosts?q=山田", w.acme_loc),
    );
    assert_eq!(found.len(), 1);
    let mut draft = zoe.clone();
    draft["active"] = json!(false);
    w.s.put(&w.acme_admin, &format!("/hosts/{zoe_id}"), draft)
        .ok();
    assert!(hosts_of(
        &w,
        &w.acme_desk,
        &format!("/locations/{}/hosts?q=zoe", w.acme_loc)
    )
    .is_empty());
    // Another tenant cannot tell the host exists.
    w.s.get(&w.blue_admin, &format!("/hosts/{zoe_id}"))
        .refused(404, "not_found");
    w.s.get(&w.blue_admin, &dir).refused(404, "not_found");
    // Desks read, only admins write.
    w.s.post(
        &w.acme_desk,
        &dir,
        json!({"name": "X", "email": "x@acme.test"}),
    )
    .refused(403, "forbidden");
}

#[test]
fn a_csv_import_reports_every_line_and_applies_all_or_nothing() {
    let w = World::new();
    let import_as = |token: &str, csv: &str, dry: bool| {
        w.s.raw(
            "POST",
            &format!("/tenants/{}/hosts/import?dry_run={dry}", w.acme),
            token,
            "text/csv",
            csv.as_bytes().to_vec(),
        )
    };
    let import = |csv: &str, dry: bool| import_as(&w.acme_admin, csv, dry);
    let dir = format!("/tenants/{}/hosts", w.acme);

    // Wrong columns: the whole file is refused, saying which header to use.
    let r = import("full_name,mail\nAda,ada@acme.test\n", false);
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(
        r.text.contains("missing column(s): name, email"),
        "{}",
        r.text
    );
    assert!(r.text.contains("name,email,mobile,locations"), "{}", r.text);

    // Errors on some lines: each named, and nothing applied (not even the good lines).
    let bad = "name,email,mobile,locations,delegate_email\n\
               Ada Lovelace,ada@acme.test,+44 20 7946 0000,Acme HQ,\n\
               Ada Again,ADA@acme.test,,,\n\
               Bad Phone,phone@acme.test,12ab,,\n\
               Nowhere,nowhere@acme.test,,Atlantis,\n\
               Boss,boss@acme.test,,,nobody@acme.test\n";
    let report = import(bad, false).ok();
    assert_eq!(report["applied"], false);
    assert_eq!(report["errors"], 4, "{report}");
    let lines = report["lines"].as_array().unwrap();
    let message = |line: u64| {
        lines
            .iter()
            .find(|l| l["line"] == line)
            .and_then(|l| l["message"].as_str())
            .unwrap_or("")
            .to_string()
    };
    assert!(message(3).contains("also on line 2"), "{report}");
    assert!(message(4).contains("mobile"), "{report}");
    assert!(message(5).contains("Atlantis"), "{report}");
    assert!(message(6).contains("nobody@acme.test"), "{report}");
    assert!(
        hosts_of(&w, &w.acme_admin, &dir).is_empty(),
        "nothing half-applied"
    );

    // A dry run of a good file says what would happen and changes nothing.
    let good = "name,email,mobile,locations,delegate_email,lobby_searchable,active,channels\n\
                Grace Hopper,grace@acme.test,+1 212 555 0100,Acme HQ,pa@acme.test,yes,yes,email;sms\n\
                محمد الخوارزمي,pa@acme.test,,,,no,,\n";
    let dry = import(good, true).ok();
    assert_eq!(
        (dry["create"].as_u64(), dry["applied"].as_bool()),
        (Some(2), Some(false))
    );
    assert!(hosts_of(&w, &w.acme_admin, &dir).is_empty());

    // Applied: both people, the delegate named by email later in the file.
    let done = import(good, false).ok();
    assert_eq!(done["applied"], true, "{done}");
    let all = hosts_of(&w, &w.acme_admin, &dir);
    assert_eq!(all.len(), 2);
    let grace = all
        .iter()
        .find(|h| h["email"] == "grace@acme.test")
        .unwrap();
    let pa = all.iter().find(|h| h["email"] == "pa@acme.test").unwrap();
    assert_eq!(grace["delegate_id"], pa["id"]);
    assert_eq!(grace["prefs"]["channels"], json!(["email", "sms"]));
    assert_eq!(grace["location_ids"], json!([w.acme_loc]));

    // Again with one change: one update, one unchanged.
    let changed = good.replace("Grace Hopper", "Grace B. Hopper");
    let again = import(&changed, false).ok();
    assert_eq!(
        (again["update"].as_u64(), again["unchanged"].as_u64()),
        (Some(1), Some(1)),
        "{again}"
    );
    // Only the tenant's admins import; another tenant's cannot tell the directory exists.
    for (token, status) in [(&w.acme_desk, 403), (&w.blue_admin, 404)] {
        let r = import_as(token, good, false);
        assert_eq!(r.status, status, "{}", r.text);
    }
}

#[test]
fn the_lobby_finds_linked_tenants_hosts_with_masked_contacts_and_invites_name_them() {
    let w = World::new();
    let add = |token: &str, dir: String, name: &str, email: &str, searchable: bool| {
        id(&w
            .s
            .post(
                token,
                &format!("{dir}/hosts"),
                json!({"name": name, "email": email, "lobby_searchable": searchable}),
            )
            .ok())
    };
    let grace = add(
        &w.acme_admin,
        format!("/tenants/{}", w.acme),
        "Grace Hopper",
        "grace@acme.test",
        true,
    );
    add(
        &w.blue_admin,
        format!("/tenants/{}", w.blue),
        "Grace Private",
        "grace@blue.test",
        false,
    );
    add(
        &w.admin,
        format!("/tenants/{}", w.cobalt),
        "Grace Unlinked",
        "grace@cobalt.test",
        true,
    );
    let guard = add(
        &w.building_admin,
        format!("/buildings/{}", w.building),
        "Grace Guard",
        "guard@tower.test",
        false,
    );

    let hits =
        w.s.get(
            &w.building_desk,
            &format!("/buildings/{}/host-search?q=grace", w.building),
        )
        .ok();
    let hits = hits.as_array().unwrap();
    let mut found = names(hits);
    found.sort();
    // Acme's searchable host and the building's own staff; never Blue's private one or unlinked
    // Cobalt's.
    assert_eq!(found, ["Grace Guard", "Grace Hopper"], "{hits:?}");
    let acme_hit = hits.iter().find(|h| h["id"] == grace.as_str()).unwrap();
    assert_eq!(acme_hit["organisation"], "Acme");
    assert_eq!(acme_hit["location_id"], w.acme_loc.as_str());
    assert_eq!(acme_hit["masked_contact"], "g•••@acme.test");
    let text = serde_json::to_string(hits).unwrap();
    assert!(
        !text.contains("grace@acme.test") && !text.contains("mobile"),
        "{text}"
    );
    // Tenants do not search the lobby.
    assert!(matches!(
        w.s.get(
            &w.acme_admin,
            &format!("/buildings/{}/host-search?q=g", w.building)
        )
        .status,
        403 | 404
    ));

    // A building invite naming Acme's host: both invites of the pair carry the host.
    let mut body = w.invite_body(&w.acme_loc, "Ada Lovelace");
    body["host_id"] = json!(grace);
    body["host_name"] = json!("");
    let r =
        w.s.post(
            &w.building_admin,
            &format!("/buildings/{}/invites", w.building),
            body.clone(),
        )
        .ok();
    assert_eq!(r["sync"]["status"], "synced");
    let copy = r["sync"]["linked_invite_id"].as_str().unwrap();
    assert_eq!(r["invite"]["host_name"], "Grace Hopper");
    let tenant_side = w.invite(&w.acme_admin, copy);
    assert_eq!(tenant_side["host_id"], grace.as_str());
    // The building's own staff can host a visit too; another tenant's person cannot.
    body["host_id"] = json!(guard);
    w.s.post(
        &w.building_admin,
        &format!("/buildings/{}/invites", w.building),
        body.clone(),
    )
    .ok();
    let blue_host = id(&w
        .s
        .get(&w.blue_admin, &format!("/tenants/{}/hosts", w.blue))
        .ok()["hosts"][0]);
    body["host_id"] = json!(blue_host);
    w.s.post(
        &w.building_admin,
        &format!("/buildings/{}/invites", w.building),
        body,
    )
    .refused(422, "unknown_host");
}

/// The newest messages of a kind, as the platform admin lists them.
fn messages(w: &World, kind: &str) -> Vec<Value> {
    w.s.get(&w.admin, "/notifications")
        .ok()
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == kind)
        .cloned()
        .collect()
}

#[test]
fn arrival_tells_the_host_and_delegate_once_and_on_my_way_reaches_both_invites() {
    let w = World::new();
    let dir = format!("/tenants/{}/hosts", w.acme);
    let pa = id(&w
        .s
        .post(
            &w.acme_admin,
            &dir,
            json!({"name": "Pat Assistant", "email": "pa@acme.test"}),
        )
        .ok());
    let grace = id(&w
        .s
        .post(
            &w.acme_admin,
            &dir,
            json!({"name": "Grace Hopper", "email": "grace@acme.test", "delegate_id": pa}),
        )
        .ok());
    let mut body = w.invite_body(&w.acme_loc, "Ada Lovelace");
    body["host_id"] = json!(grace);
    let (b, t) = w.synced_pair_from(body);

    // Checked in on the phone is not arrived: nobody is told.
    w.s.post(
        &w.building_admin,
        &format!("/invites/{b}/check-in"),
        json!({}),
    )
    .ok();
    assert!(messages(&w, "host_arrival").is_empty());
    // Arrived on the tenant's side of the pair: one message to each, on the primary invite.
    w.s.post(&w.acme_desk, &format!("/invites/{t}/arrive"), json!({}))
        .ok();
    w.s.post(&w.building_desk, &format!("/invites/{b}/arrive"), json!({}))
        .refused(409, "already_arrived");
    let sent = messages(&w, "host_arrival");
    let mut to: Vec<&str> = sent
        .iter()
        .map(|n| n["recipient"].as_str().unwrap())
        .collect();
    to.sort();
    assert_eq!(to, ["grace@acme.test", "pa@acme.test"], "{sent:?}");
    assert!(sent.iter().all(|n| n["invite_id"] == b.as_str()));
    // The building's admins see the messages of its invites, but not the tenant's addresses.
    let mut masked: Vec<String> =
        w.s.get(&w.building_admin, "/notifications")
            .ok()
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "host_arrival")
            .map(|n| n["recipient"].as_str().unwrap().to_string())
            .collect();
    masked.sort();
    assert_eq!(masked, ["g•••@acme.test", "p•••@acme.test"]);
    let body = sent[0]["body"].as_str().unwrap();
    assert!(
        body.contains(
            "Ada Lovelace (Analytical Engines) has arrived at Harbour Tower to see Grace Hopper"
        ),
        "{body}"
    );
    assert!(body.contains("London time"), "{body}");
    let view = w.invite(&w.acme_admin, &t);
    assert_eq!(view["host_notice"]["on_my_way_at"], Value::Null);

    // The delegate's link: opening it changes nothing, pressing it tells both desks.
    let token =
        w.s.state
            .store
            .notifications(&frontdesk_store::queries::Visibility::All, 500)
            .unwrap()
            .into_iter()
            .find(|n| n.recipient == "pa@acme.test")
            .and_then(|n| n.link_token)
            .unwrap();
    let (status, opened) = page(&w, "GET", &format!("/on-my-way/{token}"));
    assert_eq!(status, 200);
    assert!(opened.contains("<form method=\"post\">"), "{opened}");
    assert_eq!(
        w.invite(&w.acme_admin, &t)["host_notice"]["on_my_way_at"],
        Value::Null
    );
    let (_, pressed) = page(&w, "POST", &format!("/on-my-way/{token}"));
    assert!(
        pressed.contains("the front desk knows you are on your way"),
        "{pressed}"
    );
    for (who, invite) in [(&w.building_admin, &b), (&w.acme_admin, &t)] {
        let notice = &w.invite(who, invite)["host_notice"];
        assert_eq!(notice["on_my_way_by"], "Pat Assistant", "{notice}");
    }
    let (status, gone) = page(&w, "GET", "/on-my-way/not-a-secret");
    assert_eq!(status, 404);
    assert!(gone.contains("This link is no longer valid"), "{gone}");
}

#[test]
fn messages_read_in_the_buildings_zone_and_language() {
    let w = World::new();
    let place = |name: &str, tz: &str, language: &str| {
        let b = id(&w
            .s
            .post(
                &w.admin,
                "/buildings",
                json!({"name": name, "timezone": tz, "language": language}),
            )
            .ok());
        let t = id(&w
            .s
            .post(&w.admin, "/tenants", json!({"name": format!("{name} Co")}))
            .ok());
        let l = id(&w
            .s
            .post(
                &w.admin,
                &format!("/tenants/{t}/locations"),
                json!({"name": "Floor 12", "building_id": b}),
            )
            .ok());
        (b, l)
    };
    let invite = |b: &str, l: &str| {
        // 14:00–18:00 UTC on a January day: 09:00–13:00 in New York.
        w.s.post(
            &w.admin,
            &format!("/buildings/{b}/invites"),
            json!({"location_id": l, "host_name": "Grace Hopper",
                   "visitor": {"name": "Ada Lovelace", "email": "ada@example.com"},
                   "valid_from": "2027-01-14T14:00:00Z", "valid_to": "2027-01-14T18:00:00Z"}),
        )
        .ok()["notification"]
            .clone()
    };
    let (ny, ny_loc) = place("Hudson Yards 10", "America/New_York", "en");
    let n = invite(&ny, &ny_loc);
    let body = n["body"].as_str().unwrap();
    assert!(
        body.contains("Thu 14 Jan 2027, 09:00–13:00, New York time"),
        "{body}"
    );
    assert!(!body.contains("UTC") && !body.contains("14:00"), "{body}");

    let (paris, paris_loc) = place("Tour Montparnasse", "Europe/Paris", "fr");
    let n = invite(&paris, &paris_loc);
    assert_eq!(
        n["subject"],
        "Votre visite chez Floor 12 à Tour Montparnasse"
    );
    let body = n["body"].as_str().unwrap();
    assert!(
        body.contains("jeu. 14 janv. 2027, 15:00–19:00, heure de Paris"),
        "{body}"
    );

    w.s.post(
        &w.admin,
        "/buildings",
        json!({"name": "X", "timezone": "UTC", "language": "tlh"}),
    )
    .refused(422, "unknown_language");
}

#[test]
fn a_desks_offline_arrival_tells_the_host_once_when_it_reaches_the_portal() {
    let w = World::new();
    let grace = id(&w
        .s
        .post(
            &w.acme_admin,
            &format!("/tenants/{}/hosts", w.acme),
            json!({"name": "Grace Hopper", "email": "grace@acme.test"}),
        )
        .ok());
    let mut body = w.invite_body(&w.acme_loc, "Ada Lovelace");
    body["host_id"] = json!(grace);
    let (b, _) = w.synced_pair_from(body);
    // Queued at the desk ten minutes ago, pushed now; then pushed again (the desk never heard
    // the answer), and a second desk marks the same arrival.
    let arrival = json!({"id": "desk-1-arrive", "invite_id": b, "action": "arrive",
                         "at": (chrono::Utc::now() - chrono::Duration::minutes(10)).to_rfc3339()});
    for _ in 0..2 {
        let r =
            w.s.post(
                &w.building_desk,
                "/mutations",
                json!({"mutations": [arrival]}),
            )
            .ok();
        assert_eq!(r["results"][0]["outcome"], "applied", "{r}");
    }
    let other = json!({"mutations": [{"id": "desk-2-arrive", "invite_id": b, "action": "arrive",
                                      "at": chrono::Utc::now().to_rfc3339()}]});
    let r = w.s.post(&w.building_desk, "/mutations", other).ok();
    assert_eq!(r["results"][0]["outcome"], "conflict", "{r}");
    let told = messages(&w, "host_arrival");
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["recipient"], "grace@acme.test");
    // A visit that never arrives tells nobody.
    let mut body = w.invite_body(&w.acme_loc, "Joan Clarke");
    body["host_id"] = json!(grace);
    let (never, _) = w.synced_pair_from(body);
    w.s.post(
        &w.building_admin,
        &format!("/invites/{never}/cancel"),
        json!({}),
    )
    .ok();
    assert_eq!(messages(&w, "host_arrival").len(), 1);
}
