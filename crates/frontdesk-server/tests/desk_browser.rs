//! The receptionist's console served by the portal at `/desk/`, in headless Chromium: the same
//! front end as the desktop app, on its HTTP backend. Sign in, find a visitor by typing, mark the
//! arrival (both invites of the pair arrive), filter by Invite Origin; invite a visitor for a
//! host picked from the directory, mark the arrival, and see the host told (by email, through a
//! real SMTP server) and their "On my way" (pressed from the link in that email). Screenshots go
//! to target/test-output/desk-browser.
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
    let smtp = common::SmtpServer::start(common::free_port());
    let smtp_port = smtp.port;
    let w = common::World::on(common::Server::start_with(move |base| {
        let mut cfg = frontdesk_server::delivery::DeliveryConfig::new(base);
        cfg.smtp_url = Some(format!("smtp://127.0.0.1:{smtp_port}"));
        cfg.retry_base = std::time::Duration::from_millis(100);
        Some(cfg)
    }));
    w.s.post(
        &w.acme_admin,
        &format!("/tenants/{}/hosts", w.acme),
        serde_json::json!({"name": "Grace Hopper", "email": "grace@acme.test",
                           "location_ids": [w.acme_loc], "lobby_searchable": true}),
    )
    .ok();
    // The host answers from the link in the email they receive.
    let root = format!("http://{}", w.s.addr);
    let host_answers = std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
        while std::time::Instant::now() < deadline {
            let mail = smtp
                .messages()
                .into_iter()
                .find(|m| m.contains("To: grace@acme.test"));
            if let Some(mail) = mail {
                let flat = mail.replace("=\r\n", "").replace("=\n", "");
                let start = flat.find("/on-my-way/").expect("an On my way link");
                let token: String = flat[start + "/on-my-way/".len()..]
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect();
                let r = reqwest::blocking::Client::new()
                    .post(format!("{root}/on-my-way/{token}"))
                    .send()
                    .unwrap();
                assert_eq!(r.status(), 200);
                return mail;
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        panic!("the host's email never came");
    });
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
        .args(["Grace Hopper", "Hedy Lamarr"])
        .output()
        .expect("node must be installed");
    assert!(
        run.status.success(),
        "the browser run failed (screenshots in {}):\n{}\n{}",
        out.display(),
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let mail = host_answers.join().unwrap();
    // The form's "From" (now, on London's clock in a browser on Tokyo's) was read back in the
    // building's zone: the visit starts now, not nine hours off.
    let hedy =
        w.s.get(
            &w.building_admin,
            &format!("/buildings/{}/visitor-logs?q=Hedy", w.building),
        )
        .ok();
    let from: chrono::DateTime<chrono::Utc> = hedy["items"][0]["valid_from"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let off = (chrono::Utc::now() - from).num_minutes().abs();
    assert!(off <= 5, "the visit starts {off} minutes from now: {hedy}");
    assert!(
        mail.contains("Subject: Hedy Lamarr is here to see Grace Hopper"),
        "{mail}"
    );
    assert_eq!(w.invite(&w.building_admin, &b)["status"], "arrived");
    assert_eq!(w.invite(&w.acme_admin, &t)["status"], "arrived");
}
