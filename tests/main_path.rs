//! The product's main path over real components, each started here: a building admin invites a
//! visitor for a linked tenant; Reverse Building Sync makes the tenant's copy; the lobby desk,
//! its cache synced from the portal, finds the visit by the code the visitor shows and marks the
//! arrival with its network cut, which reaches the portal when the network is back; the badge is
//! printed on CUPS's IPP printer simulator and read back from what the printer received (text
//! and QR code); a card is written on a virtual MIFARE card through pcscd and assigned; the
//! tenant's own desk and its admin see the visitor on site with the card.
//! A component that is missing fails the test with what to install; nothing is skipped.
#![allow(clippy::unwrap_used)]

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use frontdesk_api::InviteStatus;
use frontdesk_desk::vault::MachineId;
use frontdesk_desk::Console;
use frontdesk_devices::encoder::{Credential, CREDENTIAL_BLOCK};
use frontdesk_store::actions::CardRequest;
use frontdesk_testkit::pcsc_sim::{self, Behaviour, Pcscd, VirtualCard, READER};
use frontdesk_testkit::portal::{eventually, id, Link, World, PASSWORD};
use frontdesk_testkit::printer::Simulator;
use serde_json::Value;

/// A command-line tool the scenario reads the printer's output with; its standard output.
fn run(tool: &str, package: &str, args: &[&OsStr]) -> Vec<u8> {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} cannot run ({e}): apt-get install {package}"));
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A desk signed in to the portal at `server` as `email`.
fn desk(dir: &Path, server: &str, email: &str) -> Console {
    let c = Console::open_on(dir, MachineId::of_this_machine().unwrap()).unwrap();
    c.connect(server, email, PASSWORD).unwrap();
    c
}

#[test]
fn a_building_invite_for_a_linked_tenant_from_invitation_to_badge_and_card() {
    // The real components: pcscd with a virtual card on its reader, the IPP printer simulator,
    // and the portal service with the test building (Acme linked, syncing, card sync on).
    let _pcsc = pcsc_sim::lock();
    let _pcscd = Pcscd::start();
    let card = VirtualCard::insert([0x04, 0x11, 0x22, 0x33], Behaviour::Good);
    let printer = Simulator::start("LobbyBadges");
    let w = World::new();
    let server = w.s.base.trim_end_matches("/api/v1").to_string();

    // The building admin invites Ada for Acme; Reverse Building Sync makes Acme's copy.
    let created = w.building_invite(&w.acme_loc, "Ada Lovelace");
    assert_eq!(created["sync"]["status"], "synced", "{created}");
    let building_invite = id(&created["invite"]);
    let tenant_invite = created["sync"]["linked_invite_id"]
        .as_str()
        .unwrap()
        .to_string();
    let copy = w.invite(&w.acme_admin, &tenant_invite);
    assert_eq!(
        (&copy["origin"], &copy["status"], &copy["linked_invite_id"]),
        (
            &Value::from("building"),
            &Value::from("invited"),
            &Value::from(building_invite.as_str())
        ),
        "{copy}"
    );

    // The lobby desk, on the portal through a link the test can cut (its network cable): its
    // cache pulled from the portal, its printer and encoder set up.
    let cable = Link::to(w.s.addr);
    let lobby_dir = tempfile::tempdir().unwrap();
    let lobby = desk(lobby_dir.path(), &cable.url, "lobby@hq.test");
    lobby
        .set_devices(frontdesk_desk::Devices {
            printer: Some(printer.uri.clone()),
            encoder: Some(READER.into()),
        })
        .unwrap();
    lobby.sync_now().unwrap();
    eventually(
        20,
        "the lobby desk sees its printer and encoder ready",
        || {
            let st = lobby.state().unwrap();
            st.printer.ready && st.encoder.ready
        },
    );

    // Ada shows the code of her invitation (the primary invite's id) while the desk's network
    // is down: the desk finds her in its cache and marks her arrival, which waits in its outbox
    // and reaches the portal once the network is back.
    cable.cut();
    let found = lobby.scan(&building_invite).unwrap();
    assert_eq!(found.name, "Ada Lovelace");
    assert_eq!(
        lobby.arrive(&found.id).unwrap().status,
        InviteStatus::Arrived
    );
    assert_eq!(
        lobby.state().unwrap().pending,
        1,
        "the arrival waits offline"
    );
    assert_eq!(
        w.invite(&w.building_admin, &building_invite)["status"],
        "invited",
        "the portal has not heard of it yet"
    );
    cable.restore();
    lobby.sync_now().unwrap();
    assert_eq!(
        lobby.state().unwrap().pending,
        0,
        "the arrival reached the portal"
    );

    // The badge: rendered by the portal, printed on the simulator, read back from what the
    // printer received.
    assert_eq!(
        lobby.print_badge(&found.id, "press-1").unwrap(),
        "Badge printed."
    );
    let received = printer.received();
    assert_eq!(received.len(), 1, "one badge printed: {received:?}");
    let pdf = received[0].as_os_str();
    let text =
        String::from_utf8(run("pdftotext", "poppler-utils", &[pdf, OsStr::new("-")])).unwrap();
    for expected in ["Ada Lovelace", "Grace Hopper", "Acme HQ", "Harbour Tower"] {
        assert!(
            text.contains(expected),
            "{expected} not on the badge:\n{text}"
        );
    }
    let page = received[0].with_extension("");
    run(
        "pdftoppm",
        "poppler-utils",
        &[
            OsStr::new("-r"),
            OsStr::new("300"),
            OsStr::new("-png"),
            OsStr::new("-singlefile"),
            pdf,
            page.as_os_str(),
        ],
    );
    let raster = page.with_extension("png");
    // Kept for a person to look at: the badge as the printer received it.
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-output/scenarios");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::copy(&raster, out.join("main-path-badge.png")).unwrap();
    let qr = String::from_utf8(run(
        "zbarimg",
        "zbar-tools",
        &[
            OsStr::new("--quiet"),
            OsStr::new("--raw"),
            raster.as_os_str(),
        ],
    ))
    .unwrap();
    assert_eq!(
        qr.trim(),
        building_invite,
        "the badge's QR code is the visit's code"
    );
    assert_eq!(
        lobby.scan(qr.trim()).unwrap().id,
        found.id,
        "the printed badge scans back to the visit"
    );

    // The card: written on the virtual MIFARE card through pcscd, then assigned to the visit.
    let encoded = lobby
        .encode_card(42, 1234, Duration::from_secs(10))
        .unwrap();
    let assigned = lobby
        .assign_card(
            &found.id,
            &CardRequest {
                number: encoded.number.clone(),
                format: encoded.format.clone(),
                local_only: false,
            },
        )
        .unwrap();
    assert!(
        assigned.card.as_ref().is_some_and(|c| c.synced),
        "{assigned:?}"
    );
    let memory = card.remove();
    assert_eq!(
        memory[CREDENTIAL_BLOCK as usize],
        Credential::h10301(42, 1234).unwrap().block(),
        "the credential is on the card"
    );

    // The tenant's side: its admin over the API, and Acme's own desk from its cache.
    let copy = w.invite(&w.acme_admin, &tenant_invite);
    assert_eq!(copy["status"], "arrived", "{copy}");
    assert_eq!(
        copy["arrived_at"],
        serde_json::to_value(assigned.times.arrived_at).unwrap(),
        "one timestamp on both"
    );
    assert_eq!(copy["card"]["number"], encoded.number.as_str(), "{copy}");
    let activity =
        w.s.get(&w.acme_admin, &format!("/invites/{tenant_invite}/activity"))
            .ok();
    let actions: Vec<&str> = activity
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for a in ["arrived", "badge_printed", "card_assigned"] {
        assert!(actions.contains(&a), "{a} not in Acme's log: {actions:?}");
    }
    let acme_dir = tempfile::tempdir().unwrap();
    let acme_desk = desk(acme_dir.path(), &server, "desk@acme.test");
    acme_desk.sync_now().unwrap();
    let seen = acme_desk.invite(&tenant_invite).unwrap();
    assert_eq!(seen.status, InviteStatus::Arrived);
    assert_eq!(seen.data["card"]["number"], encoded.number.as_str());
}
