//! Every row of "Managing synced invites", both sync directions, the four preconditions with
//! their reasons, and the card rules, against the real server over HTTP.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use chrono::Duration;
use common::{id, validity, World};
use serde_json::{json, Value};

fn reasons(r: &Value) -> Vec<String> {
    r["sync"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_building_invite_for_a_synced_tenant_gets_a_linked_copy() {
    let w = World::new();
    let r = w.building_invite(&w.acme_loc, "Ada Lovelace");
    assert_eq!(r["sync"]["status"], "synced");
    assert!(reasons(&r).is_empty());
    let b = &r["invite"];
    let copy_id = r["sync"]["linked_invite_id"].as_str().unwrap();
    let copy = w.invite(&w.acme_admin, copy_id);
    assert_eq!(b["portal"], json!({"kind": "building", "id": w.building}));
    assert_eq!(
        copy["portal"],
        json!({"kind": "location", "id": w.acme_loc})
    );
    assert_eq!(
        (b["origin"].clone(), copy["origin"].clone()),
        (json!("building"), json!("building"))
    );
    assert_eq!(
        (b["primary"].clone(), copy["primary"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(copy["linked_invite_id"], b["id"]);
    assert_eq!(
        copy["visitor_type_id"].as_str(),
        Some(w.acme_type.as_str()),
        "the mapped type"
    );
    for f in ["visitor", "valid_from", "valid_to", "host_name", "status"] {
        assert_eq!(copy[f], b[f], "{f} differs");
    }
    // The same person, in the tenant's own record of them.
    assert_ne!(copy["profile_id"], b["profile_id"]);
    for f in ["name", "email", "mobile", "company"] {
        assert_eq!(copy["profile"][f], b["profile"][f], "profile {f} differs");
    }
    // The tenant sees its copy, never the building's own invite.
    w.s.get(&w.acme_admin, &format!("/invites/{}", id(b)))
        .refused(404, "not_found");
}

#[test]
fn each_failed_precondition_is_named_and_the_invite_stays_in_the_building() {
    let w = World::new();
    let blue = w.building_invite(&w.blue_loc, "Scout Finch");
    assert_eq!(blue["sync"]["status"], "not_synced");
    assert_eq!(
        reasons(&blue),
        ["sync_building_invitations_off", "visitor_type_not_mapped"]
    );
    assert!(blue["sync"]["linked_invite_id"].is_null());
    assert!(blue["invite"]["linked_invite_id"].is_null());

    let cobalt = w.building_invite(&w.cobalt_loc, "Pierre Dupont");
    assert_eq!(
        reasons(&cobalt),
        [
            "tenant_not_linked",
            "sync_building_invitations_off",
            "visitor_type_not_mapped"
        ]
    );

    // Visitor Management off at Acme: only that condition fails.
    let settings = format!("/locations/{}/settings", w.acme_loc);
    let mut s = w.s.get(&w.acme_admin, &settings).ok();
    s["visitor_management_enabled"] = json!(false);
    w.s.put(&w.acme_admin, &settings, s.clone()).ok();
    let r = w.building_invite(&w.acme_loc, "Joan Clarke");
    assert_eq!(reasons(&r), ["visitor_management_disabled"]);

    // Sync toggled off, type still mapped.
    s["visitor_management_enabled"] = json!(true);
    s["sync_building_invitations"] = json!(false);
    w.s.put(&w.acme_admin, &settings, s.clone()).ok();
    assert_eq!(
        reasons(&w.building_invite(&w.acme_loc, "Alan Turing")),
        ["sync_building_invitations_off"]
    );

    // The tenant unlinked by the building.
    s["sync_building_invitations"] = json!(true);
    w.s.put(&w.acme_admin, &settings, s).ok();
    w.s.delete(
        &w.building_admin,
        &format!("/buildings/{}/tenant-links/{}", w.building, w.acme),
    )
    .ok();
    assert_eq!(
        reasons(&w.building_invite(&w.acme_loc, "Hedy Lamarr")),
        ["tenant_not_linked"]
    );

    // None of the unsynced invites reached a tenant's logs.
    for (token, loc) in [
        (&w.blue_admin, &w.blue_loc),
        (&w.cobalt_admin, &w.cobalt_loc),
    ] {
        let logs =
            w.s.get(token, &format!("/locations/{loc}/visitor-logs"))
                .ok();
        assert_eq!(logs["items"].as_array().unwrap().len(), 0);
    }
}

#[test]
fn the_tenant_admin_turns_sync_on_by_mapping_a_type() {
    let w = World::new();
    let settings = format!("/locations/{}/settings", w.blue_loc);
    let on = json!({"visitor_management_enabled": true, "sync_building_invitations": true,
                    "card_sync_enabled": false});
    let before = w.s.last_seq();
    w.s.put(&w.blue_admin, &settings, on.clone())
        .refused(422, "visitor_type_not_mapped");
    let mut foreign = on.clone();
    foreign["sync_visitor_type_id"] = json!(w.acme_type);
    w.s.put(&w.blue_admin, &settings, foreign)
        .refused(422, "visitor_type_not_mapped");
    assert_eq!(w.s.last_seq(), before, "refused settings change nothing");
    assert_eq!(
        w.s.get(&w.blue_admin, &settings).ok()["sync_building_invitations"],
        false
    );
    // Building staff do not own the tenant's settings.
    w.s.put(&w.building_admin, &settings, on.clone())
        .refused(404, "not_found");
    w.s.get(
        &w.blue_admin,
        &format!("/locations/{}/settings", w.acme_loc),
    )
    .refused(404, "not_found");

    let mut mapped = on;
    mapped["sync_visitor_type_id"] = json!(w.blue_type);
    w.s.put(&w.blue_admin, &settings, mapped).ok();
    let r = w.building_invite(&w.blue_loc, "Scout Finch");
    assert_eq!(r["sync"]["status"], "synced");
    let copy = w.invite(
        &w.blue_admin,
        r["sync"]["linked_invite_id"].as_str().unwrap(),
    );
    assert_eq!(copy["visitor_type_id"].as_str(), Some(w.blue_type.as_str()));
}

#[test]
fn a_tenant_invite_reaches_the_building_when_the_tenant_is_linked() {
    let w = World::new();
    let r = w.tenant_invite("Joan Clarke");
    assert_eq!(r["sync"]["status"], "synced");
    let tenant = &r["invite"];
    assert_eq!(tenant["origin"], "tenant");
    assert_eq!(tenant["primary"], true);
    let copy = w.invite(
        &w.building_desk,
        r["sync"]["linked_invite_id"].as_str().unwrap(),
    );
    assert_eq!(copy["origin"], "tenant");
    assert_eq!(copy["primary"], false);
    assert_eq!(copy["portal"]["kind"], "building");

    let mut body = w.invite_body(&w.cobalt_loc, "Pierre Dupont");
    body["visitor_type_id"] = Value::Null;
    let r =
        w.s.post(
            &w.cobalt_admin,
            &format!("/locations/{}/invites", w.cobalt_loc),
            body,
        )
        .ok();
    assert_eq!(reasons(&r), ["tenant_not_linked"]);

    // A location with Visitor Management off takes no invites.
    let settings = format!("/locations/{}/settings", w.cobalt_loc);
    w.s.put(
        &w.cobalt_admin,
        &settings,
        json!({"visitor_management_enabled": false, "sync_building_invitations": false,
               "card_sync_enabled": false}),
    )
    .ok();
    let mut body = w.invite_body(&w.cobalt_loc, "Late");
    body["visitor_type_id"] = Value::Null;
    w.s.post(
        &w.cobalt_admin,
        &format!("/locations/{}/invites", w.cobalt_loc),
        body,
    )
    .refused(409, "visitor_management_disabled");
}

#[test]
fn visitor_details_update_the_profile_only_or_the_invites_too_on_both_sides() {
    let w = World::new();
    let (b, t) = w.synced_pair("Ada Lovelace");
    w.s.patch(
        &w.acme_desk,
        &format!("/invites/{t}/visitor"),
        json!({"scope": "profile", "company": "Babbage & Co"}),
    )
    .ok();
    let (bi, ti) = (w.invite(&w.building_admin, &b), w.invite(&w.acme_admin, &t));
    assert_eq!(bi["profile"]["company"], "Babbage & Co");
    assert_eq!(ti["profile"]["company"], "Babbage & Co");
    assert_eq!(
        bi["visitor"]["company"], "Analytical Engines",
        "invite copy untouched"
    );
    assert_eq!(ti["visitor"]["company"], "Analytical Engines");

    w.s.patch(
        &w.building_admin,
        &format!("/invites/{b}/visitor"),
        json!({"scope": "invite_and_profile", "name": "Augusta Ada King", "mobile": ""}),
    )
    .ok();
    let (bi, ti) = (w.invite(&w.building_admin, &b), w.invite(&w.acme_admin, &t));
    for i in [&bi, &ti] {
        assert_eq!(i["visitor"]["name"], "Augusta Ada King");
        assert!(i["visitor"]["mobile"].is_null(), "empty string clears");
        assert_eq!(i["profile"]["name"], "Augusta Ada King");
    }
    assert_eq!(bi["visitor"], ti["visitor"]);
}

#[test]
fn validity_changes_only_from_the_primary_and_carries_the_card() {
    let w = World::new();
    let (b, t) = w.synced_pair("Ada Lovelace");
    w.s.put(
        &w.acme_desk,
        &format!("/invites/{t}/card"),
        json!({"number": "4411", "format": "H10301"}),
    )
    .ok();
    let (from, to) = validity(1, 20);
    let before = w.s.last_seq();
    w.s.put(
        &w.acme_admin,
        &format!("/invites/{t}/validity"),
        json!({"valid_from": from, "valid_to": to}),
    )
    .refused(409, "not_primary");
    assert_eq!(w.s.last_seq(), before);
    let bi =
        w.s.put(
            &w.building_admin,
            &format!("/invites/{b}/validity"),
            json!({"valid_from": from, "valid_to": to}),
        )
        .ok();
    let ti = w.invite(&w.acme_admin, &t);
    assert_eq!(bi["valid_to"], ti["valid_to"]);
    assert_eq!(bi["valid_from"], ti["valid_from"]);
    assert_eq!(ti["card"]["valid_to"], bi["valid_to"], "the card follows");
    assert_eq!(bi["card"]["valid_to"], bi["valid_to"]);

    // A tenant-created pair: the building side is the secondary one.
    let r = w.tenant_invite("Joan Clarke");
    let copy = r["sync"]["linked_invite_id"].as_str().unwrap();
    w.s.put(
        &w.building_admin,
        &format!("/invites/{copy}/validity"),
        json!({"valid_from": from, "valid_to": to}),
    )
    .refused(409, "not_primary");
    w.s.put(
        &w.acme_admin,
        &format!("/invites/{}/validity", id(&r["invite"])),
        json!({"valid_from": from, "valid_to": to}),
    )
    .ok();
    assert_eq!(
        w.invite(&w.building_admin, copy)["valid_to"],
        w.invite(&w.acme_admin, &id(&r["invite"]))["valid_to"]
    );
}

fn notifications_for(w: &World, invite: &str) -> Vec<Value> {
    w.s.get(&w.admin, "/notifications")
        .ok()
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["invite_id"] == invite)
        .cloned()
        .collect()
}

#[test]
fn one_invitation_per_pair_and_resend_always_from_the_primary() {
    let w = World::new();
    let (b, t) = w.synced_pair("Ada Lovelace");
    let sent = notifications_for(&w, &b);
    assert_eq!(sent.len(), 1, "one message for the pair");
    assert!(
        notifications_for(&w, &t).is_empty(),
        "never one from the copy"
    );
    assert_eq!(sent[0]["recipient"], "ada.lovelace@example.com");
    assert_eq!(sent[0]["channel"], "email");

    let r =
        w.s.post(&w.acme_desk, &format!("/invites/{t}/resend"), json!({}))
            .ok();
    assert_eq!(r["notification"]["invite_id"], b.as_str());
    assert_eq!(r["notification"]["portal"]["kind"], "building");
    w.s.post(&w.building_desk, &format!("/invites/{b}/resend"), json!({}))
        .ok();
    assert_eq!(notifications_for(&w, &b).len(), 3);
    assert!(notifications_for(&w, &t).is_empty());
    // The tenant's admin sees what went out for its visitors? No: the message is the building's.
    let tenant_view = w.s.get(&w.acme_admin, "/notifications").ok();
    assert!(tenant_view
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["portal"]["kind"] == "location"));

    let mut quiet = w.invite_body(&w.acme_loc, "Quiet Visitor");
    quiet["notify"] = json!(false);
    let r =
        w.s.post(
            &w.building_admin,
            &format!("/buildings/{}/invites", w.building),
            quiet,
        )
        .ok();
    assert!(r["notification"].is_null());
    assert!(notifications_for(&w, &id(&r["invite"])).is_empty());

    w.s.post(
        &w.acme_desk,
        &format!("/invites/{t}/cancel"),
        json!({"reason": "ill"}),
    )
    .ok();
    w.s.post(&w.acme_desk, &format!("/invites/{t}/resend"), json!({}))
        .refused(409, "not_resendable");
}

#[test]
fn cancel_from_either_side_cancels_both_at_the_same_instant() {
    let w = World::new();
    let (b, t) = w.synced_pair("Ada Lovelace");
    let ti =
        w.s.post(
            &w.acme_admin,
            &format!("/invites/{t}/cancel"),
            json!({"reason": "Meeting moved"}),
        )
        .ok();
    let bi = w.invite(&w.building_admin, &b);
    assert_eq!(
        (bi["status"].clone(), ti["status"].clone()),
        (json!("cancelled"), json!("cancelled"))
    );
    assert_eq!(bi["cancelled_at"], ti["cancelled_at"]);
    assert_eq!(bi["cancel_reason"], "Meeting moved");
    w.s.post(
        &w.building_admin,
        &format!("/invites/{b}/cancel"),
        json!({}),
    )
    .refused(409, "invite_cancelled");
    w.s.post(&w.building_desk, &format!("/invites/{b}/arrive"), json!({}))
        .refused(409, "invite_cancelled");

    let (b2, _) = w.synced_pair("Alan Turing");
    w.s.post(
        &w.building_desk,
        &format!("/invites/{b2}/arrive"),
        json!({}),
    )
    .ok();
    w.s.post(
        &w.building_desk,
        &format!("/invites/{b2}/cancel"),
        json!({}),
    )
    .refused(409, "already_arrived");
}

#[test]
fn check_in_arrival_and_check_out_carry_the_same_status_and_timestamp() {
    let w = World::new();
    let (b, t) = w.synced_pair("Ada Lovelace");
    w.s.post(
        &w.building_desk,
        &format!("/invites/{b}/check-out"),
        json!({}),
    )
    .refused(409, "not_arrived");
    let steps = [
        (&w.acme_desk, &t, "check-in", "checked_in", "checked_in_at"),
        (&w.building_desk, &b, "arrive", "arrived", "arrived_at"),
        (
            &w.acme_desk,
            &t,
            "check-out",
            "checked_out",
            "checked_out_at",
        ),
    ];
    for (token, invite, action, status, stamp) in steps {
        w.s.post(token, &format!("/invites/{invite}/{action}"), json!({}))
            .ok();
        let (bi, ti) = (w.invite(&w.building_admin, &b), w.invite(&w.acme_admin, &t));
        assert_eq!(bi["status"], status);
        assert_eq!(ti["status"], status);
        assert!(bi[stamp].is_string());
        assert_eq!(
            bi[stamp], ti[stamp],
            "{stamp} must match to the microsecond"
        );
    }
    w.s.post(&w.acme_desk, &format!("/invites/{t}/check-in"), json!({}))
        .refused(409, "already_checked_out");

    // Activity: every action on both invites, with the portal it was taken in.
    for (token, invite) in [(&w.building_admin, &b), (&w.acme_admin, &t)] {
        let log = w.s.get(token, &format!("/invites/{invite}/activity")).ok();
        let actions: Vec<(&str, &str)> = log
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["action"].as_str().unwrap(),
                    e["portal"]["kind"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            actions,
            [
                ("invite_created", "building"),
                ("checked_in", "location"),
                ("arrived", "building"),
                ("checked_out", "location"),
            ]
        );
        assert!(log[1]["actor_email"] == "desk@acme.test");
    }
}

#[test]
fn an_invite_expires_when_its_validity_ends() {
    let w = World::new();
    let (b, t) = w.synced_pair("Ada Lovelace");
    w.s.clock().advance(Duration::hours(9));
    assert_eq!(w.invite(&w.building_admin, &b)["status"], "expired");
    assert_eq!(w.invite(&w.acme_admin, &t)["status"], "expired");
    w.s.post(&w.building_desk, &format!("/invites/{b}/arrive"), json!({}))
        .refused(409, "invite_expired");
    // The primary revives it with a new window.
    let (from, to) = validity(9, 12);
    w.s.put(
        &w.building_admin,
        &format!("/invites/{b}/validity"),
        json!({"valid_from": from, "valid_to": to}),
    )
    .ok();
    assert_eq!(w.invite(&w.acme_admin, &t)["status"], "invited");
}

#[test]
fn cards_sync_reassign_clash_and_follow_the_visit() {
    let w = World::new();
    let (b, t) = w.synced_pair("Ada Lovelace");
    let card = |number: &str| json!({"number": number, "format": "H10301"});
    let bi =
        w.s.put(
            &w.building_desk,
            &format!("/invites/{b}/card"),
            card("1001"),
        )
        .ok();
    let ti = w.invite(&w.acme_admin, &t);
    assert_eq!(bi["card"]["number"], "1001");
    assert_eq!(ti["card"]["number"], "1001", "synced to the tenant");
    assert_eq!(ti["card"]["synced"], true);

    // The same card on another visitor of the building is refused; another format is another card.
    let (other, _) = w.synced_pair("Alan Turing");
    let before = w.s.last_seq();
    w.s.put(
        &w.building_desk,
        &format!("/invites/{other}/card"),
        card("1001"),
    )
    .refused(409, "card_in_use");
    assert_eq!(w.s.last_seq(), before);
    w.s.put(
        &w.building_desk,
        &format!("/invites/{other}/card"),
        json!({"number": "1001", "format": "MIFARE-1K"}),
    )
    .ok();

    // Reassigning expires the old card on both sides at once: its number is free again.
    w.s.put(&w.acme_desk, &format!("/invites/{t}/card"), card("1002"))
        .ok();
    assert_eq!(w.invite(&w.building_admin, &b)["card"]["number"], "1002");
    assert_eq!(w.invite(&w.acme_admin, &t)["card"]["number"], "1002");
    let (third, _) = w.synced_pair("Grace Hopper");
    w.s.put(
        &w.building_desk,
        &format!("/invites/{third}/card"),
        card("1001"),
    )
    .ok();
    let log =
        w.s.get(&w.acme_admin, &format!("/invites/{t}/activity"))
            .ok();
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "card_reassigned"));

    // Removing a synced card removes it on both.
    w.s.delete(&w.building_desk, &format!("/invites/{b}/card"))
        .ok();
    assert!(w.invite(&w.acme_admin, &t)["card"].is_null());
    w.s.delete(&w.building_desk, &format!("/invites/{b}/card"))
        .refused(409, "no_card");

    // Check-out ends the card on both.
    w.s.put(
        &w.building_desk,
        &format!("/invites/{b}/card"),
        card("1003"),
    )
    .ok();
    w.s.post(&w.building_desk, &format!("/invites/{b}/arrive"), json!({}))
        .ok();
    w.s.post(
        &w.building_desk,
        &format!("/invites/{b}/check-out"),
        json!({}),
    )
    .ok();
    assert!(w.invite(&w.acme_admin, &t)["card"].is_null());
    assert!(w.invite(&w.building_admin, &b)["card"].is_null());
}

#[test]
fn card_sync_off_prompts_and_save_assigns_locally() {
    let w = World::new();
    let (b, t) = w.synced_pair("Ada Lovelace");
    let settings = format!("/locations/{}/settings", w.acme_loc);
    let mut s = w.s.get(&w.acme_admin, &settings).ok();
    s["card_sync_enabled"] = json!(false);
    w.s.put(&w.acme_admin, &settings, s).ok();

    let before = w.s.last_seq();
    let r = w.s.put(
        &w.building_desk,
        &format!("/invites/{b}/card"),
        json!({"number": "77", "format": "H10301"}),
    );
    r.refused(409, "card_sync_blocked");
    assert_eq!(
        r.body["error"]["message"],
        "Card sync blocked. This keycard cannot be synced from the Building Portal because the card sync setting is currently turned off. Contact your system administrator to enable this setting. Would you like to assign this keycard locally instead?"
    );
    assert_eq!(r.body["error"]["choices"], json!(["save", "cancel"]));
    assert_eq!(w.s.last_seq(), before, "Cancel: nothing changed");
    assert!(w.invite(&w.building_admin, &b)["card"].is_null());

    // Save: assign on this portal's invite only.
    let bi =
        w.s.put(
            &w.building_desk,
            &format!("/invites/{b}/card"),
            json!({"number": "77", "format": "H10301", "local_only": true}),
        )
        .ok();
    assert_eq!(bi["card"]["synced"], false);
    assert!(w.invite(&w.acme_admin, &t)["card"].is_null());
    // Local or not, the number is taken in the building.
    let (other, _) = w.synced_pair("Alan Turing");
    w.s.put(
        &w.building_desk,
        &format!("/invites/{other}/card"),
        json!({"number": "77", "format": "H10301", "local_only": true}),
    )
    .refused(409, "card_in_use");
}
