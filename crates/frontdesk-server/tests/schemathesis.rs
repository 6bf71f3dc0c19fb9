//! Schemathesis (PyPI) against the real server: it reads the served OpenAPI document, sends
//! generated requests (valid and invalid) to every operation with a signed-in platform admin's
//! token, and checks that no answer is a server error and that every answer matches the schema
//! the document gives it. The number of examples and the time are bounded to fit CI.
//!
//! Schemathesis is installed by `./scripts/install-deps test` in its own venv; a missing one
//! fails this test (it never skips).
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use frontdesk_testkit::portal::{Server, ADMIN_EMAIL, PASSWORD};

/// Where `scripts/install-deps test` puts it (`FRONTDESK_SCHEMATHESIS` names another).
fn schemathesis() -> PathBuf {
    if let Some(p) = std::env::var_os("FRONTDESK_SCHEMATHESIS") {
        return p.into();
    }
    let tools = std::env::var_os("FRONTDESK_TOOLS_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_DATA_HOME").map(|d| PathBuf::from(d).join("frontdesk/tools"))
        })
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share/frontdesk/tools"))
        })
        .unwrap();
    let installed = tools.join("schemathesis/bin/schemathesis");
    if installed.exists() {
        return installed;
    }
    let on_path = Command::new("schemathesis").arg("--version").output();
    assert!(
        on_path.is_ok_and(|o| o.status.success()),
        "Schemathesis is not installed (looked for {} and on PATH): run ./scripts/install-deps test",
        installed.display()
    );
    "schemathesis".into()
}

#[test]
fn generated_requests_get_no_server_error_and_answers_that_match_the_document() {
    let bin = schemathesis();
    let s = Server::start_configured(|st| {
        frontdesk_server::demo::seed(&*st.store, chrono::Utc::now()).unwrap();
        st
    });
    let token = s.login(ADMIN_EMAIL, PASSWORD);
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("schemathesis.toml");
    std::fs::write(&config, real_ids(&s)).unwrap();
    let log = work.path().join("schemathesis.log");
    let mut run = Command::new(&bin)
        // Hypothesis keeps its database in the working folder.
        .current_dir(work.path())
        .env("NO_COLOR", "1")
        .args(["--config-file", config.to_str().unwrap()])
        .args(["run", &format!("{}/openapi.json", s.base)])
        .args(["--url", &format!("http://{}", s.addr)])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--checks", "not_a_server_error,response_schema_conformance"])
        .args(["--max-examples", "20", "--seed", "1"])
        .args(["--workers", "2", "--request-timeout", "20"])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--suppress-health-check", "all"])
        // The event stream never ends by design. Signing out, ending the user's sessions or
        // disabling the user (Schemathesis learns the admin's id from `GET /me`) would end the
        // token's session and leave every later request a 401; `sessions.rs` tests them.
        .args(["--exclude-path", "/api/v1/changes/stream"])
        .args(["--exclude-path", "/api/v1/auth/logout"])
        .args(["--exclude-path", "/api/v1/users/{id}/sessions"])
        .args(["--exclude-path", "/api/v1/users/{id}/disable"])
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    // The examples bound the run (about 30 s on two cores); this bounds a run gone wrong.
    // (`--max-time` would not: with it, fuzzing repeats until the time is spent.)
    let deadline = Instant::now() + Duration::from_secs(240);
    let status = loop {
        if let Some(status) = run.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = run.kill();
            let _ = run.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let report = std::fs::read_to_string(&log).unwrap_or_default();
    // The summary goes to the test's output either way: what was tested, and how often.
    eprintln!("{report}");
    let status = status.expect("Schemathesis ran past 240 s (its summary, if any, is above)");
    assert!(status.success(), "Schemathesis found problems (above)");
    // It ran and tested operations (a run that tested nothing exits 0 too).
    assert!(
        report.contains("Tested: 82") && report.contains(" passed"),
        "Schemathesis tested fewer operations than the document has (above)"
    );
}

/// Path parameters that name the demo's own building, tenant, location, invite and registration
/// link, so the generated requests reach the handlers' work and not only their 404s.
fn real_ids(s: &Server) -> String {
    let changes = s.get(&s.login(ADMIN_EMAIL, PASSWORD), "/changes").ok();
    let invite = changes["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["entity"] == "invite" && c["data"]["portal"]["kind"] == "building")
        .map(|c| c["data"].clone())
        .unwrap();
    let links = frontdesk_server::demo::registration_links(&*s.state.store, "http://x").unwrap();
    let token = links[0].1.rsplit('/').next().unwrap().to_string();
    let mut toml = String::new();
    for (path, name, value) in [
        ("^/api/v1/invites/", "id", invite["id"].as_str().unwrap()),
        (
            "^/api/v1/buildings/",
            "id",
            invite["building_id"].as_str().unwrap(),
        ),
        (
            "^/api/v1/locations/",
            "id",
            invite["location_id"].as_str().unwrap(),
        ),
        (
            "^/api/v1/tenants/",
            "id",
            invite["tenant_id"].as_str().unwrap(),
        ),
        ("^/api/v1/registrations/", "token", &token),
    ] {
        toml.push_str(&format!(
            "[[operations]]\ninclude-path-regex = \"{path}\"\nparameters = {{ \"path.{name}\" = \"{value}\" }}\n\n"
        ));
    }
    toml
}
