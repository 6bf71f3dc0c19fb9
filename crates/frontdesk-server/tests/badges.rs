//! The badge of a visit over HTTP: rendered from the invite (with the photo the visitor took),
//! recorded as badge_generated on both invites of a pair; printing is recorded the same way.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use std::process::Command;

use common::World;
use serde_json::json;

fn fetch(w: &World, token: &str, path: &str) -> (u16, Vec<u8>, String) {
    let r = reqwest::blocking::Client::new()
        .get(format!("{}{path}", w.s.base))
        .bearer_auth(token)
        .send()
        .unwrap();
    let status = r.status().as_u16();
    let ctype = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, r.bytes().unwrap().to_vec(), ctype)
}

fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("badge.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    String::from_utf8(out.stdout).unwrap()
}

fn actions_of(w: &World, token: &str, id: &str) -> Vec<String> {
    w.s.get(token, &format!("/invites/{id}/activity"))
        .ok()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_badge_is_rendered_for_either_side_and_recorded_on_both() {
    let (w, b, t, token) = common::flow_world();
    // The visitor registers with a photo first, as they would on their phone.
    let photo = {
        let img = image::RgbImage::from_fn(300, 400, |x, y| {
            image::Rgb([(x % 200) as u8, (y % 200) as u8, 90])
        });
        let mut buf = std::io::Cursor::new(Vec::new());
        img.write_to(&mut buf, image::ImageFormat::Jpeg).unwrap();
        use base64::Engine;
        format!(
            "data:image/jpeg;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(buf.into_inner())
        )
    };
    w.s.request(
        "POST",
        &format!("/registrations/{token}"),
        None,
        Some(
            &json!({"visitor": {"name": "Zoë Ødegård", "email": null, "mobile": null},
                     "answers": {"building.q1": true, "location.q1": "Orion"}, "photo": photo,
                     "accepted_ndas": ["building", "location"], "signature": "Zoë Ødegård"}),
        ),
    )
    .ok();

    let (status, pdf, ctype) = fetch(&w, &w.acme_desk, &format!("/invites/{t}/badge.pdf"));
    assert_eq!((status, ctype.as_str()), (200, "application/pdf"));
    let text = pdf_text(&pdf);
    for expected in [
        "Zoë Ødegård",
        "Visiting: Grace Hopper",
        "Acme HQ",
        "Harbour Tower",
        "Meeting guest",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from {text:?}"
        );
    }
    // Times are the building's (Europe/London).
    assert!(text.contains(" – "), "{text}");
    assert_eq!(
        actions_of(&w, &w.acme_admin, &t).last().unwrap(),
        "badge_generated"
    );
    assert_eq!(
        actions_of(&w, &w.building_admin, &b).last().unwrap(),
        "badge_generated"
    );

    let (status, card, _) = fetch(
        &w,
        &w.building_desk,
        &format!("/invites/{b}/badge.pdf?template=cr80"),
    );
    assert_eq!(status, 200);
    assert!(pdf_text(&card).contains("Zoë Ødegård"));

    w.s.post(
        &w.building_desk,
        &format!("/invites/{b}/badge-printed"),
        json!({"printer": "ipp://lobby-printer/ipp/print", "job_id": 7}),
    )
    .ok();
    for (token, id) in [(&w.acme_admin, &t), (&w.building_admin, &b)] {
        assert_eq!(actions_of(&w, token, id).last().unwrap(), "badge_printed");
    }
}

#[test]
fn badges_are_refused_clearly() {
    let w = World::new();
    let (b, t) = w.synced_pair("Ada Lovelace");
    let before = w.s.last_seq();
    w.s.get(
        &w.building_desk,
        &format!("/invites/{b}/badge.pdf?template=poster"),
    )
    .refused(422, "unknown_template");
    w.s.get(&w.blue_admin, &format!("/invites/{t}/badge.pdf"))
        .refused(404, "not_found");
    assert_eq!(w.s.last_seq(), before, "a refused badge records nothing");
    // Without a photo the badge is still made (the photo box stays empty).
    let (status, pdf, _) = fetch(&w, &w.building_desk, &format!("/invites/{b}/badge.pdf"));
    assert_eq!(status, 200);
    assert!(pdf_text(&pdf).contains("Ada Lovelace"));
    w.s.post(&w.acme_desk, &format!("/invites/{t}/cancel"), json!({}))
        .ok();
    w.s.get(&w.building_desk, &format!("/invites/{b}/badge.pdf"))
        .refused(409, "invite_cancelled");
    w.s.post(
        &w.building_desk,
        &format!("/invites/{b}/badge-printed"),
        json!({"printer": "x"}),
    )
    .refused(409, "invite_cancelled");
}

#[test]
fn a_badge_for_a_raster_printer_is_the_label_at_its_resolution_in_black_and_white() {
    let w = World::new();
    let (b, t) = w.synced_pair("Zoë Ødegård-李");
    let r = reqwest::blocking::Client::new()
        .get(format!("{}/invites/{b}/badge.png?dpi=300", w.s.base))
        .bearer_auth(&w.building_desk)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let header = |n: &str| r.headers()[n].to_str().unwrap().to_string();
    assert_eq!(header("content-type"), "image/png");
    assert_eq!(header("x-badge-template"), "label-62x100");
    assert_eq!(header("x-badge-size-mm"), "62x100");
    let png = r.bytes().unwrap().to_vec();
    let img = image::load_from_memory(&png).unwrap().to_luma8();
    assert_eq!(img.dimensions(), (732, 1181));
    assert!(img.pixels().all(|p| p.0[0] == 0 || p.0[0] == 255));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("badge.png");
    std::fs::write(&path, &png).unwrap();
    let out = Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(&path)
        .output()
        .expect("zbarimg (zbar-tools) must be installed");
    assert!(
        !String::from_utf8(out.stdout).unwrap().trim().is_empty(),
        "the QR code does not scan"
    );
    assert_eq!(
        actions_of(&w, &w.acme_admin, &t).last().unwrap(),
        "badge_generated"
    );

    // A resolution no printer has would cost the portal a poster: refused, nothing recorded.
    let before = w.s.last_seq();
    for dpi in ["5000", "0"] {
        w.s.get(
            &w.building_desk,
            &format!("/invites/{b}/badge.png?dpi={dpi}"),
        )
        .refused(422, "invalid_dpi");
    }
    w.s.get(&w.blue_admin, &format!("/invites/{t}/badge.png"))
        .refused(404, "not_found");
    assert_eq!(w.s.last_seq(), before);
}
