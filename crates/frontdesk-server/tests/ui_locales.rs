//! The web front end's strings (`ui/src/locales/*.json`): every language has the same keys and
//! `{placeholders}` as English, every `t("key")` of the visitor's page exists, and the page holds
//! no sentence outside them. The check is `ui/tests/locales.mjs` (also run by `npm run check`).

use std::path::PathBuf;
use std::process::Command;

#[test]
fn every_language_has_every_string_and_the_visitors_page_hard_codes_none() {
    let ui = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui");
    let run = Command::new("node")
        .current_dir(&ui)
        .arg("tests/locales.mjs")
        .output()
        .expect("node must be installed");
    assert!(
        run.status.success(),
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
}
