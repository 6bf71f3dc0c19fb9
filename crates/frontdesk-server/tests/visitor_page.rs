//! The visitor's page in a real headless browser (Debian's Chromium driven by Playwright): open
//! the link, answer the building's then the tenant's questions, take a photo with the fake
//! camera, accept both agreements, submit; both portals then show checked_in at the same instant.
//! Screenshots of each step go to target/test-output/visitor-page.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};

fn ui_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui")
}

#[test]
fn a_visitor_registers_on_a_phone_in_a_real_browser() {
    let ui = ui_dir();
    assert!(
        ui.join("dist/register.js").exists() && ui.join("node_modules/playwright-core").exists(),
        "the visitor page is not built: run `npm --prefix ui ci && npm --prefix ui run build` (scripts/test does)"
    );
    assert!(
        std::path::Path::new("/usr/bin/chromium").exists()
            || std::env::var_os("CHROMIUM").is_some(),
        "Chromium is missing: apt-get install chromium (or set CHROMIUM to a Chromium binary)"
    );
    let (w, b, t, token) = common::flow_world();
    let link = format!("http://{}/register/{token}", w.s.addr);
    // A second visit, cancelled, for the dead-link screen.
    let mut body = w.invite_body(&w.acme_loc, "Scout Finch");
    body["visitor_type_id"] = Value::Null;
    let other =
        w.s.post(
            &w.building_admin,
            &format!("/buildings/{}/invites", w.building),
            body,
        )
        .ok();
    let other_id = common::id(&other["invite"]);
    let cancelled_link = format!(
        "http://{}/register/{}",
        w.s.addr,
        w.registration_token(&other_id)
    );
    w.s.post(
        &w.building_admin,
        &format!("/invites/{other_id}/cancel"),
        json!({}),
    )
    .ok();

    let out =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-output/visitor-page");
    let run = Command::new("node")
        .current_dir(&ui)
        .args(["tests/register-flow.mjs", &link, &cancelled_link])
        .arg(&out)
        .output()
        .expect("node must be installed");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success(),
        "the browser run failed (screenshots in {}):\n{stdout}\n{stderr}",
        out.display()
    );
    let figures: Value = serde_json::from_str(
        stdout
            .lines()
            .find_map(|l| l.strip_prefix("RESULT "))
            .expect("figures from the browser"),
    )
    .unwrap();
    println!("visitor page figures: {figures}");

    // Both portals show the check-in, at the same instant, with what the visitor gave.
    let (bi, ti) = (w.invite(&w.building_admin, &b), w.invite(&w.acme_admin, &t));
    assert_eq!(bi["status"], "checked_in");
    assert_eq!(ti["status"], "checked_in");
    assert_eq!(bi["checked_in_at"], ti["checked_in_at"]);
    assert_eq!(ti["visitor"]["name"], "Ada King");
    let br =
        w.s.get(&w.building_admin, &format!("/invites/{b}/registration"))
            .ok();
    let tr =
        w.s.get(&w.acme_admin, &format!("/invites/{t}/registration"))
            .ok();
    assert_eq!(br["answers"][0]["value"], "no");
    assert_eq!(tr["answers"][0]["value"], "Vega");
    assert_eq!(tr["answers"][1]["value"], "Arriving by bike");
    assert_eq!(tr["nda"]["signature"], "Ada King");
    assert_eq!(br["has_photo"], true);
    let photo = reqwest::blocking::Client::new()
        .get(format!("{}/invites/{b}/photo", w.s.base))
        .bearer_auth(&w.building_admin)
        .send()
        .unwrap();
    assert_eq!(
        photo.headers()["content-type"],
        "image/jpeg",
        "the camera's JPEG"
    );

    // The page's weight is a budget the test holds (it does not depend on the machine's load);
    // the load time is a figure to read, printed with the others, since a timed assertion fails
    // whenever the machine is busy rather than when the page got slower.
    let gzip = figures["gzip_bytes"].as_f64().unwrap();
    assert!(
        gzip < 200.0 * 1024.0,
        "the page weighs {gzip} bytes gzipped"
    );
}
