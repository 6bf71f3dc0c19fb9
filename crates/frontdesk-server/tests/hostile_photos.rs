//! A visitor's photo never takes the service down: a tiny file whose header claims a huge picture
//! is refused at upload and nothing is written, and one already stored (by a version without that
//! check) gives a badge without the photo while the server keeps answering.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use std::process::Command;

use base64::Engine;
use common::World;
use serde_json::{json, Value};

fn encoded(format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(48, 64, |x, y| {
        image::Rgb([(x * 5) as u8, (y * 4) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

// CRC-32 as PNG uses it, to re-seal IHDR after changing it.
use frontdesk_core::photo::crc32;

/// A real small PNG whose IHDR claims 60000 × 60000 pixels of 16-bit RGBA (28.8 GB decoded),
/// its CRC re-sealed so that a decoder believes it: a few hundred bytes.
fn huge_png() -> Vec<u8> {
    let mut f = encoded(image::ImageFormat::Png);
    assert_eq!(&f[12..16], b"IHDR");
    f[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    f[20..24].copy_from_slice(&60_000u32.to_be_bytes());
    f[24..26].copy_from_slice(&[16, 6]);
    let crc = crc32(&f[12..29]);
    f[29..33].copy_from_slice(&crc.to_be_bytes());
    f
}

/// A real small JPEG whose frame header claims 60000 × 60000 pixels.
fn huge_jpeg() -> Vec<u8> {
    let mut f = encoded(image::ImageFormat::Jpeg);
    let sof = f.windows(2).position(|m| m == [0xFF, 0xC0]).unwrap();
    f[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]);
    f
}

fn data_url(ty: &str, bytes: &[u8]) -> String {
    format!(
        "data:image/{ty};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

fn submission(photo: &str) -> Value {
    json!({
        "visitor": {"name": "Ada King", "email": "ada@example.com", "mobile": "+44 7700 900123"},
        "answers": {"building.q1": false, "location.q1": "Vega"},
        "photo": photo,
        "accepted_ndas": ["building", "location"],
        "signature": "Ada King"
    })
}

fn badge(w: &World, token: &str, invite: &str) -> (u16, Vec<u8>) {
    let r = reqwest::blocking::Client::new()
        .get(format!("{}/invites/{invite}/badge.pdf", w.s.base))
        .bearer_auth(token)
        .send()
        .unwrap();
    (r.status().as_u16(), r.bytes().unwrap().to_vec())
}

/// The PDF's text and how many images it holds, as poppler reads them.
fn read_pdf(pdf: &[u8]) -> (String, usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("badge.pdf");
    std::fs::write(&path, pdf).unwrap();
    let run = |tool: &str, args: &[&str]| {
        let out = Command::new(tool)
            .args(args)
            .arg(&path)
            .args(if tool == "pdftotext" { &["-"][..] } else { &[] })
            .output()
            .unwrap_or_else(|_| panic!("{tool} (poppler-utils) must be installed"));
        assert!(out.status.success(), "{tool} failed on the badge");
        String::from_utf8(out.stdout).unwrap()
    };
    let text = run("pdftotext", &[]);
    // `pdfimages -list` prints two header lines, then one line per image.
    let images = run("pdfimages", &["-list"])
        .lines()
        .count()
        .saturating_sub(2);
    (text, images)
}

#[test]
fn a_photo_claiming_a_huge_picture_is_refused_at_upload_and_nothing_is_written() {
    let (w, b, _, token) = common::flow_world();
    let before = w.s.last_seq();
    let path = format!("/registrations/{token}");
    let mut cut = encoded(image::ImageFormat::Jpeg);
    cut.truncate(cut.len() / 2);
    let cases = [
        (data_url("png", &huge_png()), "photo_too_many_pixels"),
        (data_url("jpeg", &huge_jpeg()), "photo_too_many_pixels"),
        (data_url("jpeg", &cut), "invalid_photo"),
        (
            data_url("png", &encoded(image::ImageFormat::Jpeg)),
            "invalid_photo",
        ),
        (
            data_url("jpeg", &encoded(image::ImageFormat::Png)),
            "invalid_photo",
        ),
    ];
    for (photo, code) in &cases {
        let r = w.s.request("POST", &path, None, Some(&submission(photo)));
        r.refused(422, code);
        if *code == "photo_too_many_pixels" {
            assert!(
                r.code() == *code && r.text.contains("60000 × 60000"),
                "{}",
                r.text
            );
        }
    }
    assert_eq!(w.s.last_seq(), before, "a refused photo wrote something");
    // The link still works, and the visit is as it was.
    let open = w.s.request("GET", &path, None, None).ok();
    assert_eq!(open["photo_required"], true);
    assert_eq!(w.invite(&w.admin, &b)["status"], "invited");
    let rec =
        w.s.get(&w.admin, &format!("/invites/{b}/registration"))
            .ok();
    assert_eq!(rec["has_photo"], false);
    // A real photo is still taken.
    let photo = data_url("jpeg", &encoded(image::ImageFormat::Jpeg));
    w.s.request("POST", &path, None, Some(&submission(&photo)))
        .ok();
    assert_eq!(w.invite(&w.admin, &b)["status"], "checked_in");
}

#[test]
fn a_hostile_photo_already_stored_gives_a_badge_without_it_and_the_server_lives_on() {
    let w = World::new();
    let (b, t) = w.synced_pair("Ada Lovelace");
    let db = rusqlite::Connection::open(w.s.dir.path().join("frontdesk.db")).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    // As an older version would have stored them: under the primary (building) invite, checked
    // for nothing but the first bytes.
    let store = |ct: &str, bytes: &[u8]| {
        db.execute(
            "INSERT OR REPLACE INTO photos (invite_id, content_type, bytes, taken_at) VALUES (?1, ?2, ?3, 0)",
            rusqlite::params![b, ct, bytes],
        )
        .unwrap();
    };

    // First the control: a good stored photo is on the badge.
    store("image/jpeg", &encoded(image::ImageFormat::Jpeg));
    let (status, pdf) = badge(&w, &w.building_desk, &b);
    assert_eq!(status, 200);
    assert_eq!(read_pdf(&pdf).1, 1, "the good photo is on the badge");

    let mut cut = encoded(image::ImageFormat::Png);
    cut.truncate(cut.len() / 2);
    for (ct, bytes) in [
        ("image/png", huge_png()),
        ("image/jpeg", huge_jpeg()),
        ("image/png", cut),
        (
            "image/jpeg",
            b"\xFF\xD8\xFF not a picture after all".to_vec(),
        ),
    ] {
        store(ct, &bytes);
        for (token, invite) in [(&w.building_desk, &b), (&w.acme_desk, &t)] {
            let started = std::time::Instant::now();
            let (status, pdf) = badge(&w, token, invite);
            assert_eq!(status, 200, "{}", String::from_utf8_lossy(&pdf));
            let (text, images) = read_pdf(&pdf);
            assert!(text.contains("Ada Lovelace"), "{text}");
            assert_eq!(images, 0, "the unusable photo was left off");
            assert!(started.elapsed() < std::time::Duration::from_secs(10));
        }
        // Still answering, and still itself.
        assert_eq!(w.s.request("GET", "/health", None, None).text, "ok");
        assert_eq!(
            w.invite(&w.building_admin, &b)["visitor"]["name"],
            "Ada Lovelace"
        );
    }
    // Every badge was recorded as generated, on both sides.
    let generated =
        w.s.get(&w.building_admin, &format!("/invites/{b}/activity"))
            .ok()
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "badge_generated")
            .count();
    assert_eq!(generated, 9);
}
