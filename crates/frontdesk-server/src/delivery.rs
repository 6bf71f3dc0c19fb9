//! Delivery of the invitation outbox: email over SMTP (text + HTML with the registration link and
//! a QR code the desk can scan) and SMS through an HTTP gateway. One worker drains the outbox;
//! a failed attempt is retried with exponential backoff, and a message is marked sent as soon as
//! the server or gateway accepted it. The notification id travels as the email's Message-ID and
//! the gateway's Idempotency-Key, so a receiver can drop a repeat should the process die between
//! handing a message over and recording it.

use std::time::Duration;

use anyhow::{anyhow, Context};
use chrono::Utc;
use frontdesk_store::actions::LINK_PLACEHOLDER;
use frontdesk_store::Notification;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde_json::json;

use crate::AppState;

#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// `smtp://host:port` (plain, for a relay on the same host), `smtp://host:587?tls=required`
    /// (STARTTLS) or `smtps://user:pass@host:465`.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// An HTTP endpoint that takes `{"to","from","text","reference"}` as JSON.
    pub sms_url: Option<String>,
    pub sms_token: Option<String>,
    pub sms_from: String,
    /// Base of the links in messages, e.g. `https://visitors.example.com`.
    pub public_url: String,
    pub retry_base: Duration,
    pub max_attempts: i64,
}

impl DeliveryConfig {
    pub fn new(public_url: String) -> Self {
        Self {
            smtp_url: None,
            mail_from: "Frontdesk <no-reply@frontdesk.invalid>".into(),
            sms_url: None,
            sms_token: None,
            sms_from: "Frontdesk".into(),
            public_url,
            retry_base: Duration::from_secs(5),
            max_attempts: 12,
        }
    }
}

struct Transports {
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    http: reqwest::Client,
    cfg: DeliveryConfig,
    from: Mailbox,
}

/// Start the worker. Messages for a channel without a transport are held, visible to admins;
/// held messages are queued again when the server starts with that transport configured.
pub fn spawn(state: AppState, cfg: DeliveryConfig) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let smtp = match &cfg.smtp_url {
        Some(url) => Some(
            AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .with_context(|| format!("the SMTP URL {url:?} is not valid"))?
                .timeout(Some(Duration::from_secs(20)))
                .build(),
        ),
        None => None,
    };
    let from: Mailbox = cfg
        .mail_from
        .parse()
        .with_context(|| format!("the sender address {:?} is not valid", cfg.mail_from))?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()?;
    let t = Transports {
        smtp,
        http,
        cfg,
        from,
    };
    Ok(tokio::spawn(async move {
        let now = Utc::now();
        for (channel, on) in [
            ("email", t.smtp.is_some()),
            ("sms", t.cfg.sms_url.is_some()),
        ] {
            if on {
                let _ = state.blocking(move |s| s.requeue_held(channel, now)).await;
            }
        }
        let mut wake = state.subscribe();
        loop {
            wake.borrow_and_update();
            let now = state.clock.now();
            let due = state
                .blocking(move |s| s.due_notifications(now, 20))
                .await
                .unwrap_or_default();
            for n in &due {
                t.deliver(&state, n).await;
            }
            if due.is_empty() {
                tokio::select! {
                    r = wake.changed() => if r.is_err() { return },
                    _ = tokio::time::sleep(Duration::from_millis(250)) => {}
                }
            }
        }
    }))
}

impl Transports {
    async fn deliver(&self, state: &AppState, n: &Notification) {
        let id = n.id.clone();
        let outcome = match n.channel.as_str() {
            "email" if self.smtp.is_none() => {
                Err(Skip::Held("no SMTP server is configured (--smtp-url)"))
            }
            "sms" if self.cfg.sms_url.is_none() => Err(Skip::Held(
                "no SMS gateway is configured (--sms-gateway-url)",
            )),
            "email" => self.email(n).await.map_err(Skip::Failed),
            "sms" => self.sms(n).await.map_err(Skip::Failed),
            _ => Err(Skip::Held("unknown channel")),
        };
        let now = state.clock.now();
        let result = match outcome {
            Ok(()) => state.blocking(move |s| s.mark_sent(&id, now)).await,
            Err(Skip::Held(why)) => state.blocking(move |s| s.mark_held(&id, why)).await,
            Err(Skip::Failed(e)) => {
                let attempt = n.attempts + 1;
                tracing::warn!(notification = %n.id, attempt, error = %e, "delivery failed");
                let next = (attempt < self.cfg.max_attempts).then(|| {
                    let backoff = self
                        .cfg
                        .retry_base
                        .saturating_mul(1 << attempt.min(8) as u32);
                    now + chrono::Duration::from_std(backoff.min(Duration::from_secs(900)))
                        .unwrap_or_default()
                });
                let msg = format!("{e:#}");
                state
                    .blocking(move |s| s.mark_attempt_failed(&id, &msg, next))
                    .await
            }
        };
        if let Err(e) = result {
            tracing::error!(error = ?e, "could not record a delivery outcome");
        }
    }

    fn link(&self, n: &Notification) -> String {
        match &n.link_token {
            Some(t) => format!("{}/register/{t}", self.cfg.public_url.trim_end_matches('/')),
            None => String::new(),
        }
    }

    async fn email(&self, n: &Notification) -> anyhow::Result<()> {
        let smtp = self
            .smtp
            .as_ref()
            .ok_or_else(|| anyhow!("no SMTP transport"))?;
        let link = self.link(n);
        let text = n.body.replace(LINK_PLACEHOLDER, &link);
        let qr = qr_png(n.invite_id.as_str())?;
        let html = html_body(&text, &link);
        let message = Message::builder()
            .from(self.from.clone())
            .to(n.recipient.parse().context("the visitor's email address")?)
            .subject(&n.subject)
            .message_id(Some(format!("<{}@frontdesk>", n.id)))
            .multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::plain(text))
                    .multipart(
                        MultiPart::related()
                            .singlepart(SinglePart::html(html))
                            .singlepart(
                                Attachment::new_inline("visit-qr".into())
                                    .body(qr, ContentType::parse("image/png")?),
                            ),
                    ),
            )?;
        smtp.send(message)
            .await
            .context("the SMTP server refused or could not be reached")?;
        Ok(())
    }

    async fn sms(&self, n: &Notification) -> anyhow::Result<()> {
        let url = self
            .cfg
            .sms_url
            .as_deref()
            .ok_or_else(|| anyhow!("no SMS gateway"))?;
        let text = format!("{}. Register before you come: {}", n.subject, self.link(n));
        let mut req = self.http.post(url).header("Idempotency-Key", n.id.as_str()).json(
            &json!({"to": n.recipient, "from": self.cfg.sms_from, "text": text, "reference": n.id}),
        );
        if let Some(token) = &self.cfg.sms_token {
            req = req.bearer_auth(token);
        }
        let resp = req
            .send()
            .await
            .context("the SMS gateway could not be reached")?;
        if !resp.status().is_success() {
            return Err(anyhow!("the SMS gateway answered {}", resp.status()));
        }
        Ok(())
    }
}

enum Skip {
    Held(&'static str),
    Failed(anyhow::Error),
}

/// The QR code the desk scans to find the visit: the primary invite's id.
pub fn qr_png(payload: &str) -> anyhow::Result<Vec<u8>> {
    let code = qrcode::QrCode::new(payload.as_bytes())?;
    let img = code
        .render::<image::Luma<u8>>()
        .min_dimensions(240, 240)
        .build();
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)?;
    Ok(out.into_inner())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html_body(text: &str, link: &str) -> String {
    let paragraphs: String = text
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", escape(p.trim()).replace('\n', "<br>")))
        .collect();
    format!(
        "<!doctype html><html><body style=\"font-family:sans-serif;font-size:16px;color:#222\">{paragraphs}\
         <p><a href=\"{link}\" style=\"display:inline-block;padding:12px 20px;background:#0b5fff;color:#fff;\
         text-decoration:none;border-radius:6px\">Register for your visit</a></p>\
         <p>At the front desk, show this code:</p><p><img src=\"cid:visit-qr\" alt=\"QR code for the front desk\" width=\"240\" height=\"240\"></p>\
         </body></html>",
        link = escape(link)
    )
}
