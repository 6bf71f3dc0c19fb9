//! `--demo`: a building with three tenants, one in each sync state, their users and a morning's
//! invites, so a newcomer sees every rule of Reverse Building Sync at work.

use chrono::{Duration, Timelike};
use frontdesk_core::visitor_type::QuestionDraft;
use frontdesk_core::{
    id, Actor, Directory, Host, HostDraft, Id, LocationSettings, Portal, QuestionKind, Role,
    Timestamp, VisitorType,
};
use frontdesk_store::actions::{
    self, By, NewInvite, NewUser, NewVisitorType, UserScope, VisitAction, VisitorInput,
};
use frontdesk_store::{Result, Store, StoreError, Tx};
use rand::Rng;

use crate::auth::hash_password;

pub const DEMO_BUILDING: &str = "Harbour Tower";

/// A login to print for the person trying the demo.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub email: String,
    pub password: String,
    pub what: String,
}

/// Demo passwords are random on every start, so a demo database copied elsewhere is not an open
/// door; they are printed to the terminal that started the server.
fn password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..14)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

fn seeder() -> Actor {
    Actor {
        user_id: "demo-seed".into(),
        email: "demo-seed@frontdesk.invalid".into(),
        role: Role::PlatformAdmin,
        building_id: None,
        tenant_id: None,
        location_id: None,
    }
}

const USERS: &[(&str, &str)] = &[
    ("admin@frontdesk.demo", "platform admin"),
    (
        "building.admin@harbour.demo",
        "building admin, Harbour Tower",
    ),
    ("lobby@harbour.demo", "front desk, Harbour Tower lobby"),
    ("admin@acme.demo", "tenant admin, Acme Robotics (synced)"),
    ("reception@acme.demo", "front desk, Acme Robotics floor 12"),
    (
        "admin@bluefin.demo",
        "tenant admin, Blue Fin Legal (sync off)",
    ),
    (
        "admin@cobalt.demo",
        "tenant admin, Cobalt Labs (not linked)",
    ),
];

/// Seed the demo if it is not there yet, and give every demo user a fresh password.
pub fn seed(store: &dyn Store, now: Timestamp) -> Result<Vec<DemoLogin>> {
    let actor = seeder();
    let by = By { actor: &actor, now };
    let logins: Vec<DemoLogin> = USERS
        .iter()
        .map(|(email, what)| DemoLogin {
            email: (*email).into(),
            password: password(),
            what: (*what).into(),
        })
        .collect();
    let hashes = logins
        .iter()
        .map(|l| hash_password(&l.password))
        .collect::<Result<Vec<_>>>()?;
    store.write(|tx| {
        if tx.building_by_name(DEMO_BUILDING)?.is_none() {
            build(tx, by, &logins, &hashes)?;
        }
        for (l, h) in logins.iter().zip(&hashes) {
            let u = tx.user_by_email(&l.email)?.ok_or_else(|| {
                StoreError::Backend(format!("demo user {} missing", l.email).into())
            })?;
            tx.set_password_hash(&u.id, h, None)?;
        }
        Ok(())
    })?;
    Ok(logins)
}

fn build(tx: &mut dyn Tx, by: By<'_>, logins: &[DemoLogin], hashes: &[String]) -> Result<()> {
    let b = actions::create_building(tx, by, DEMO_BUILDING, "Europe/London", None)?;
    let bp = Portal::building(b.id.clone());
    let q = |label: &str, kind, options: Option<Vec<&str>>| QuestionDraft {
        label: label.into(),
        kind,
        required: true,
        options: options.map(|o| o.into_iter().map(String::from).collect()),
    };
    let building_type = actions::create_visitor_type(
        tx,
        by,
        &bp,
        &NewVisitorType {
            name: "Visitor".into(),
            requires_photo: true,
            requires_nda: false,
            nda_text: None,
            questions: vec![q(
                "Are you bringing tools or hazardous materials?",
                QuestionKind::YesNo,
                None,
            )],
        },
    )?;

    let mut tenant =
        |name: &str, loc: &str, linked: bool| -> Result<(Id<id::Tenant>, Id<id::Location>)> {
            let t = actions::create_tenant(tx, by, name)?;
            let l = actions::create_location(tx, by, &t.id, loc, &b.id)?;
            if linked {
                actions::link_tenant(tx, by, &b.id, &t.id)?;
            }
            Ok((t.id, l.id))
        };
    let (acme, acme_loc) = tenant("Acme Robotics", "Acme Robotics, floor 12", true)?;
    let (bluefin, bluefin_loc) = tenant("Blue Fin Legal", "Blue Fin Legal, floor 7", true)?;
    let (cobalt, cobalt_loc) = tenant("Cobalt Labs", "Cobalt Labs, floor 3", false)?;

    let acme_type = actions::create_visitor_type(
        tx,
        by,
        &Portal::location(acme_loc.clone()),
        &NewVisitorType {
            name: "Guest".into(),
            requires_photo: false,
            requires_nda: true,
            nda_text: Some("I will keep confidential what I see and hear at Acme Robotics.".into()),
            questions: vec![q(
                "Which meeting room?",
                QuestionKind::Choice,
                Some(vec!["Orion", "Vega", "Lyra"]),
            )],
        },
    )?;
    actions::save_settings(
        tx,
        by,
        &acme_loc,
        LocationSettings {
            visitor_management_enabled: true,
            sync_building_invitations: true,
            sync_visitor_type_id: Some(acme_type.id.clone()),
            card_sync_enabled: true,
        },
    )?;

    // The people visitors come to see: Acme's, some the lobby may find, and the building's own.
    let person = |name: &str, email: &str, at: Option<&Id<id::Location>>, lobby: bool| HostDraft {
        name: name.into(),
        email: email.into(),
        location_ids: at.into_iter().cloned().collect(),
        lobby_searchable: lobby,
        active: true,
        ..HostDraft::default()
    };
    let acme_dir = Directory::tenant(&acme);
    let assistant = actions::create_host_in(
        tx,
        by.now,
        &acme_dir,
        &person(
            "محمد الخوارزمي",
            "m.khwarizmi@acme.example",
            Some(&acme_loc),
            false,
        ),
    )?;
    let mut grace = person(
        "Grace Hopper",
        "grace.hopper@acme.example",
        Some(&acme_loc),
        true,
    );
    grace.delegate_id = Some(assistant.id);
    let grace = actions::create_host_in(tx, by.now, &acme_dir, &grace)?;
    let alan = actions::create_host_in(
        tx,
        by.now,
        &acme_dir,
        &person("Alan Turing", "alan.turing@acme.example", None, true),
    )?;
    actions::create_host_in(
        tx,
        by.now,
        &Directory::tenant(&bluefin),
        &person("Atticus Finch", "atticus@bluefin.example", None, false),
    )?;
    actions::create_host_in(
        tx,
        by.now,
        &Directory::building(&b.id),
        &person(
            "Harbour Tower Security",
            "security@harbour.example",
            None,
            false,
        ),
    )?;

    let at_building = |id: &Id<id::Building>| UserScope {
        building_id: Some(id.clone()),
        ..UserScope::default()
    };
    let of_tenant = |id: &Id<id::Tenant>| UserScope {
        tenant_id: Some(id.clone()),
        ..UserScope::default()
    };
    let at_location = |id: &Id<id::Location>| UserScope {
        location_id: Some(id.clone()),
        ..UserScope::default()
    };
    let scopes: [(Role, UserScope); 7] = [
        (Role::PlatformAdmin, UserScope::default()),
        (Role::BuildingAdmin, at_building(&b.id)),
        (Role::FrontDesk, at_building(&b.id)),
        (Role::TenantAdmin, of_tenant(&acme)),
        (Role::FrontDesk, at_location(&acme_loc)),
        (Role::TenantAdmin, of_tenant(&bluefin)),
        (Role::TenantAdmin, of_tenant(&cobalt)),
    ];
    for ((login, hash), (role, scope)) in logins.iter().zip(hashes).zip(scopes) {
        if tx.user_by_email(&login.email)?.is_some() {
            continue;
        }
        let h = hash.clone();
        actions::create_user(
            tx,
            by,
            NewUser {
                email: login.email.clone(),
                password: login.password.clone(),
                role,
                scope,
            },
            move |_| Ok(h),
        )?;
    }

    // Today's visits: 09:00 to 18:00 UTC, or from half an hour ago when the demo starts later
    // in the day, so a desk opened in the evening still shows them as today's.
    let nine = by
        .now
        .with_hour(9)
        .and_then(|t| t.with_minute(0))
        .unwrap_or(by.now);
    let start = if nine + Duration::hours(9) <= by.now {
        by.now - Duration::minutes(30)
    } else {
        nine
    };
    let invite = |location: &Id<id::Location>,
                  host: (&str, Option<&Id<Host>>),
                  name: &str,
                  company: &str,
                  vt: Option<&Id<VisitorType>>| NewInvite {
        location_id: Some(location.clone()),
        host_name: host.0.into(),
        host_id: host.1.cloned(),
        visitor: VisitorInput {
            name: name.into(),
            email: Some(format!(
                "{}@example.com",
                name.to_lowercase().replace(' ', ".")
            )),
            mobile: None,
            company: Some(company.into()),
        },
        visitor_type_id: vt.cloned(),
        valid_from: start,
        valid_to: start + Duration::hours(9),
        notify: true,
    };
    let bt = Some(&building_type.id);
    let synced = actions::create_invite(
        tx,
        by,
        &bp,
        invite(
            &acme_loc,
            ("Grace Hopper", Some(&grace.id)),
            "Ada Lovelace",
            "Analytical Engines",
            bt,
        ),
    )?;
    actions::transition(tx, by, &synced.invite.id, VisitAction::CheckIn, None)?;
    // Two more building invites, for the tenants whose syncing is off or unlinked.
    for (location, host, name, company) in [
        (
            &bluefin_loc,
            "Atticus Finch",
            "Scout Finch",
            "Maycomb Times",
        ),
        (&cobalt_loc, "Marie Curie", "Pierre Dupont", "Radium Ltd"),
    ] {
        actions::create_invite(
            tx,
            by,
            &bp,
            invite(location, (host, None), name, company, bt),
        )?;
    }
    let tenant_made = actions::create_invite(
        tx,
        by,
        &Portal::location(acme_loc.clone()),
        invite(
            &acme_loc,
            ("Alan Turing", Some(&alan.id)),
            "Joan Clarke",
            "Hut 8",
            Some(&acme_type.id),
        ),
    )?;
    actions::transition(tx, by, &tenant_made.invite.id, VisitAction::Arrive, None)?;
    actions::create_invite(
        tx,
        by,
        &Portal::location(cobalt_loc.clone()),
        invite(
            &cobalt_loc,
            ("Rosalind Franklin", None),
            "Zoë Ødegård",
            "Nordic Labs",
            None,
        ),
    )?;
    Ok(())
}

/// Registration links of demo visits still waiting to register, from their held invitations
/// (no mail server in the demo), so the visitor's page can be tried at once.
pub fn registration_links(store: &dyn Store, public_url: &str) -> Result<Vec<(String, String)>> {
    let held = store.notifications(&frontdesk_store::queries::Visibility::All, 50)?;
    Ok(held
        .into_iter()
        .filter(|n| n.kind == frontdesk_api::MessageKind::Invitation)
        .filter(|n| n.state != frontdesk_api::NotificationState::Sent)
        .filter(|n| {
            store
                .read(|tx| tx.invite(&n.invite_id))
                .ok()
                .flatten()
                .is_some_and(|i| i.status == frontdesk_core::InviteStatus::Invited)
        })
        .filter_map(|n| {
            let token = n.link_token?;
            let who = n
                .body
                .lines()
                .next()?
                .trim_start_matches("Hello ")
                .trim_end_matches(',')
                .to_string();
            Some((
                who,
                format!("{}/register/{token}", public_url.trim_end_matches('/')),
            ))
        })
        .collect())
}
