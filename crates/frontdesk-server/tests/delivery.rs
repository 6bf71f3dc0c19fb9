//! Invitations reach people: a real SMTP server (aiosmtpd) and a loopback SMS gateway receive
//! exactly one message per invite or resend, with a working link; a message waits in the outbox
//! while the mail server is down and goes out once, exactly once, when it is back.
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
    let token = text.rsplit("/register/").next().unwrap();
    w.s.request("GET", &format!("/registrations/{token}"), None, None)
        .ok();
}
