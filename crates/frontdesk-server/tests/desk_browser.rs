//! The receptionist's console served by the portal at `/desk/`, in headless Chromium: the same
//! front end as the desktop app, on its HTTP backend. Sign in, find a visitor by typing, mark the
//! arrival (both invites of the pair arrive), filter by Invite Origin. Screenshots go to
//! target/test-output/desk-browser.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use std::path::PathBuf;
use std::process::Command;

#[test]
fn the_console_works_in_a_browser_against_the_api() {
    let ui = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui");
    assert!(
        ui.join("dist/desk/desk.js").exists() && ui.join("node_modules/playwright-core").exists(),
        "the console is not built: run scripts/build-ui (scripts/test does)"
    );
    let w = common::World::new();
    let (b, t) = w.synced_pair("Ada Lovelace");
    w.tenant_invite("Joan Clarke");
    // The page is served with a strict policy: its own scripts and this origin only.
    let page = reqwest::blocking::get(format!("http://{}/desk/", w.s.addr)).unwrap();
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"),
        "{csp}"
    );
    let out =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-output/desk-browser");
    let run = Command::new("node")
        .current_dir(&ui)
        .arg("tests/desk-browser.mjs")
        .arg(format!("http://{}/desk/", w.s.addr))
        .args(["lobby@hq.test", common::PASSWORD, "Ada Lovelace"])
        .arg(&out)
        .output()
        .expect("node must be installed");
    assert!(
        run.status.success(),
        "the browser run failed (screenshots in {}):\n{}\n{}",
        out.display(),
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(w.invite(&w.building_admin, &b)["status"], "arrived");
    assert_eq!(w.invite(&w.acme_admin, &t)["status"], "arrived");
}
