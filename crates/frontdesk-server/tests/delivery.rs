//! Invitations reach people: a real SMTP server (aiosmtpd) and a loopback SMS gateway receive
//! exactly one message per invite or resend, with a working link; a message waits in the outbox
//! while the mail server is down and goes out once, exactly once, when it is back. A visit's host
//! (and delegate) hears of an arrival once per channel — email, SMS, Slack, Teams — in the
//! building's time, across outages and restarts, and "On my way" reaches both invites.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{eventually, free_port, id, Server, SmtpServer, World};
use frontdesk_server::delivery::DeliveryConfig;
use serde_json::{json, Value};

fn world(smtp_port: u16, sms_url: Option<String>) -> World {
    World::on(Server::start_with(move |base| {
        let mut cfg = DeliveryConfig::new(base);
        cfg.smtp_url = Some(format!("smtp://127.0.0.1:{smtp_port}"));
        cfg.sms_url = sms_url;
        cfg.mail_from = "Harbour Tower <visitors@harbour.test>".into();
        cfg.retry_base = Duration::from_millis(100);
        Some(cfg)
    }))
}

fn notifications(w: &World) -> Vec<Value> {
    w.s.get(&w.admin, "/notifications")
        .ok()
        .as_array()
        .unwrap()
        .clone()
}

/// The registration link in a raw email (quoted-printable soft breaks removed).
fn link_in(mail: &str) -> String {
    let flat = mail.replace("=\r\n", "").replace("=\n", "");
    let start = flat.find("http://").expect("a link");
    flat[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || ":/.-_".contains(*c))
        .collect()
}

#[test]
fn one_email_per_invite_and_per_resend_from_the_primary_with_a_working_link() {
    let smtp = SmtpServer::start(free_port());
    let w = world(smtp.port, None);
    let (b, t) = w.synced_pair("Ada Lovelace");
    let mails = smtp.wait_for(1);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        smtp.messages().len(),
        1,
        "one message for the pair, not one per portal"
    );
    let mail = &mails[0];
    assert!(mail.contains("To: ada.lovelace@example.com"), "{mail}");
    assert!(mail.contains("From: \"Harbour Tower\" <visitors@harbour.test>"));
    assert!(mail.contains("Subject: Your visit to Acme HQ at Harbour Tower"));
    assert!(
        mail.contains("multipart/alternative")
            && mail.contains("text/plain")
            && mail.contains("text/html")
    );
    assert!(
        mail.contains("Content-Type: image/png") && mail.contains("cid:visit-qr"),
        "the QR code for the desk"
    );
    let notification = notifications(&w)
        .into_iter()
        .find(|n| n["invite_id"] == b.as_str())
        .unwrap();
    assert!(mail.contains(&format!(
        "Message-ID: <{}@frontdesk>",
        notification["id"].as_str().unwrap()
    )));
    eventually(5, "state sent", || {
        notifications(&w).iter().any(|n| n["state"] == "sent")
    });

    // The link opens this visit's flow, and the page.
    let link = link_in(mail);
    assert!(
        link.starts_with(&format!("http://{}/register/", w.s.addr)),
        "{link}"
    );
    let token = link.rsplit('/').next().unwrap();
    let flow =
        w.s.request("GET", &format!("/registrations/{token}"), None, None)
            .ok();
    assert_eq!(flow["invite_id"], b.as_str());
    let page = reqwest::blocking::get(&link).unwrap();
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");

    // Resend from the tenant side: one more message, from the primary, with a new link.
    w.s.post(&w.acme_desk, &format!("/invites/{t}/resend"), json!({}))
        .ok();
    let mails = smtp.wait_for(2);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(smtp.messages().len(), 2);
    let second = mails.iter().find(|m| link_in(m) != link).unwrap();
    assert!(second.contains("To: ada.lovelace@example.com"));
    let sent: Vec<Value> = notifications(&w);
    assert!(sent
        .iter()
        .all(|n| n["invite_id"] == b.as_str() && n["state"] == "sent"));
    // The secret is not kept once sent, and never shown.
    assert!(sent.iter().all(|n| n.get("link_token").is_none()));
    assert!(w
        .s
        .state
        .store
        .notifications(&frontdesk_store::queries::Visibility::All, 10)
        .unwrap()
        .iter()
        .all(|n| n.link_token.is_none()));
}

#[test]
fn a_message_waits_while_the_mail_server_is_down_and_goes_out_once() {
    let port = free_port();
    let w = world(port, None);
    let r = w.building_invite(&w.acme_loc, "Ada Lovelace");
    let b = id(&r["invite"]);
    eventually(10, "two failed attempts", || {
        notifications(&w)
            .iter()
            .any(|n| n["invite_id"] == b.as_str() && n["attempts"].as_i64().unwrap() >= 2)
    });
    let n = notifications(&w)
        .into_iter()
        .find(|n| n["invite_id"] == b.as_str())
        .unwrap();
    assert_eq!(n["state"], "queued");
    assert!(n["last_error"].as_str().unwrap().contains("SMTP"), "{n}");

    let smtp = SmtpServer::start(port);
    smtp.wait_for(1);
    eventually(10, "state sent", || {
        notifications(&w).iter().all(|n| n["state"] == "sent")
    });
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(smtp.messages().len(), 1, "exactly once");
}

/// What the gateway received: the Idempotency-Key header and the JSON body of each POST.
type Received = Arc<Mutex<Vec<(String, Value)>>>;

/// A loopback SMS gateway that records what it is sent.
fn sms_gateway() -> (String, Received) {
    let got: Received = Arc::default();
    let (tx, rx) = std::sync::mpsc::channel();
    let sink = got.clone();
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async move {
                let app = axum::Router::new().route(
                    "/sms",
                    axum::routing::post(
                        move |headers: axum::http::HeaderMap, axum::Json(v): axum::Json<Value>| {
                            let sink = sink.clone();
                            async move {
                                let key = headers["idempotency-key"].to_str().unwrap().to_string();
                                sink.lock().unwrap().push((key, v));
                                axum::http::StatusCode::ACCEPTED
                            }
                        },
                    ),
                );
                let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(l.local_addr().unwrap()).unwrap();
                axum::serve(l, app).await.unwrap();
            })
    });
    (format!("http://{}/sms", rx.recv().unwrap()), got)
}

#[test]
fn a_visitor_without_email_gets_one_sms_through_the_gateway() {
    let (url, got) = sms_gateway();
    let w = world(free_port(), Some(url));
    let mut body = w.invite_body(&w.acme_loc, "Scout Finch");
    body["visitor"]["email"] = Value::Null;
    let r =
        w.s.post(
            &w.building_admin,
            &format!("/buildings/{}/invites", w.building),
            body,
        )
        .ok();
    assert_eq!(r["notification"]["channel"], "sms");
    eventually(10, "the SMS", || !got.lock().unwrap().is_empty());
    std::thread::sleep(Duration::from_millis(500));
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let (key, sms) = &got[0];
    assert_eq!(sms["to"], "+447700900123");
    assert_eq!(key, r["notification"]["id"].as_str().unwrap());
    let text = sms["text"].as_str().unwrap();
    let code = r["invite"]["short_code"].as_str().unwrap();
    assert!(
        text.contains(&format!("type your code {code}")),
        "the kiosk code: {text}"
    );
    let token = text.rsplit("/register/").next().unwrap();
    w.s.request("GET", &format!("/registrations/{token}"), None, None)
        .ok();
}

// ---- Telling hosts of their visitors, received for real --------------------------------------

/// A webhook-style receiver for Slack and Teams (the Python receiver of `webhooks.rs`, with no
/// secret for these paths: it records what it is sent).
struct ChatReceiver {
    child: std::process::Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl ChatReceiver {
    fn start(port: u16) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("/usr/bin/python3")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/receivers/webhook_receiver.py"
            ))
            .arg(port.to_string())
            .arg(dir.path().join("log.jsonl"))
            .arg(dir.path().join("secrets.json"))
            .spawn()
            .expect("/usr/bin/python3 must be installed to run the webhook receiver");
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(child.try_wait().unwrap().is_none(), "the receiver exited");
            assert!(
                std::time::Instant::now() < deadline,
                "the receiver did not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, port, dir }
    }

    fn got(&self, path: &str) -> Vec<Value> {
        std::fs::read_to_string(self.dir.path().join("log.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|l| l["path"] == path)
            .map(|l| l["body"].clone())
            .collect()
    }
}

impl Drop for ChatReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A building in New York with one linked tenant that takes the building's invites.
struct NewYork {
    building: String,
    tenant: String,
    location: String,
}

fn new_york(w: &World) -> NewYork {
    let a = &w.admin;
    let building = id(&w
        .s
        .post(
            a,
            "/buildings",
            json!({"name": "Liberty Plaza", "timezone": "America/New_York"}),
        )
        .ok());
    let tenant = id(&w.s.post(a, "/tenants", json!({"name": "Initech"})).ok());
    let location = id(&w
        .s
        .post(
            a,
            &format!("/tenants/{tenant}/locations"),
            json!({"name": "Initech NYC", "building_id": building}),
        )
        .ok());
    let vt = id(&w
        .s
        .post(
            a,
            &format!("/locations/{location}/visitor-types"),
            json!({"name": "Guest", "requires_photo": false, "requires_nda": false, "questions": []}),
        )
        .ok());
    w.s.post(
        a,
        &format!("/buildings/{building}/tenant-links"),
        json!({"tenant_id": tenant}),
    )
    .ok();
    w.s.put(
        a,
        &format!("/locations/{location}/settings"),
        json!({"visitor_management_enabled": true, "sync_building_invitations": true,
               "sync_visitor_type_id": vt, "card_sync_enabled": true}),
    )
    .ok();
    NewYork {
        building,
        tenant,
        location,
    }
}

/// A host of the tenant on every channel, with a delegate told by email; returns the host's id.
fn host_on_every_channel(w: &World, ny: &NewYork, chat_port: u16, waiting: Option<u32>) -> String {
    let delegate = id(&w
        .s
        .post(
            &w.admin,
            &format!("/tenants/{}/hosts", ny.tenant),
            json!({"name": "Peter Gibbons", "email": "peter@initech.test"}),
        )
        .ok());
    id(&w
        .s
        .post(
            &w.admin,
            &format!("/tenants/{}/hosts", ny.tenant),
            json!({"name": "Joanna Smith", "email": "joanna@initech.test", "mobile": "+1 212 555 0100",
                   "delegate_id": delegate,
                   "prefs": {"channels": ["email", "sms", "slack", "teams"],
                             "slack_webhook_url": format!("http://127.0.0.1:{chat_port}/slack"),
                             "teams_webhook_url": format!("http://127.0.0.1:{chat_port}/teams"),
                             "waiting_minutes": waiting}}),
        )
        .ok())
}

/// A synced building→tenant pair in New York naming the host: (building's, tenant's).
fn ny_pair(w: &World, ny: &NewYork, host: &str, name: &str) -> (String, String) {
    let mut body = w.invite_body(&ny.location, name);
    body["visitor_type_id"] = Value::Null;
    body["host_id"] = json!(host);
    body["notify"] = json!(false);
    let r =
        w.s.post(
            &w.admin,
            &format!("/buildings/{}/invites", ny.building),
            body,
        )
        .ok();
    assert_eq!(r["sync"]["status"], "synced", "{r}");
    (
        id(&r["invite"]),
        r["sync"]["linked_invite_id"].as_str().unwrap().to_string(),
    )
}

fn restartable(smtp_port: u16, sms_url: String) -> World {
    World::on(Server::start_restartable(move |base| {
        let mut cfg = DeliveryConfig::new(base);
        cfg.smtp_url = Some(format!("smtp://127.0.0.1:{smtp_port}"));
        cfg.sms_url = Some(sms_url.clone());
        cfg.retry_base = Duration::from_millis(100);
        Some(cfg)
    }))
}

fn to(mails: &[String], who: &str) -> usize {
    mails
        .iter()
        .filter(|m| m.contains(&format!("To: {who}")))
        .count()
}

/// The "On my way" link in a message.
fn on_my_way_link(text: &str) -> String {
    let flat = text.replace("=\r\n", "").replace("=\n", "");
    let at = flat.find("/on-my-way/").expect("an On my way link");
    let start = flat[..at].rfind("http://").unwrap();
    flat[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || ":/.-_".contains(*c))
        .collect()
}

#[test]
fn a_host_hears_of_their_visitor_once_per_channel_in_the_buildings_time() {
    let smtp = SmtpServer::start(free_port());
    let chat = ChatReceiver::start(free_port());
    let (sms_url, sms) = sms_gateway();
    let w = restartable(smtp.port, sms_url);
    let ny = new_york(&w);
    let host = host_on_every_channel(&w, &ny, chat.port, None);
    let (b, t) = ny_pair(&w, &ny, &host, "Milton Waddams");
    // The tenant's desk marks the arrival (the pair: one visit, one set of messages).
    w.s.post(&w.admin, &format!("/invites/{t}/arrive"), json!({}))
        .ok();
    smtp.wait_for(2);
    eventually(10, "the SMS, Slack and Teams messages", || {
        !sms.lock().unwrap().is_empty()
            && !chat.got("/slack").is_empty()
            && !chat.got("/teams").is_empty()
    });
    std::thread::sleep(Duration::from_secs(1));
    let mails = smtp.messages();
    assert_eq!(mails.len(), 2, "one to the host, one to the delegate");
    assert_eq!(to(&mails, "joanna@initech.test"), 1);
    assert_eq!(to(&mails, "peter@initech.test"), 1);
    assert_eq!(sms.lock().unwrap().len(), 1, "one SMS, to the host");
    assert_eq!(chat.got("/slack").len(), 1);
    assert_eq!(chat.got("/teams").len(), 1);

    // In the building's zone, named as people know it.
    let host_mail = mails
        .iter()
        .find(|m| m.contains("To: joanna@initech.test"))
        .unwrap();
    let flat = host_mail.replace("=\r\n", "").replace("=\n", "");
    assert!(flat.contains("Milton Waddams"), "{flat}");
    assert!(flat.contains("New York time"), "{flat}");
    assert!(!flat.contains("UTC"), "{flat}");
    let (_, text) = &sms.lock().unwrap()[0];
    assert_eq!(text["to"], "+12125550100");
    assert!(
        text["text"].as_str().unwrap().contains("/on-my-way/"),
        "{text}"
    );

    // Slack: `text` and Block Kit blocks, each typed.
    let slack = &chat.got("/slack")[0];
    assert!(slack["text"].as_str().unwrap().contains("Milton Waddams"));
    let blocks = slack["blocks"].as_array().unwrap();
    assert!(!blocks.is_empty());
    for block in blocks {
        let kind = block["type"].as_str().unwrap();
        assert!(
            ["header", "section", "actions", "context", "divider"].contains(&kind),
            "{block}"
        );
    }
    let button = blocks.iter().find(|b| b["type"] == "actions").unwrap();
    assert!(button["elements"][0]["url"]
        .as_str()
        .unwrap()
        .contains("/on-my-way/"));
    // Teams (Workflows): a message with one Adaptive Card.
    let teams = &chat.got("/teams")[0];
    assert_eq!(teams["type"], "message");
    let attachment = &teams["attachments"][0];
    assert_eq!(
        attachment["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    let card = &attachment["content"];
    assert_eq!(card["type"], "AdaptiveCard");
    assert!(card["version"].as_str().is_some());
    let body = card["body"].as_array().unwrap();
    assert!(body
        .iter()
        .all(|b| b["type"] == "TextBlock" && b["text"].is_string()));
    assert!(body
        .iter()
        .any(|b| b["text"].as_str().unwrap().contains("New York time")));
    adaptive_card_is_valid(card);

    // The desks see the host told.
    eventually(10, "the host marked told", || {
        w.invite(&w.admin, &b)["host_notice"]["notified_at"].is_string()
    });

    // "On my way": opening the link changes nothing; the button records it, on both invites.
    let link = on_my_way_link(host_mail);
    let page = reqwest::blocking::get(&link).unwrap();
    assert_eq!(page.status(), 200);
    for i in [&b, &t] {
        assert!(w.invite(&w.admin, i)["host_notice"]["on_my_way_at"].is_null());
    }
    let pressed = reqwest::blocking::Client::new().post(&link).send().unwrap();
    assert!(pressed.status().is_success(), "{}", pressed.status());
    for i in [&b, &t] {
        let notice = &w.invite(&w.admin, i)["host_notice"];
        assert!(notice["on_my_way_at"].is_string(), "{i}: {notice}");
        assert_eq!(notice["on_my_way_by"], "Joanna Smith");
    }
    // A second arrival call is refused and sends nothing more.
    assert_eq!(
        w.s.post(&w.admin, &format!("/invites/{b}/arrive"), json!({}))
            .status,
        409
    );
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(smtp.messages().len(), 2);
}

#[test]
fn messages_wait_out_an_outage_and_a_restart_then_go_once_and_none_for_a_visit_that_did_not_arrive()
{
    let (smtp_port, chat_port) = (free_port(), free_port());
    let (sms_url, sms) = sms_gateway();
    let mut w = restartable(smtp_port, sms_url);
    let ny = new_york(&w);
    let host = host_on_every_channel(&w, &ny, chat_port, None);
    let (b, _) = ny_pair(&w, &ny, &host, "Milton Waddams");
    let (stays_away, _) = ny_pair(&w, &ny, &host, "Bob Slydell");
    w.s.post(
        &w.admin,
        &format!("/invites/{stays_away}/check-in"),
        json!({}),
    )
    .ok();
    w.s.post(&w.admin, &format!("/invites/{b}/arrive"), json!({}))
        .ok();
    // The SMS gateway is up; mail and chat are down and fail for a while.
    eventually(10, "the SMS", || !sms.lock().unwrap().is_empty());
    std::thread::sleep(Duration::from_secs(1));
    w.s.restart();
    let smtp = SmtpServer::start(smtp_port);
    let chat = ChatReceiver::start(chat_port);
    smtp.wait_for(2);
    eventually(30, "Slack and Teams", || {
        !chat.got("/slack").is_empty() && !chat.got("/teams").is_empty()
    });
    std::thread::sleep(Duration::from_secs(2));
    let mails = smtp.messages();
    assert_eq!(mails.len(), 2, "exactly once per recipient");
    assert_eq!(to(&mails, "joanna@initech.test"), 1);
    assert_eq!(to(&mails, "peter@initech.test"), 1);
    assert!(
        mails.iter().all(|m| !m.contains("Bob Slydell")),
        "Bob never arrived"
    );
    assert_eq!(chat.got("/slack").len(), 1);
    assert_eq!(chat.got("/teams").len(), 1);
    assert_eq!(sms.lock().unwrap().len(), 1);
}

#[test]
fn the_waiting_reminder_goes_after_the_time_and_not_when_the_host_is_on_the_way() {
    let smtp = SmtpServer::start(free_port());
    let chat = ChatReceiver::start(free_port());
    let (sms_url, _sms) = sms_gateway();
    let w = restartable(smtp.port, sms_url);
    let ny = new_york(&w);
    let host = host_on_every_channel(&w, &ny, chat.port, Some(10));
    let (waits, _) = ny_pair(&w, &ny, &host, "Milton Waddams");
    let (met, _) = ny_pair(&w, &ny, &host, "Bob Slydell");
    w.s.post(&w.admin, &format!("/invites/{waits}/arrive"), json!({}))
        .ok();
    w.s.post(&w.admin, &format!("/invites/{met}/arrive"), json!({}))
        .ok();
    let mails = smtp.wait_for(4);
    // The host answers for Bob at once.
    let bob = mails
        .iter()
        .find(|m| m.contains("To: joanna@initech.test") && m.contains("Bob Slydell"))
        .unwrap();
    let pressed = reqwest::blocking::Client::new()
        .post(on_my_way_link(bob))
        .send()
        .unwrap();
    assert!(pressed.status().is_success());
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(smtp.messages().len(), 4, "no reminder before the time");
    w.s.clock().advance(chrono::Duration::minutes(11));
    smtp.wait_for(6);
    std::thread::sleep(Duration::from_secs(1));
    let mails = smtp.messages();
    assert_eq!(
        mails.len(),
        6,
        "a reminder to the host and to the delegate, for Milton only"
    );
    let reminders: Vec<&String> = mails
        .iter()
        .filter(|m| m.contains("has been waiting 10 minutes"))
        .collect();
    assert_eq!(reminders.len(), 2, "{reminders:?}");
    assert!(reminders.iter().all(|m| m.contains("Milton Waddams")));
}

#[test]
fn the_hosts_email_shows_the_visitors_photo_from_their_registration() {
    let smtp = SmtpServer::start(free_port());
    let w = world(smtp.port, None);
    let grace = id(&w
        .s
        .post(
            &w.acme_admin,
            &format!("/tenants/{}/hosts", w.acme),
            json!({"name": "Grace Hopper", "email": "grace@acme.test"}),
        )
        .ok());
    let mut body = w.invite_body(&w.acme_loc, "Ada Lovelace");
    body["host_id"] = json!(grace);
    let (b, _) = w.synced_pair_from(body);
    // The visitor registers from the link in their invitation, with a photo.
    let invitation = smtp.wait_for(1).remove(0);
    let link = link_in(&invitation);
    let token = link.rsplit('/').next().unwrap();
    w.s.request(
        "POST",
        &format!("/registrations/{token}"),
        None,
        Some(
            &json!({"visitor": {"name": "Ada Lovelace", "email": null, "mobile": null},
                     "answers": {"building.q1": false}, "photo": common::photo_url(120, 160),
                     "accepted_ndas": ["location"], "signature": "Ada Lovelace"}),
        ),
    )
    .ok();
    w.s.post(&w.building_desk, &format!("/invites/{b}/arrive"), json!({}))
        .ok();
    let mails = smtp.wait_for(2);
    let to_host = mails
        .iter()
        .find(|m| m.contains("To: grace@acme.test"))
        .unwrap();
    assert!(to_host.contains("Content-ID: <visitor-photo>"), "{to_host}");
    assert!(to_host.contains("Content-Type: image/png"), "{to_host}");
    assert!(to_host.contains("cid:visitor-photo"), "{to_host}");
    // The invitation itself carries no photo (there was none yet), only the desk's QR code.
    assert!(!invitation.contains("visitor-photo"));
}

/// The card checked against Microsoft's published Adaptive Card schema for its version, by
/// jsonschema (both from PyPI, installed by `scripts/install-deps test`).
fn adaptive_card_is_valid(card: &Value) {
    use std::io::Write;
    let python = frontdesk_testkit::labels::tools_dir().join("cards/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run ./scripts/install-deps test",
        python.display()
    );
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/receivers/validate_adaptive_card.py");
    let mut run = std::process::Command::new(python)
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    run.stdin
        .take()
        .unwrap()
        .write_all(card.to_string().as_bytes())
        .unwrap();
    let out = run.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the Teams card is not a valid Adaptive Card: {}{}\n{card}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
