//! The lobby kiosk in the real desktop app (built binary, WebKitGTK under Xvfb, through
//! tauri-driver), with WebKit's mock camera. On the built-in portal: the kiosk is switched on
//! under Devices, the escape routes do nothing, an idle visitor is forgotten (form and photo), and
//! only the admin PIN leaves it; every kiosk screen is photographed in every language into
//! target/test-output/kiosk/. On a shared portal (real HTTP on loopback through a link the test
//! cuts, aiosmtpd as the mail server, CUPS's IPP printer simulator, pcscd with a virtual card): a
//! walk-in from the welcome screen to a badge printed, a card encoded and the host's email; a
//! pre-registered arrival by QR code; a check-out by scanning the badge; a walk-in while the
//! portal is cut off, synced after; a printer that fails mid-job falls over to the fallback; a
//! card pulled early leaves no card assigned. Every screen also passes axe-core's WCAG 2.1 A/AA
//! rules, in each language.
#![allow(clippy::unwrap_used)]

mod desktop;

use std::path::PathBuf;

use desktop::{App, Desktop};
use frontdesk_testkit::pcsc_sim::{self, Behaviour, Pcscd, VirtualCard, READER};
use frontdesk_testkit::portal::{self as common, free_port, id, Link, Server, SmtpServer, World};
use frontdesk_testkit::printer;
use serde_json::{json, Value};

const PIN: &str = "2468";

fn shots() -> PathBuf {
    let d = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-output/kiosk");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A field's whole value at once, as the page's own input event sees it.
fn set_value(app: &App, selector: &str, value: &str) {
    app.js(
        "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
         e.dispatchEvent(new Event('input', {bubbles: true}));",
        json!([selector, value]),
    );
}

/// axe-core's WCAG 2.1 A and AA rules on the screen shown; fails with what it found.
fn axe(app: &App, what: &str) {
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../ui/node_modules/axe-core/axe.min.js"),
    )
    .expect("axe-core is installed by scripts/build-ui (npm ci)");
    let r = app.js_async(
        &format!(
            "{source}\n;axe.run(document, {{runOnly: {{type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa']}}}})\
             .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', '))))\
             .catch(e => done(['axe failed: ' + e]));"
        ),
        json!([]),
    );
    assert_eq!(r, json!([]), "axe-core on {what}");
}

/// Every language of the screen shown: a screenshot each, and axe-core on each.
fn every_language(app: &App, name: &str) {
    for lang in ["en", "fr", "ar"] {
        app.click(&format!(".kiosk-language[data-lang='{lang}']"));
        app.wait_until("the language applied", 10, |a| {
            a.js("return document.documentElement.lang", json!([])) == lang
        });
        if lang == "ar" {
            assert_eq!(
                app.js("return document.documentElement.dir", json!([])),
                "rtl"
            );
        }
        app.screenshot_to(&shots(), &format!("{name}-{lang}"));
        axe(app, &format!("{name} in {lang}"));
    }
    app.click(".kiosk-language[data-lang='en']");
}

/// Press Tab until the element with `id` has the focus, and check the focus shows.
fn tab_to(app: &App, id: &str) {
    for _ in 0..12 {
        if app.js(
            "return document.activeElement && document.activeElement.id",
            json!([]),
        ) == id
        {
            let outline = app.js(
                "return getComputedStyle(document.activeElement).outlineStyle",
                json!([]),
            );
            assert_ne!(outline, "none", "the focus on #{id} is visible");
            return;
        }
        app.press(&["\u{E004}"]);
    }
    panic!("Tab never reached #{id}");
}

fn turn_kiosk_on(app: &App, idle: u32, facility: Option<u16>) {
    app.click("#show-devices");
    app.find("#kiosk-settings");
    app.click("#kiosk-enabled");
    app.type_into("#kiosk-new-pin", PIN);
    set_value(app, "#kiosk-idle-seconds", &idle.to_string());
    if let Some(f) = facility {
        set_value(app, "#kiosk-card-facility", &f.to_string());
    }
    app.click("#save-kiosk");
    app.wait_kiosk_screen("welcome");
}

/// A scanner types the code fast and presses Enter.
fn scan(app: &App, code: &str) {
    app.js(
        "document.activeElement && document.activeElement.blur && document.activeElement.blur()",
        json!([]),
    );
    app.js_async(
        "const [code] = arguments; for (const ch of code + '\\n') { \
           const key = ch === '\\n' ? 'Enter' : ch; \
           window.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true, cancelable: true})); } \
         done(true);",
        json!([code]),
    );
}

#[test]
fn the_kiosk_is_locked_down_forgets_an_idle_visitor_and_leaves_only_with_the_pin() {
    // The kiosk PC runs on Tokyo time; the building is in London.
    let desktop = Desktop::start_with(&[("FRONTDESK_DESK_MOCK_CAMERA", "1"), ("TZ", "Asia/Tokyo")]);
    let app = desktop.open();
    app.click("button.demo[data-email='lobby@harbour.demo']");
    app.find("#invites .row");
    // A wrong PIN is refused before anything changes.
    app.click("#show-devices");
    app.find("#kiosk-settings");
    app.click("#kiosk-enabled");
    app.type_into("#kiosk-new-pin", "12");
    app.click("#save-kiosk");
    app.wait_until("the PIN refused", 10, |a| {
        a.text("#toast").contains("4 to 8 digits")
    });
    app.clear("#kiosk-new-pin");
    app.type_into("#kiosk-new-pin", PIN);
    set_value(&app, "#kiosk-idle-seconds", "120");
    app.click("#save-kiosk");
    app.wait_kiosk_screen("welcome");
    // t() isolates each name it places (U+2068…U+2069) so a Latin name reads right in Arabic.
    assert_eq!(
        app.text("h1").replace(['\u{2068}', '\u{2069}'], ""),
        "Welcome to Harbour Tower"
    );
    // The clock is London's (in December, UTC), not the PC's Tokyo time (UTC+9).
    let clock = app.text("#kiosk-clock");
    let now = chrono::Utc::now();
    // English is written with a 12-hour clock: 09:59 PM.
    let london =
        [now, now - chrono::Duration::minutes(1)].map(|t| t.format("%I:%M %p").to_string());
    assert!(
        london.iter().any(|hm| clock.contains(hm.as_str())),
        "{clock} is not London's {london:?}"
    );
    assert!(
        clock.contains("United Kingdom"),
        "the zone named as people say it: {clock}"
    );
    every_language(&app, "01-welcome");

    // Locked down: full screen, and no key, menu, link or script takes the visitor out.
    let rect = app.window_rect();
    assert_eq!(
        (rect["width"].as_i64(), rect["height"].as_i64()),
        (Some(1280), Some(900)),
        "full screen: {rect}"
    );
    app.js("window.__kioskPage = 'still here'", json!([]));
    const CTRL: &str = "\u{E009}";
    const SHIFT: &str = "\u{E008}";
    const ALT: &str = "\u{E00A}";
    for chord in [
        vec!["\u{E035}"],       // F5
        vec![CTRL, "r"],        // reload
        vec![CTRL, SHIFT, "r"], // hard reload
        vec![CTRL, "w"],        // close
        vec![CTRL, "q"],        // quit
        vec![ALT, "\u{E034}"],  // Alt+F4
        vec![ALT, "\u{E012}"],  // back
        vec!["\u{E03C}"],       // F12
        vec![CTRL, SHIFT, "i"], // inspector
        vec!["\u{E03B}"],       // F11: out of full screen
        vec!["\u{E00C}"],       // Escape
        vec!["\u{E003}"],       // Backspace: back in some engines
    ] {
        app.press(&chord);
    }
    let prevented = app.js(
        "const e = new MouseEvent('contextmenu', {bubbles: true, cancelable: true}); \
         return !document.querySelector('h1').dispatchEvent(e);",
        json!([]),
    );
    assert_eq!(prevented, true, "the context menu is refused");
    assert_eq!(
        app.js("return window.open('https://example.com/')", json!([])),
        Value::Null
    );
    app.js(
        "history.back(); location.href = 'https://example.com/';",
        json!([]),
    );
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_eq!(
        app.js("return window.__kioskPage || ''", json!([])),
        "still here",
        "no reload and no navigation"
    );
    assert!(app
        .js("return location.href", json!([]))
        .as_str()
        .unwrap()
        .starts_with("tauri://localhost"));
    assert_eq!(
        app.window_handles(),
        1,
        "no inspector window and no other window"
    );
    assert_eq!(app.kiosk_screen(), "welcome");
    let rect = app.window_rect();
    assert_eq!(
        (rect["width"].as_i64(), rect["height"].as_i64()),
        (Some(1280), Some(900)),
        "still full screen: {rect}"
    );
    // Text outside fields cannot be selected.
    assert_eq!(
        app.js("return getComputedStyle(document.body).userSelect || getComputedStyle(document.body).webkitUserSelect", json!([])),
        "none"
    );
    // The window's own commands refuse to turn the kiosk off without the PIN.
    let r = app.invoke("set_kiosk", json!({"setup": {"enabled": false, "pin": null, "idle_seconds": 60, "card_facility": null}}));
    assert_eq!(r["err"]["code"], "kiosk_locked", "{r}");

    // The other screens, in every language.
    app.click("#kiosk-invited");
    app.wait_kiosk_screen("code");
    every_language(&app, "02-code");
    app.click("#kiosk-back");
    app.click("#kiosk-leaving");
    app.wait_kiosk_screen("leaving");
    every_language(&app, "03-leaving");
    app.click("#kiosk-back");
    app.click("#kiosk-walk-in");
    app.wait_kiosk_screen("company");
    every_language(&app, "04-company");
    app.type_into("#kiosk-company-search", "acme");
    app.click(".kiosk-company");
    std::thread::sleep(std::time::Duration::from_secs(2));
    app.wait_kiosk_screen("host");
    app.type_into("#kiosk-host-search", "grace");
    app.find(".kiosk-host");
    every_language(&app, "05-host");
    app.click(".kiosk-host");
    app.wait_kiosk_screen("flow");
    app.find("#kiosk-flow input[name=name]");
    every_language(&app, "06-flow-details");
    app.type_into("#kiosk-flow input[name=name]", "Zoë Ångström-Nakamura");
    app.click("#kiosk-flow button[type=submit]");
    app.find("#kiosk-flow input[type=radio]");
    every_language(&app, "07-flow-building-questions");
    app.click("#kiosk-flow label.check");
    app.click("#kiosk-flow button[type=submit]");
    app.find("#kiosk-flow input[type=radio]");
    app.click("#kiosk-flow label.check");
    app.click("#kiosk-flow button[type=submit]");
    // The photo: the mock camera's live preview, then the picture.
    app.find("#flow-take-photo:not([hidden])");
    every_language(&app, "08-flow-photo");
    // A new language redraws the step and restarts the camera.
    app.find("#flow-take-photo:not([hidden])");
    app.click("#flow-take-photo");
    app.wait_until("the photo taken", 10, |a| {
        a.js("const i = document.querySelector('#kiosk-flow img.photo:not([hidden])'); return !!i && i.naturalWidth > 0", json!([])) == true
    });
    // Framed as the badge's photo box is: 4:5, from the middle of the camera's 4:3 frame.
    let size = app.js("const i = document.querySelector('#kiosk-flow img.photo'); return [i.naturalWidth, i.naturalHeight]", json!([]));
    assert_eq!(size, json!([384, 480]), "the photo is cropped to 4:5");
    app.screenshot_to(&shots(), "08b-flow-photo-taken");

    app.click("#kiosk-back");

    // By keyboard alone: Tab to a choice (its focus shown), Enter; type to search; Tab to the
    // company, Enter.
    app.wait_kiosk_screen("welcome");
    tab_to(&app, "kiosk-walk-in");
    app.press(&["\u{E007}"]);
    app.wait_kiosk_screen("company");
    tab_to(&app, "kiosk-company-search");
    app.type_into("#kiosk-company-search", "acme");
    app.press(&["\u{E004}"]);
    assert!(
        app.js(
            "return document.activeElement.classList.contains('kiosk-company')",
            json!([])
        ) == true,
        "Tab reaches the company found"
    );
    app.press(&["\u{E007}"]);
    app.wait_kiosk_screen("host");
    app.click("#kiosk-back");

    // The staff button: a wrong PIN keeps the kiosk; the right one returns to the console.
    app.click("#kiosk-staff");
    app.wait_kiosk_screen("pin");
    every_language(&app, "10-pin");
    for d in ["1", "3", "5", "7"] {
        app.click(&format!(".kiosk-key:nth-child({d})"));
    }
    app.click("#kiosk-pin-ok");
    app.wait_until("the wrong PIN refused", 10, |a| {
        a.text("#kiosk-pin-error").contains("not right")
    });
    assert_eq!(app.kiosk_screen(), "pin");
    app.type_into("#kiosk-pin", PIN);
    app.click("#kiosk-pin-ok");
    app.find("#invites");
    let k = app.invoke("kiosk", json!({}));
    assert_eq!(k["ok"]["locked"], false, "{k}");

    // Back to the kiosk with a short idle timeout (the PIN kept): a visitor half-way through
    // the flow, photo taken, walks away.
    app.click("#show-devices");
    app.find("#kiosk-settings");
    app.click("#kiosk-enabled");
    set_value(&app, "#kiosk-idle-seconds", "5");
    app.click("#save-kiosk");
    app.wait_kiosk_screen("welcome");
    app.click("#kiosk-walk-in");
    app.wait_kiosk_screen("company");
    app.type_into("#kiosk-company-search", "acme");
    app.click(".kiosk-company");
    app.wait_kiosk_screen("host");
    app.type_into("#kiosk-host-search", "grace");
    app.click(".kiosk-host");
    app.wait_kiosk_screen("flow");
    app.type_into("#kiosk-flow input[name=name]", "Zoë Ångström-Nakamura");
    app.click("#kiosk-flow button[type=submit]");
    for _ in 0..2 {
        app.find("#kiosk-flow input[type=radio]");
        app.click("#kiosk-flow label.check");
        app.click("#kiosk-flow button[type=submit]");
    }
    app.find("#flow-take-photo:not([hidden])");
    app.click("#flow-take-photo");
    app.find("#kiosk-flow img.photo:not([hidden])");

    // The visitor walks away: after the idle timeout (with its warning) the kiosk starts over
    // and nothing of theirs is left.
    app.wait_until("the idle warning", 10, |a| a.exists("#kiosk-idle"));
    app.screenshot_to(&shots(), "09-idle-warning");
    app.wait_kiosk_screen("welcome");
    assert_eq!(
        app.js(
            "return [document.querySelectorAll('video').length, \
                     [...document.querySelectorAll('img')].filter(i => (i.src || '').startsWith('data:')).length, \
                     document.body.innerText.includes('Ångström')]",
            json!([])
        ),
        json!([0, 0, false]),
        "the camera is off and the photo and name are gone"
    );
    app.click("#kiosk-walk-in");
    app.wait_kiosk_screen("company");
    app.type_into("#kiosk-company-search", "acme");
    app.click(".kiosk-company");
    app.click(".kiosk-host, #kiosk-host-search");
    app.wait_until("a fresh form", 20, |a| {
        a.kiosk_screen() == "flow" || a.kiosk_screen() == "host"
    });
    if app.kiosk_screen() == "host" {
        app.type_into("#kiosk-host-search", "grace");
        app.click(".kiosk-host");
        app.wait_kiosk_screen("flow");
    }
    assert_eq!(
        app.js(
            "return document.querySelector('#kiosk-flow input[name=name]').value",
            json!([])
        ),
        "",
        "the next visitor starts with an empty form"
    );
    app.click("#kiosk-back");
    app.click("#kiosk-staff");
    app.type_into("#kiosk-pin", PIN);
    app.click("#kiosk-pin-ok");
    app.find("#invites");

    app.quit();
}

/// The shared portal a kiosk works with: mail to a real SMTP server, a host in Acme's
/// directory, and the lobby's desk signed in through a link the test can cut.
struct Lobby {
    w: World,
    smtp: SmtpServer,
    link: Link,
    host: String,
}

fn lobby() -> Lobby {
    let smtp = SmtpServer::start(free_port());
    let port = smtp.port;
    let w = World::on(Server::start_with(move |base| {
        let mut cfg = frontdesk_server::delivery::DeliveryConfig::new(base);
        cfg.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        cfg.mail_from = "Harbour Tower <visitors@harbour.test>".into();
        cfg.retry_base = std::time::Duration::from_millis(100);
        Some(cfg)
    }));
    let host = id(&w
        .s
        .post(
            &w.acme_admin,
            &format!("/tenants/{}/hosts", w.acme),
            json!({"name": "李小龍 Bruce Lee", "email": "bruce.lee@acme.test",
                   "location_ids": [w.acme_loc], "lobby_searchable": true}),
        )
        .ok());
    // A second kind of visit, so the kiosk asks which.
    w.s.post(
        &w.building_admin,
        &format!("/buildings/{}/visitor-types", w.building),
        json!({"name": "Delivery", "requires_photo": false, "requires_nda": false, "questions": []}),
    )
    .ok();
    let link = Link::to(w.s.addr);
    Lobby {
        w,
        smtp,
        link,
        host,
    }
}

fn connect(app: &App, l: &Lobby) {
    app.type_into("#server-url", &l.link.url);
    app.type_into("#server-email", "lobby@hq.test");
    app.type_into("#server-password", common::PASSWORD);
    app.click("#connect button[type=submit]");
    app.find("#invites");
}

/// Mail received for `to`, raw.
fn mail_to(l: &Lobby, to: &str) -> Vec<String> {
    l.smtp
        .messages()
        .into_iter()
        .filter(|m| m.contains(&format!("To: {to}")) || m.contains(&format!("<{to}>")))
        .collect()
}

/// A walk-in from the welcome screen, through the combined flow (building question, photo,
/// Acme's agreement), to the badge and card.
fn walk_in(app: &App, l: &Lobby, name: &str, online: bool, photograph: bool) {
    app.wait_kiosk_screen("welcome");
    app.click("#kiosk-walk-in");
    app.wait_kiosk_screen("company");
    app.type_into("#kiosk-company-search", "acm");
    app.click(&format!(".kiosk-company[data-location='{}']", l.w.acme_loc));
    app.wait_kiosk_screen("host");
    if online {
        app.type_into("#kiosk-host-search", "bruce");
        app.click(&format!(".kiosk-host[data-host='{}']", l.host));
    } else {
        // Offline the lobby's host search cannot answer: the typed name goes on, and the kiosk
        // says the host is told when the connection is back.
        app.type_into("#kiosk-host-search", "李小龍 Bruce Lee");
        app.wait_until("the offline hint", 10, |a| {
            a.exists("#kiosk-hosts .kiosk-offline")
        });
        app.click("#kiosk-host-typed");
    }
    app.wait_kiosk_screen("type");
    if photograph {
        every_language(app, "05b-visitor-type");
    }
    app.click(&format!(".kiosk-type[data-type='{}']", l.w.building_type));
    app.wait_kiosk_screen("flow");
    app.type_into("#kiosk-flow input[name=name]", name);
    app.type_into("#kiosk-flow input[name=email]", "visitor@example.org");
    app.click("#kiosk-flow button[type=submit]");
    the_rest_of_the_flow(app, name, photograph);
}

/// The combined flow after the visitor's details: "no tools", a photo from the camera, Acme's
/// agreement signed with `name`, and the review.
fn the_rest_of_the_flow(app: &App, name: &str, photograph: bool) {
    app.find("#kiosk-flow input[type=radio]");
    app.click("#kiosk-flow label.check:last-of-type");
    app.click("#kiosk-flow button[type=submit]");
    app.find("#flow-take-photo:not([hidden])");
    app.click("#flow-take-photo");
    app.find("#kiosk-flow img.photo:not([hidden])");
    app.click("#kiosk-flow button[type=submit]");
    app.find("#kiosk-flow input[name^=nda-]");
    if photograph {
        every_language(app, "15-flow-agreements");
    }
    app.click("#kiosk-flow label.check");
    app.type_into("#kiosk-flow input[name=signature]", name);
    app.click("#kiosk-flow button[type=submit]");
    app.find("#kiosk-flow dl");
    if photograph {
        every_language(app, "16-flow-review");
    }
    app.click("#kiosk-flow button[type=submit]");
}

/// The visit the desk's cache has for `name`.
fn visit_of(app: &App, name: &str) -> String {
    let mut found = String::new();
    app.wait_until(&format!("{name} in the desk's cache"), 30, |a| {
        let r = a.invoke("search", json!({"q": name}));
        found = r["ok"][0]["id"].as_str().unwrap_or_default().to_string();
        !found.is_empty()
    });
    found
}

#[test]
fn walk_ins_arrivals_and_check_outs_at_the_kiosk() {
    let _pcsc = pcsc_sim::lock();
    let _pcscd = Pcscd::start();
    let card = VirtualCard::insert([0x04, 0x4B, 0x10, 0x5C], Behaviour::Good);
    let l = lobby();
    let w = &l.w;
    // Ada registered on her phone, photo and all; Joan has her invitation and nothing more.
    let (ada, _) = w.synced_pair("Ada Lovelace");
    let token = w.registration_token(&ada);
    w.s.request(
        "POST",
        &format!("/registrations/{token}"),
        None,
        Some(
            &json!({"visitor": {"name": "Ada Lovelace", "email": "ada@example.org", "mobile": null},
               "answers": {"building.q1": false}, "photo": common::photo_url(96, 120),
               "accepted_ndas": ["location"], "signature": "Ada Lovelace"}),
        ),
    )
    .ok();
    let (joan, joan_tenant) = w.synced_pair("Joan Clarke");
    let joan_code = w.invite(&w.admin, &joan)["short_code"]
        .as_str()
        .unwrap()
        .to_string();
    let sim = printer::Simulator::start("Lobby Badge Printer");

    let desktop = Desktop::start_with(&[("FRONTDESK_DESK_MOCK_CAMERA", "1")]);
    let app = desktop.open();
    connect(&app, &l);
    app.click("#show-devices");
    app.type_into("#printer-uri", &sim.uri);
    app.click("#save-devices");
    app.wait_until("the printer ready", 20, |a| {
        a.text("#printer-state").starts_with("Printer ready")
    });
    app.wait_until("the encoder ready", 20, |a| {
        a.text("#encoder-state") == format!("Encoder ready ({READER})")
    });
    turn_kiosk_on(&app, 120, Some(42));

    // A walk-in: badge printed, card encoded and assigned, host told by email.
    walk_in(&app, &l, "محمد الأحمد", true, true);
    app.wait_kiosk_screen("done");
    every_language(&app, "11-walk-in-done");
    assert_eq!(
        app.js(
            "return document.querySelector('#kiosk-done-host').dataset.told",
            json!([])
        ),
        "true"
    );
    assert!(
        app.exists("#kiosk-done-badge") && app.exists("#kiosk-done-card"),
        "{}",
        app.page_text()
    );
    assert!(!app.exists("#kiosk-problem"), "{}", app.page_text());
    assert_eq!(sim.received().len(), 1, "one badge");
    common::eventually(20, "the host's email", || {
        !mail_to(&l, "bruce.lee@acme.test").is_empty()
    });
    let mail = mail_to(&l, "bruce.lee@acme.test").join("\n");
    assert!(
        mail.contains("Content-Type: image/jpeg") || mail.contains("image/jpeg"),
        "the visitor's photo is in the host's email"
    );
    let walked = visit_of(&app, "محمد");
    let v = w.invite(&w.admin, &walked);
    assert_eq!(v["status"], "arrived", "{v}");
    let tenant_side = w.invite(&w.admin, v["linked_invite_id"].as_str().expect("synced"));
    assert_eq!(tenant_side["status"], "arrived");
    assert!(
        v["card"]["number"]
            .as_str()
            .unwrap_or_default()
            .starts_with("42-"),
        "{v}"
    );
    assert_eq!(v["card"], tenant_side["card"], "the card on both sides");
    let timings = app.js("return window.kioskTimings()", json!([]));
    std::fs::write(shots().join("walk-in-timings.json"), timings.to_string()).unwrap();
    app.click("#kiosk-finish");

    // A pre-registered visitor scans the QR code of her invitation: nothing more to ask.
    app.wait_kiosk_screen("welcome");
    scan(&app, &ada);
    app.wait_kiosk_screen("done");
    assert!(app.exists("#kiosk-done-badge"), "{}", app.page_text());
    assert_eq!(w.invite(&w.admin, &ada)["status"], "arrived");
    app.click("#kiosk-finish");

    // Joan types her code (by keyboard alone) and is asked only what she still owes: the
    // building's question, a photo and Acme's agreement; not her name.
    app.wait_kiosk_screen("welcome");
    app.click("#kiosk-invited");
    app.wait_kiosk_screen("code");
    let typed = format!(
        "{}-{}\u{E007}",
        &joan_code[..3].to_lowercase(),
        &joan_code[3..]
    );
    app.type_into("#kiosk-code", &typed);
    app.wait_kiosk_screen("needs");
    assert!(
        !app.exists("#kiosk-flow input[name=name]"),
        "her details are not asked again"
    );
    every_language(&app, "12-pre-registered-needs");
    the_rest_of_the_flow(&app, "Joan Clarke", false);
    app.wait_kiosk_screen("done");
    assert_eq!(
        w.invite(&w.acme_admin, &joan_tenant)["status"],
        "arrived",
        "arrived on both portals"
    );
    let owed =
        w.s.get(&w.admin, &format!("/invites/{joan}/arrival-needs"))
            .ok();
    assert_eq!(owed, json!({"photo": false, "ndas": [], "questions": []}));
    app.click("#kiosk-finish");

    // Ada leaves: her badge scanned at the kiosk checks her out.
    app.wait_kiosk_screen("welcome");
    app.click("#kiosk-leaving");
    app.wait_kiosk_screen("leaving");
    scan(&app, &ada);
    app.wait_kiosk_screen("goodbye");
    every_language(&app, "13-goodbye");
    common::eventually(20, "the check-out on the portal", || {
        w.invite(&w.admin, &ada)["status"] == "checked_out"
    });
    app.click("#kiosk-finish");

    // The portal out of reach: a walk-in still signs in, queued; the host is told when the
    // connection is back.
    l.link.cut();
    app.wait_until("the desk offline", 30, |a| {
        a.invoke("desk_state", json!({}))["ok"]["online"] == false
    });
    let before = mail_to(&l, "bruce.lee@acme.test").len();
    walk_in(&app, &l, "Zoë Ångström-Nakamura", false, false);
    app.wait_kiosk_screen("done");
    assert_eq!(
        app.js(
            "return document.querySelector('#kiosk-done-host').dataset.told",
            json!([])
        ),
        "false"
    );
    every_language(&app, "14-walk-in-offline");
    assert!(
        app.text("#kiosk-problem").contains("connection"),
        "{}",
        app.text("#kiosk-problem")
    );
    l.link.restore();
    let zoe = visit_of(&app, "Zoë");
    common::eventually(30, "the queued walk-in on the portal", || {
        w.invite(&w.admin, &zoe)["status"] == "arrived"
    });
    common::eventually(20, "the host told once the connection is back", || {
        mail_to(&l, "bruce.lee@acme.test").len() == before + 1
    });
    app.quit();
    drop(card);
}

#[test]
fn a_jammed_printer_falls_over_and_a_card_pulled_early_is_not_assigned() {
    let _pcsc = pcsc_sim::lock();
    let _pcscd = Pcscd::start();
    // The visitor takes the card off the reader while it is being written.
    let card = VirtualCard::insert([0x04, 0x77, 0x21, 0x09], Behaviour::PulledAfter(3));
    let l = lobby();
    let w = &l.w;
    let jammed = printer::Simulator::start("Lobby Printer");
    jammed.set_mode("jam");
    let fallback = printer::Simulator::start("Back Office Printer");

    let desktop = Desktop::start_with(&[("FRONTDESK_DESK_MOCK_CAMERA", "1")]);
    let app = desktop.open();
    connect(&app, &l);
    app.click("#show-devices");
    app.type_into("#printer-uri", &format!("{}, {}", jammed.uri, fallback.uri));
    app.click("#save-devices");
    app.wait_until("the printer ready", 20, |a| {
        a.text("#printer-state").starts_with("Printer ready")
    });
    turn_kiosk_on(&app, 120, Some(42));

    walk_in(&app, &l, "Grace O'Malley-Ní Mháille", true, false);
    app.wait_kiosk_screen("done");
    // The badge: the first printer took the job and jammed; the fallback printed it.
    assert!(app.exists("#kiosk-done-badge"), "{}", app.page_text());
    assert_eq!(jammed.received().len(), 1, "the jammed printer got the job");
    assert_eq!(fallback.received().len(), 1, "the fallback printed it");
    // The card: pulled early, so no card is assigned, and the visitor is sent to reception.
    assert!(!app.exists("#kiosk-done-card"), "{}", app.page_text());
    let problem = app.text("#kiosk-problem");
    assert!(problem.contains("access card"), "{problem}");
    every_language(&app, "17-card-problem");
    let id = visit_of(&app, "Grace");
    let v = w.invite(&w.admin, &id);
    let t = w.invite(&w.admin, v["linked_invite_id"].as_str().unwrap());
    assert_eq!(
        (&v["card"], &t["card"]),
        (&Value::Null, &Value::Null),
        "no card on either side"
    );
    // Reception sees the same problem on the visit, on its console.
    common::eventually(10, "the desk alert on both sides", || {
        let (v, t) = (
            w.invite(&w.admin, &id),
            w.invite(&w.acme_admin, t["id"].as_str().unwrap()),
        );
        v["attention"].as_str().is_some_and(|a| a.contains("card"))
            && v["attention"] == t["attention"]
    });
    app.click("#kiosk-staff");
    app.type_into("#kiosk-pin", PIN);
    app.click("#kiosk-pin-ok");
    app.find("#invites");
    app.type_into("#search", "Grace");
    app.click("#invites .row");
    app.find("#detail-attention");
    assert!(
        app.text("#detail-attention").contains("card"),
        "{}",
        app.text("#detail-attention")
    );
    app.screenshot("16-console-shows-the-kiosks-problem");
    app.click("#clear-attention");
    app.wait_until("the problem dealt with", 10, |a| {
        !a.exists("#detail-attention")
    });
    assert_eq!(w.invite(&w.admin, &id)["attention"], Value::Null);
    app.quit();
    drop(card);
}
