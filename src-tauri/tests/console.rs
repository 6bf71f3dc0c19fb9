//! The receptionist's console in the real desktop app (built binary, WebKitGTK under Xvfb,
//! driven through tauri-driver), on the app's built-in portal with the demo building: sign in,
//! find by typing and by a scanner, mark arrival and see it on the tenant side, filter by Invite
//! Origin, export CSV, create invites (synced and not), the Location Settings card, and a card
//! assignment that meets the "Card sync blocked" prompt, and the badge printed on an IPP printer
//! (CUPS's simulator) set up under Devices. Screenshots of each screen are saved in
//! target/test-output/desk-app/.
#![allow(clippy::unwrap_used)]

mod desktop;
use frontdesk_testkit::printer;

use desktop::{App, Desktop};
use serde_json::json;

const CARD_SYNC_BLOCKED_PROMPT: &str = frontdesk_core::card::CARD_SYNC_BLOCKED_PROMPT;

fn names(app: &App) -> Vec<String> {
    app.js(
        "return [...document.querySelectorAll('#invites .row .name')].map(e => e.textContent)",
        json!([]),
    )
    .as_array()
    .unwrap()
    .iter()
    .map(|v| v.as_str().unwrap().to_string())
    .collect()
}

fn sign_in_demo(app: &App, email: &str) {
    app.click(&format!("button.demo[data-email='{email}']"));
    app.find("#invites .row");
}

/// A field's whole value at once (typing a newline through the driver presses Enter).
fn set_value(app: &App, selector: &str, value: &str) {
    app.js(
        "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
         e.dispatchEvent(new Event('input', {bubbles: true}));",
        json!([selector, value]),
    );
}

fn sign_out(app: &App) {
    app.click("#sign-out");
    app.find("#demo-accounts");
}

fn open_visitor(app: &App, name: &str) {
    app.clear("#search");
    app.type_into("#search", name);
    app.wait_until(&format!("{name} listed"), 10, |a| {
        names(a) == vec![name.to_string()]
    });
    app.click("#invites .row");
    app.wait_until("the visitor's details", 10, |a| {
        a.text("#detail-name") == name
    });
}

#[test]
fn receptionist_console_on_the_built_in_portal() {
    let desktop = Desktop::start();
    let app = desktop.open();

    // First start with nothing configured: the built-in portal with its demo accounts.
    app.find("#demo-accounts");
    app.screenshot("01-sign-in");
    sign_in_demo(&app, "lobby@harbour.demo");
    assert!(app.text("#place").starts_with("Harbour Tower"));
    app.wait_until("the desk online", 10, |a| {
        a.text("#sync-state").starts_with("Online")
    });
    app.wait_until("today's visitors", 10, |a| names(a).len() == 4);
    app.screenshot("02-console-today");

    // Search as you type.
    app.type_into("#search", "analyt");
    app.wait_until("the search result", 10, |a| {
        names(a) == vec!["Ada Lovelace"]
    });
    app.screenshot("03-search");
    app.click("#invites .row");
    let code = app.text("#detail .code");
    assert_eq!(
        code.len(),
        36,
        "the badge code is the primary invite's id: {code}"
    );

    // A keyboard-wedge scanner types the badge code and Enter, wherever the focus is.
    app.js(
        "document.activeElement.blur(); document.getElementById('detail').replaceChildren()",
        json!([]),
    );
    app.clear("#search");
    app.type_into("#search", &format!("{code}\u{E007}"));
    app.wait_until("the scanned visitor", 10, |a| {
        a.text("#detail-name") == "Ada Lovelace"
    });
    assert_eq!(
        app.js("return document.getElementById('search').value", json!([])),
        "",
        "the scanned code is not left in the search box"
    );

    // Mark arrival.
    app.click("#arrive");
    app.wait_until("arrival", 10, |a| {
        a.text("#detail-status").starts_with("On site")
    });
    app.wait_until("the arrival synced", 10, |a| {
        a.text("#sync-state").contains("all changes synced")
    });
    // Ada's host is in the directory; the built-in portal has no mail server to tell her.
    app.wait_until("the host notice", 10, |a| a.exists("#host-notice"));
    assert_eq!(
        app.js(
            "return document.querySelector('#host-notice').dataset.state",
            json!([])
        ),
        "problem",
        "{}",
        app.text("#host-notice")
    );
    assert!(app.text("#host-notice").contains("Call them"));
    app.screenshot("04-arrived");

    // The Invite Origin filter: none by default, then each origin.
    app.clear("#search");
    app.wait_until("all of today", 10, |a| names(a).len() == 4);
    app.click("#origin option[value='tenant']");
    app.wait_until("tenant-created only", 10, |a| {
        names(a) == vec!["Joan Clarke"]
    });
    app.screenshot("05-origin-tenant-created");
    app.click("#origin option[value='building']");
    app.wait_until("building-created only", 10, |a| {
        let n = names(a);
        n.len() == 3 && !n.contains(&"Joan Clarke".to_string())
    });
    app.screenshot("06-origin-building-created");

    // CSV export with the filter.
    app.click("#export-csv");
    app.wait_until("the export", 10, |a| {
        a.js("return document.body.dataset.lastExport || ''", json!([])) != ""
    });
    let path = app.js("return document.body.dataset.lastExport", json!([]));
    let csv = std::fs::read_to_string(path.as_str().unwrap()).unwrap();
    assert!(path
        .as_str()
        .unwrap()
        .starts_with(desktop.exports.path().to_str().unwrap()));
    assert_eq!(
        csv.lines().count(),
        4,
        "a header and three building-created visits:\n{csv}"
    );
    assert!(
        csv.contains("Ada Lovelace") && !csv.contains("Joan Clarke"),
        "{csv}"
    );
    app.click("#origin option[value='']");

    // A building invite for the linked tenant syncs; one for the unlinked tenant says why not.
    app.click("#new-invite");
    app.click("#new-location option:nth-child(1)");
    let tenant = app.text("#new-location option:nth-child(1)");
    assert!(tenant.starts_with("Acme Robotics"), "{tenant}");
    // The host picked from the lobby's search of the directory.
    app.type_into("#new-host", "grace");
    app.find("#host-hits .host-hit");
    app.screenshot("07-host-picker");
    app.click("#host-hits .host-hit");
    app.wait_until("the host chosen", 10, |a| {
        a.text("#host-chosen")
            .contains("told when the visitor arrives")
    });
    assert_eq!(
        app.js(
            "return document.querySelector('#new-host').value",
            json!([])
        ),
        "Grace Hopper"
    );
    app.type_into("#new-name", "Katherine Johnson");
    app.type_into("#new-company", "NACA");
    app.click("#create-invite");
    app.wait_until("the sync result", 10, |a| a.exists("#sync-result"));
    assert!(
        app.text("#sync-result").starts_with("Synced"),
        "{}",
        app.text("#sync-result")
    );
    app.screenshot("07-new-invite-synced");
    app.click("#new-invite");
    app.wait_until("a new form", 10, |a| !a.exists("#sync-result"));
    app.click("#new-location option[value]:last-child");
    assert!(app
        .text("#new-location option:last-child")
        .starts_with("Cobalt Labs"));
    app.type_into("#new-host", "Marie Curie");
    app.type_into("#new-name", "Lise Meitner");
    app.click("#create-invite");
    app.wait_until("the sync result", 10, |a| a.exists("#sync-result"));
    let why = app.text("#sync-result");
    assert!(why.starts_with("Not synced"), "{why}");
    assert!(
        app.exists("#sync-result li[data-code='tenant_not_linked']"),
        "{why}"
    );
    app.screenshot("08-new-invite-not-synced");
    sign_out(&app);

    // The tenant's side: the arrival made in the lobby is there; the tenant admin turns card
    // sync off on the Location Settings card.
    sign_in_demo(&app, "admin@acme.demo");
    open_visitor(&app, "Ada Lovelace");
    assert!(
        app.text("#detail-status").starts_with("On site"),
        "the lobby's arrival shows on the tenant side"
    );
    let link = app.text("#detail-link");
    assert!(link.contains("other portal is primary"), "{link}");
    app.click("#validity-box summary");
    assert!(
        app.exists("#validity-not-primary"),
        "validity is changed on the primary side only"
    );
    app.screenshot("09-tenant-side");
    // The tenant's directory: the admin finds its people, checks a CSV (a bad line: nothing
    // changes), then imports the corrected file.
    app.click("#show-hosts");
    app.wait_until("the directory", 10, |a| {
        a.text("#hosts-list").contains("Grace Hopper")
    });
    set_value(&app, "#hosts-csv", "name,email,mobile\nKatherine Johnson,katherine@acme.example,+1 757 555 0100\nBad Phone,bad@acme.example,call me\n");
    app.click("#import-check");
    app.wait_until("the import report", 10, |a| a.exists("#import-summary"));
    assert!(
        app.text("#import-summary").contains("nothing was changed"),
        "{}",
        app.text("#import-summary")
    );
    assert!(
        app.text("#import-report").contains("Line 3"),
        "{}",
        app.text("#import-report")
    );
    app.screenshot("09a-hosts-import-errors");
    set_value(
        &app,
        "#hosts-csv",
        "name,email,mobile\nKatherine Johnson,katherine@acme.example,+1 757 555 0100\n",
    );
    app.click("#import-apply");
    app.wait_until("the import applied", 10, |a| {
        a.text("#hosts-list").contains("Katherine Johnson")
    });
    assert!(
        app.text("#import-summary").starts_with("Imported: 1 added"),
        "{}",
        app.text("#import-summary")
    );
    app.screenshot("09b-hosts-imported");
    app.click("#show-settings");
    app.find("#sync-building-invitations:checked");
    app.click("#card-sync");
    app.click("#save-settings");
    app.wait_until("settings saved", 10, |a| a.text("#toast").contains("saved"));
    app.screenshot("10-location-settings");
    sign_out(&app);

    // Back in the lobby: assigning a card meets the prompt; Cancel assigns nothing, Save assigns
    // it on this portal only.
    sign_in_demo(&app, "lobby@harbour.demo");
    open_visitor(&app, "Ada Lovelace");
    app.click("#card-box summary");
    app.type_into("#card-number", "40123");
    app.click("#assign-card");
    app.find("#card-blocked");
    assert_eq!(app.text("#card-blocked-text"), CARD_SYNC_BLOCKED_PROMPT);
    app.screenshot("11-card-sync-blocked");
    app.click("#card-blocked-cancel");
    app.wait_until("the prompt closed", 10, |a| !a.exists("#card-blocked"));
    assert_eq!(app.text("#detail-card"), "None");
    app.click("#assign-card");
    app.click("#card-blocked-save");
    app.wait_until("the card assigned", 10, |a| {
        a.text("#detail-card").starts_with("40123")
    });
    assert!(app.text("#detail-card").contains("this portal only"));
    app.screenshot("12-card-assigned-locally");

    // The activity log of the invite.
    app.click("#activity-box summary");
    app.wait_until("the activity log", 10, |a| {
        a.text("#activity").contains("arrived")
    });
    app.screenshot("13-activity");

    // Print the badge on the desk's printer (CUPS's IPP printer simulator), set up under Devices.
    let sim = printer::Simulator::start("Lobby Badge Printer");
    app.click("#show-devices");
    app.type_into("#printer-uri", &sim.uri);
    app.click("#save-devices");
    app.wait_until("the printer ready", 15, |a| {
        a.text("#printer-state").starts_with("Printer ready")
    });
    open_visitor(&app, "Ada Lovelace");
    app.click("#print-badge");
    app.wait_until("the badge printed", 20, |a| {
        a.text("#toast") == "Badge printed."
    });
    assert_eq!(sim.received().len(), 1, "one job, one badge");
    app.screenshot("14-badge-printed");
    app.click("#activity-box summary");
    app.wait_until("the print in the activity log", 10, |a| {
        a.text("#activity").contains("badge printed")
    });
    app.quit();
}
