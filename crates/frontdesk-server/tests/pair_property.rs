//! Random sequences of API actions on linked pairs, from either side, checked after every step
//! against a model of the rules and for agreement between the two invites.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use common::{validity, World};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Side {
    Building,
    Tenant,
}

#[derive(Debug, Clone)]
enum Action {
    CheckIn,
    Arrive,
    CheckOut,
    Cancel,
    Validity(i64),
    Visitor { whole: bool, name: u8 },
    AssignCard { n: u8, local: bool },
    RemoveCard,
    Resend,
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        Just(Action::CheckIn),
        Just(Action::Arrive),
        Just(Action::CheckOut),
        Just(Action::Cancel),
        (1i64..6).prop_map(Action::Validity),
        (any::<bool>(), 0u8..4).prop_map(|(whole, name)| Action::Visitor { whole, name }),
        (0u8..3, any::<bool>()).prop_map(|(n, local)| Action::AssignCard { n, local }),
        Just(Action::RemoveCard),
        Just(Action::Resend),
    ]
}

fn side() -> impl Strategy<Value = Side> {
    prop_oneof![Just(Side::Building), Just(Side::Tenant)]
}

/// What the rules say the pair should look like.
#[derive(Debug, Clone, PartialEq)]
struct Model {
    status: &'static str,
    /// Active card number per side: (building, tenant).
    cards: (Option<String>, Option<String>),
    card_synced: bool,
}

fn open(status: &str) -> bool {
    matches!(status, "invited" | "checked_in" | "arrived")
}

#[test]
fn linked_pairs_stay_aligned_under_random_actions() {
    let w = World::new();
    let settings = format!("/locations/{}/settings", w.acme_loc);
    // Card numbers are unique per case: earlier cases' cards are still active in the building.
    let counter = std::sync::atomic::AtomicU32::new(0);
    let mut runner = TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec((side(), action()), 1..14),
    );
    runner
        .run(&strategy, |(tenant_created, card_sync, steps)| {
            let case = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut s = w.s.get(&w.acme_admin, &settings).ok();
            s["card_sync_enabled"] = json!(card_sync);
            w.s.put(&w.acme_admin, &settings, s).ok();

            // A fresh pair: building-created (building primary) or tenant-created.
            let (building_id, tenant_id) = if tenant_created {
                let r = w.tenant_invite("Pair Visitor");
                (r["sync"]["linked_invite_id"].as_str().unwrap().to_string(), common::id(&r["invite"]))
            } else {
                w.synced_pair("Pair Visitor")
            };
            let primary = if tenant_created { Side::Tenant } else { Side::Building };
            let mut m = Model { status: "invited", cards: (None, None), card_synced: false };

            for (who, act) in steps {
                let (token, me) = match who {
                    Side::Building => (&w.building_desk, &building_id),
                    Side::Tenant => (&w.acme_desk, &tenant_id),
                };
                let before = (w.invite(&w.admin, &building_id), w.invite(&w.admin, &tenant_id));
                let path = |s: &str| format!("/invites/{me}{s}");
                let (r, expect_ok) = match &act {
                    Action::CheckIn => (w.s.post(token, &path("/check-in"), json!({})), m.status == "invited"),
                    Action::Arrive => (w.s.post(token, &path("/arrive"), json!({})), matches!(m.status, "invited" | "checked_in")),
                    Action::CheckOut => (w.s.post(token, &path("/check-out"), json!({})), m.status == "arrived"),
                    Action::Cancel => (w.s.post(token, &path("/cancel"), json!({"reason": "prop"})), matches!(m.status, "invited" | "checked_in")),
                    Action::Validity(h) => {
                        let (from, to) = validity(-1 + h, 8 + h);
                        (w.s.put(token, &path("/validity"), json!({"valid_from": from, "valid_to": to})), who == primary && open(m.status))
                    }
                    Action::Visitor { whole, name } => {
                        let scope = if *whole { "invite_and_profile" } else { "profile" };
                        (w.s.patch(token, &path("/visitor"), json!({"scope": scope, "name": format!("Name {name}")})), !whole || open(m.status))
                    }
                    Action::AssignCard { n, local } => {
                        let body = json!({"number": format!("{case}-{n}"), "format": "H10301", "local_only": local});
                        (w.s.put(token, &path("/card"), body), open(m.status) && (card_sync || *local))
                    }
                    Action::RemoveCard => {
                        let mine = if who == Side::Building { &m.cards.0 } else { &m.cards.1 };
                        (w.s.delete(token, &path("/card")), mine.is_some())
                    }
                    Action::Resend => (w.s.post(token, &path("/resend"), json!({})), matches!(m.status, "invited" | "checked_in")),
                };
                let ok = (200..300).contains(&r.status);
                prop_assert_eq!(ok, expect_ok, "{:?} from {:?} in {:?}: {}", act, who, m, r.text);
                if !ok {
                    prop_assert!(r.status == 409 || r.status == 422, "{}", r.text);
                }

                // Advance the model.
                if ok {
                    match &act {
                        Action::CheckIn => m.status = "checked_in",
                        Action::Arrive => m.status = "arrived",
                        Action::CheckOut => { m.status = "checked_out"; m.cards = (None, None) }
                        Action::Cancel => { m.status = "cancelled"; m.cards = (None, None) }
                        Action::AssignCard { n, .. } => {
                            let number = Some(format!("{case}-{n}"));
                            let both = card_sync;
                            let (mine, other) = if who == Side::Building { (&mut m.cards.0, &mut m.cards.1) } else { (&mut m.cards.1, &mut m.cards.0) };
                            let old_synced = mine.is_some() && m.card_synced;
                            *mine = number.clone();
                            if both {
                                *other = number;
                            } else if old_synced {
                                *other = None;
                            }
                            m.card_synced = both;
                        }
                        Action::RemoveCard => {
                            let synced = m.card_synced;
                            let (mine, other) = if who == Side::Building { (&mut m.cards.0, &mut m.cards.1) } else { (&mut m.cards.1, &mut m.cards.0) };
                            *mine = None;
                            if synced { *other = None; }
                        }
                        _ => {}
                    }
                }

                let (b, t) = (w.invite(&w.admin, &building_id), w.invite(&w.admin, &tenant_id));
                if !ok {
                    prop_assert_eq!(&(b.clone(), t.clone()), &before, "a refused {:?} changed the pair", act);
                }
                check_pair(&b, &t, &m)?;
            }
            Ok(())
        })
        .unwrap();
}

fn check_pair(b: &Value, t: &Value, m: &Model) -> Result<(), TestCaseError> {
    for f in [
        "status",
        "checked_in_at",
        "arrived_at",
        "checked_out_at",
        "cancelled_at",
        "cancel_reason",
        "valid_from",
        "valid_to",
        "visitor",
        "host_name",
        "origin",
    ] {
        prop_assert_eq!(&b[f], &t[f], "the pair disagrees on {}", f);
    }
    // Each side keeps its own organisation's record of the person, with the same details.
    for f in ["name", "email", "mobile", "company", "updated_at"] {
        prop_assert_eq!(
            &b["profile"][f],
            &t["profile"][f],
            "the profiles disagree on {}",
            f
        );
    }
    prop_assert_ne!(&b["profile_id"], &t["profile_id"]);
    prop_assert_eq!(b["status"].as_str().unwrap(), m.status);
    prop_assert_eq!(b["linked_invite_id"].as_str(), t["id"].as_str());
    prop_assert_eq!(t["linked_invite_id"].as_str(), b["id"].as_str());
    let number = |i: &Value| i["card"]["number"].as_str().map(String::from);
    prop_assert_eq!((number(b), number(t)), m.cards.clone());
    for i in [b, t] {
        if !i["card"].is_null() {
            prop_assert_eq!(
                &i["card"]["valid_to"],
                &i["valid_to"],
                "the card follows the validity"
            );
            prop_assert_eq!(&i["card"]["valid_from"], &i["valid_from"]);
        }
    }
    if b["card"]["synced"] == true {
        prop_assert_eq!(&b["card"], &t["card"]);
    }
    Ok(())
}
