//! The person behind an invite is each organisation's own record: when the building invites the
//! same person to two synced tenants, an edit from one tenant's side, in either scope, reaches its
//! own pair and never the other tenant's invite or profile; and a tenant reads only what it owns
//! or what its own pair carries.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use common::{id, World};
use serde_json::{json, Value};

struct Visit {
    primary: String,
    copy: String,
}

fn sync_blue(w: &World) {
    w.s.put(
        &w.admin,
        &format!("/locations/{}/settings", w.blue_loc),
        json!({"visitor_management_enabled": true, "sync_building_invitations": true,
               "sync_visitor_type_id": w.blue_type, "card_sync_enabled": true}),
    )
    .ok();
}

fn invite_person(w: &World, location: &str, name: &str, mobile: &str) -> Visit {
    let mut body = w.invite_body(location, name);
    body["visitor"]["email"] = json!("sigrún.ólafsdóttir@example.is");
    body["visitor"]["mobile"] = json!(mobile);
    let r =
        w.s.post(
            &w.building_admin,
            &format!("/buildings/{}/invites", w.building),
            body,
        )
        .ok();
    assert_eq!(r["sync"]["status"], "synced", "{r}");
    Visit {
        primary: id(&r["invite"]),
        copy: r["sync"]["linked_invite_id"].as_str().unwrap().to_string(),
    }
}

/// The visitor and the profile as `token` reads invite `id`.
fn person(w: &World, token: &str, invite: &str) -> (Value, Value) {
    let v = w.invite(token, invite);
    (v["visitor"].clone(), v["profile"].clone())
}

fn profile_id(w: &World, token: &str, invite: &str) -> String {
    w.invite(token, invite)["profile"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn each_organisation_keeps_its_own_record_of_the_person() {
    let w = World::new();
    sync_blue(&w);
    let acme = invite_person(&w, &w.acme_loc, "Sigrún Ólafsdóttir", "+354 611 1111");
    let blue = invite_person(&w, &w.blue_loc, "Sigrún Ólafsdóttir 王", "+354 622 2222");

    // Four records of one person: the building's (both its invites), Acme's and Blue's.
    let b1 = profile_id(&w, &w.building_admin, &acme.primary);
    let b2 = profile_id(&w, &w.building_admin, &blue.primary);
    let a = profile_id(&w, &w.acme_admin, &acme.copy);
    let b = profile_id(&w, &w.blue_admin, &blue.copy);
    assert_eq!(b1, b2, "the building keeps one record of the person");
    assert!(a != b && a != b1 && b != b1, "{a} {b} {b1}");

    // Acme reads what the building entered for Acme's visit, not what it entered for Blue's.
    let (visitor, profile) = person(&w, &w.acme_admin, &acme.copy);
    assert_eq!(visitor["mobile"], "+3546111111");
    assert_eq!(profile["mobile"], "+3546111111");
    assert_eq!(profile["name"], "Sigrún Ólafsdóttir");
    // And cannot open Blue's invites at all.
    w.s.get(&w.acme_admin, &format!("/invites/{}", blue.copy))
        .refused(404, "not_found");
    w.s.get(&w.acme_admin, &format!("/invites/{}", blue.primary))
        .refused(404, "not_found");
}

#[test]
fn edits_in_every_scope_from_every_side_stay_with_their_own_pair() {
    let w = World::new();
    sync_blue(&w);
    let acme = invite_person(&w, &w.acme_loc, "Sigrún Ólafsdóttir", "+354 611 1111");
    let blue = invite_person(&w, &w.blue_loc, "Sigrún Ólafsdóttir", "+354 622 2222");
    let blue_before = person(&w, &w.blue_admin, &blue.copy);

    let sides = [
        ("Acme's copy", w.acme_admin.clone(), acme.copy.clone()),
        (
            "the building's invite for Acme",
            w.building_admin.clone(),
            acme.primary.clone(),
        ),
    ];
    for (n, (side, token, invite)) in sides.iter().enumerate() {
        for scope in ["profile", "invite_and_profile"] {
            let name = format!("Сигрун Олафсдоттир {n} {scope}");
            let mobile = format!("+354 6{n}{} 0000", scope.len());
            let r = w.s.patch(
                token,
                &format!("/invites/{invite}/visitor"),
                json!({"scope": scope, "name": name, "mobile": mobile}),
            );
            r.clone().ok();
            // Both records of Acme's pair show the change…
            let (_, acme_copy_profile) = person(&w, &w.acme_admin, &acme.copy);
            let (_, acme_primary_profile) = person(&w, &w.building_admin, &acme.primary);
            assert_eq!(acme_copy_profile["name"], name, "{side} {scope}");
            assert_eq!(acme_primary_profile["name"], name, "{side} {scope}");
            if scope == "invite_and_profile" {
                let (acme_copy_visitor, _) = person(&w, &w.acme_admin, &acme.copy);
                let (acme_primary_visitor, _) = person(&w, &w.building_admin, &acme.primary);
                let stored = mobile.replace(' ', "");
                assert_eq!(acme_copy_visitor["mobile"], stored);
                assert_eq!(acme_primary_visitor["mobile"], stored);
            }
            // …and Blue's copy, invite and profile, is exactly as it was.
            assert_eq!(
                person(&w, &w.blue_admin, &blue.copy),
                blue_before,
                "an edit from {side} ({scope}) reached Blue"
            );
            // The building's own invite for Blue keeps its visitor details.
            let (blue_primary_visitor, _) = person(&w, &w.building_admin, &blue.primary);
            assert_eq!(blue_primary_visitor["mobile"], "+3546222222");
        }
    }

    // The other way round: edits from Blue's side, Blue's copy or the building's invite for
    // Blue, never reach Acme's copy.
    let acme_before = person(&w, &w.acme_admin, &acme.copy);
    let blue_sides = [
        ("Blue", w.blue_admin.clone(), blue.copy.clone()),
        (
            "the building for Blue",
            w.building_admin.clone(),
            blue.primary.clone(),
        ),
    ];
    for (side, token, invite) in &blue_sides {
        for scope in ["profile", "invite_and_profile"] {
            let name = format!("{side}'s {scope}");
            w.s.patch(
                token,
                &format!("/invites/{invite}/visitor"),
                json!({"scope": scope, "name": name, "company": "Ørsted"}),
            )
            .ok();
            assert_eq!(person(&w, &w.acme_admin, &acme.copy), acme_before, "{name}");
            assert_eq!(person(&w, &w.blue_admin, &blue.copy).1["name"], name);
        }
    }
}
