//! The desk prints a visitor's badge on the label printer lobbies really own: a Brother
//! QL-820NWB as AirPrint offers it, which takes only Apple raster (URF). The portal renders the
//! badge as black-and-white pixels at the printer's 300 dpi, the desk sends it as URF, and the
//! test decodes what the printer received and scans its QR code.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use frontdesk_desk::vault::MachineId;
use frontdesk_desk::Console;
use frontdesk_testkit::labels::{decode_urf, scan_qr};
use frontdesk_testkit::portal::{eventually, id, World, PASSWORD};
use frontdesk_testkit::printer::{Config, Simulator};

fn desk(dir: &Path, server: &str, email: &str) -> Console {
    let c = Console::open_on(dir, MachineId::of_this_machine().unwrap()).unwrap();
    c.connect(server, email, PASSWORD).unwrap();
    c
}

#[test]
fn a_badge_prints_on_an_airprint_label_printer_that_takes_only_apple_raster() {
    let printer = Simulator::start_with("LobbyQL820", &Config::urf_only());
    let w = World::new();
    let server = w.s.base.trim_end_matches("/api/v1").to_string();
    let created = w.building_invite(&w.acme_loc, "Zoë Ødegård-李");
    let invite = id(&created["invite"]);

    let dir = tempfile::tempdir().unwrap();
    let lobby = desk(dir.path(), &server, "lobby@hq.test");
    lobby
        .set_devices(frontdesk_desk::Devices {
            printer: Some(printer.uri.clone()),
            encoder: None,
        })
        .unwrap();
    lobby.sync_now().unwrap();
    eventually(20, "the desk sees the label printer ready", || {
        let p = lobby.state().unwrap().printer;
        p.ready && p.label.contains("Brother QL-820NWB") && p.label.contains("62 × 100 mm")
    });

    assert_eq!(
        lobby.print_badge(&invite, "press-1").unwrap(),
        "Badge printed."
    );
    // The same press again prints nothing.
    assert!(lobby
        .print_badge(&invite, "press-1")
        .unwrap()
        .starts_with("This badge was already printed"));
    let received = printer.received();
    assert_eq!(received.len(), 1, "{received:?}");
    let pages = decode_urf(&std::fs::read(&received[0]).unwrap());
    assert_eq!(pages.len(), 1);
    let page = &pages[0];
    // 62 × 100 mm at 300 dpi, in whole dots.
    assert_eq!((page.width, page.height, page.dpi), (732, 1181, 300));
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-output/scenarios");
    std::fs::create_dir_all(&out).unwrap();
    let codes = scan_qr(page, &out.join("label-printer-urf-badge.png"));
    assert_eq!(codes.len(), 1, "the QR code does not scan: {codes:?}");
    // The code on the badge finds the visit at the desk.
    assert_eq!(lobby.scan(&codes[0]).unwrap().name, "Zoë Ødegård-李");
}
