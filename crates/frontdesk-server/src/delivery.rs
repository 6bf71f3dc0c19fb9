//! Delivery of the invitation outbox: email over SMTP (text + HTML with the registration link and
//! a QR code the desk can scan) and SMS through an HTTP gateway. One worker drains the outbox;
//! a failed attempt is retried with exponential backoff, and a message is marked sent as soon as
//! the server or gateway accepted it. The notification id travels as the email's Message-ID and
//! the gateway's Idempotency-Key, so a receiver can drop a repeat should the process die between
//! handing a message over and recording it.

use std::time::Duration;

use anyhow::{anyhow, Context};
use chrono::Utc;
use frontdesk_core::messages::{self, Language};
use frontdesk_core::{Id, Invite};
use frontdesk_store::actions::{self, LINK_PLACEHOLDER};
use frontdesk_store::{MessageKind, Notification};
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
    /// A plain relay (`smtp://host:port`, no credentials, no TLS): sent on a socket of our own.
    relay: Option<(String, u16)>,
    http: reqwest::Client,
    /// For integrations' endpoints: no redirects (a signed event goes where it was registered
    /// to go, and nowhere else).
    hooks: reqwest::Client,
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
    let relay = cfg.smtp_url.as_deref().and_then(plain_relay);
    let from: Mailbox = cfg
        .mail_from
        .parse()
        .with_context(|| format!("the sender address {:?} is not valid", cfg.mail_from))?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()?;
    let hooks = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let t = Transports {
        smtp,
        relay,
        http,
        hooks,
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
            "email" => self.email(state, n).await.map_err(Skip::Failed),
            "sms" => self.sms(n).await.map_err(Skip::Failed),
            "slack" | "teams" => self.chat(state, n).await.map_err(Skip::Failed),
            "webhook" => self.webhook(state, n).await,
            _ => Err(Skip::Held("unknown channel")),
        };
        let now = state.clock.now();
        // Only a host's message tells a host (an invitation or an integration's event does not).
        let to_host = !matches!(n.kind, MessageKind::Invitation | MessageKind::Webhook);
        let result = match outcome {
            // A host's message also marks the host told, and shows it on the desks.
            Ok(()) if to_host => {
                let n = n.clone();
                let r = state
                    .blocking(move |s| s.write(|tx| actions::host_message_sent(tx, &n, now)))
                    .await;
                state.notify_changed();
                r
            }
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
                let given_up = next.is_none();
                let r = state
                    .blocking(move |s| s.mark_attempt_failed(&id, &msg, next))
                    .await;
                // The desks show that the host could not be told.
                if given_up && to_host {
                    let invite = n.invite_id.clone();
                    let _ = state
                        .blocking(move |s| s.write(|tx| actions::republish(tx, now, &invite)))
                        .await;
                    state.notify_changed();
                }
                r
            }
        };
        if let Err(e) = result {
            tracing::error!(error = ?e, "could not record a delivery outcome");
        }
    }

    /// The message's link: a visitor's registration page, or a host's "On my way" page.
    fn link(&self, n: &Notification) -> String {
        let base = self.cfg.public_url.trim_end_matches('/');
        match (&n.link_token, n.kind) {
            (Some(t), MessageKind::Invitation) => format!("{base}/register/{t}"),
            (Some(t), _) => format!("{base}/on-my-way/{t}"),
            (None, _) => String::new(),
        }
    }

    async fn email(&self, state: &AppState, n: &Notification) -> anyhow::Result<()> {
        let smtp = self
            .smtp
            .as_ref()
            .ok_or_else(|| anyhow!("no SMTP transport"))?;
        let link = self.link(n);
        let text = n.body.replace(LINK_PLACEHOLDER, &link);
        let invite = n.invite_id.clone();
        // The building's language for the words around the message, and for a host the
        // visitor's photo (kept under the pair's primary invite, which holds the message).
        let (lang, photo) = state
            .blocking(move |s| s.read(|tx| Ok((language_of(tx, &invite)?, tx.photo(&invite)?))))
            .await
            .map_err(|e| anyhow!("{e:?}"))?;
        let (html, image) = if n.kind == MessageKind::Invitation {
            let html = html_body(
                &text,
                &link,
                &messages::text(lang, "invitation.button", &[]),
                Some(&messages::text(lang, "invitation.show_code", &[])),
            );
            let qr = qr_png(n.invite_id.as_str())?;
            (html, Some(("visit-qr", qr, "image/png".to_owned())))
        } else {
            let button = messages::text(lang, "on_my_way.button", &[]);
            let html = html_body(&text, &link, &button, None);
            let photo = photo.map(|(ct, bytes)| ("visitor-photo", bytes, ct));
            (with_photo(html, photo.is_some()), photo)
        };
        let html_part = match image {
            Some((cid, bytes, ct)) => MultiPart::related()
                .singlepart(SinglePart::html(html))
                .singlepart(
                    Attachment::new_inline(cid.into()).body(bytes, ContentType::parse(&ct)?),
                ),
            None => MultiPart::related().singlepart(SinglePart::html(html)),
        };
        let message = Message::builder()
            .from(self.from.clone())
            .to(n
                .recipient
                .parse()
                .context("the recipient's email address")?)
            .subject(&n.subject)
            .message_id(Some(format!("<{}@frontdesk>", n.id)))
            .multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::plain(text))
                    .multipart(html_part),
            )?;
        match &self.relay {
            Some((host, port)) => send_to_relay(host, *port, &message).await,
            None => smtp.send(message).await.map(|_| ()).map_err(Into::into),
        }
        .context("the SMTP server refused or could not be reached")
    }

    async fn sms(&self, n: &Notification) -> anyhow::Result<()> {
        let url = self
            .cfg
            .sms_url
            .as_deref()
            .ok_or_else(|| anyhow!("no SMS gateway"))?;
        // The body is the message's SMS text, in the building's language.
        let text = n.body.replace(LINK_PLACEHOLDER, &self.link(n));
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

impl Transports {
    /// An integration's endpoint: the event's JSON, signed with the endpoint's secret (derived
    /// from the server's key, [`crate::webhooks`]). Every attempt is recorded.
    async fn webhook(&self, state: &AppState, n: &Notification) -> Result<(), Skip> {
        let Some(endpoint) = n.endpoint_id.clone() else {
            return Err(Skip::Held("a webhook event without its endpoint"));
        };
        let found = state
            .blocking(move |s| s.read(|tx| tx.webhook(&endpoint)))
            .await
            .map_err(|e| Skip::Failed(anyhow!("{e:?}")))?;
        let Some(w) = found else {
            return Err(Skip::Held("the endpoint was deleted"));
        };
        let secret =
            crate::webhooks::endpoint_secret(&state.webhook_key, w.endpoint.id.as_str(), &w.salt);
        // Wall-clock time: the receiver compares it with its own clock.
        let timestamp = Utc::now().timestamp();
        let started = std::time::Instant::now();
        let at = state.clock.now();
        let sent = self
            .hooks
            .post(&n.recipient)
            .header("Content-Type", "application/json")
            .header("Frontdesk-Webhook-Id", n.id.as_str())
            .header("Frontdesk-Webhook-Timestamp", timestamp.to_string())
            .header(
                "Frontdesk-Signature",
                crate::webhooks::signature(&secret, timestamp, &n.body),
            )
            .body(n.body.clone())
            .send()
            .await;
        let duration_ms = started.elapsed().as_millis() as u64;
        let (status, outcome) = match sent {
            Ok(resp) if resp.status().is_success() => (Some(resp.status().as_u16()), Ok(())),
            Ok(resp) => (
                Some(resp.status().as_u16()),
                Err(anyhow!("the endpoint answered {}", resp.status())),
            ),
            Err(e) => (
                None,
                Err(anyhow!(
                    "the endpoint could not be reached: {}",
                    if e.is_timeout() {
                        "no answer in time".to_string()
                    } else if e.is_connect() {
                        "connection failed".to_string()
                    } else {
                        e.to_string()
                    }
                )),
            ),
        };
        let error = outcome.as_ref().err().map(|e| format!("{e:#}"));
        let id = n.id.clone();
        if let Err(e) = state
            .blocking(move |s| {
                s.record_webhook_attempt(&id, at, status, error.as_deref(), duration_ms)
            })
            .await
        {
            tracing::error!(error = ?e, "could not record a webhook attempt");
        }
        outcome.map_err(Skip::Failed)
    }

    /// A Slack or Microsoft Teams incoming webhook, in the JSON each documents: Slack's
    /// `text` with Block Kit `blocks`; Teams' Workflows `message` carrying an Adaptive Card.
    async fn chat(&self, state: &AppState, n: &Notification) -> anyhow::Result<()> {
        let link = self.link(n);
        let text = n.body.replace(LINK_PLACEHOLDER, &link);
        let invite = n.invite_id.clone();
        let lang = state
            .blocking(move |s| s.read(|tx| language_of(tx, &invite)))
            .await
            .map_err(|e| anyhow!("{e:?}"))?;
        let button = messages::text(lang, "on_my_way.button", &[]);
        let payload = if n.channel == "slack" {
            slack_payload(&n.subject, &text, &link, &button)
        } else {
            teams_payload(&n.subject, &text, &link, &button)
        };
        let resp = self
            .http
            .post(&n.recipient)
            .json(&payload)
            .send()
            .await
            .with_context(|| format!("the {} webhook could not be reached", n.channel))?;
        let status = resp.status();
        if !status.is_success() {
            let why = resp.text().await.unwrap_or_default();
            return Err(anyhow!(
                "the {} webhook answered {status}: {}",
                n.channel,
                why.chars().take(200).collect::<String>()
            ));
        }
        Ok(())
    }
}

/// Slack's incoming-webhook message: `text` (the notification's fallback) and Block Kit blocks,
/// the link as a button.
pub fn slack_payload(subject: &str, text: &str, link: &str, button: &str) -> serde_json::Value {
    let mut blocks = vec![
        json!({"type": "header", "text": {"type": "plain_text", "text": subject.chars().take(150).collect::<String>()}}),
        json!({"type": "section", "text": {"type": "mrkdwn", "text": slack_escape(text)}}),
    ];
    if !link.is_empty() {
        blocks.push(json!({"type": "actions", "elements": [{
            "type": "button",
            "text": {"type": "plain_text", "text": button},
            "url": link,
            "style": "primary"
        }]}));
    }
    json!({"text": format!("{subject}\n{text}"), "blocks": blocks})
}

/// Slack's three control characters in message text.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Microsoft Teams (Workflows "Post to a channel when a webhook request is received"): a
/// `message` with one Adaptive Card attachment.
pub fn teams_payload(subject: &str, text: &str, link: &str, button: &str) -> serde_json::Value {
    let mut card = json!({
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": subject, "weight": "Bolder", "size": "Medium", "wrap": true},
            {"type": "TextBlock", "text": text, "wrap": true}
        ]
    });
    if !link.is_empty() {
        card["actions"] = json!([{"type": "Action.OpenUrl", "title": button, "url": link}]);
    }
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": card
        }]
    })
}

/// `smtp://host[:port]` with no credentials and no TLS option: a relay on this host or network.
fn plain_relay(url: &str) -> Option<(String, u16)> {
    let u = reqwest::Url::parse(url).ok()?;
    let plain = u.scheme() == "smtp"
        && u.username().is_empty()
        && u.password().is_none()
        && u.query().is_none();
    plain.then(|| {
        Some((
            u.host_str()?.trim_matches(['[', ']']).to_owned(),
            u.port().unwrap_or(25),
        ))
    })?
}

/// Send one message to a plain relay on a socket with `TCP_NODELAY`: lettre writes a message and
/// its closing "." in two writes, and on its own sockets Nagle's algorithm holds the second until
/// the server's delayed acknowledgement (40 ms on Linux) — most of the time a host waited to be
/// told. The SMTP dialogue itself is lettre's.
async fn send_to_relay(host: &str, port: u16, message: &Message) -> anyhow::Result<()> {
    use lettre::transport::smtp::client::AsyncSmtpConnection;
    use lettre::transport::smtp::extension::ClientId;
    let limit = Duration::from_secs(20);
    let tcp = tokio::time::timeout(limit, tokio::net::TcpStream::connect((host, port)))
        .await
        .map_err(|_| anyhow!("connecting to {host}:{port} timed out"))??;
    tcp.set_nodelay(true)?;
    let mut conn = tokio::time::timeout(
        limit,
        AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &ClientId::default()),
    )
    .await
    .map_err(|_| anyhow!("the SMTP server did not greet in time"))??;
    let sent = tokio::time::timeout(limit, conn.send(message.envelope(), &message.formatted()))
        .await
        .map_err(|_| anyhow!("the SMTP server did not take the message in time"));
    let _ = tokio::time::timeout(Duration::from_secs(5), conn.quit()).await;
    sent??;
    Ok(())
}

/// The language of the building an invite's visit is in (English when unknown).
fn language_of(
    tx: &mut dyn frontdesk_store::Tx,
    invite: &Id<Invite>,
) -> frontdesk_store::Result<Language> {
    let code = match tx.invite(invite)? {
        Some(i) => tx.building(&i.building_id)?.map(|b| b.language),
        None => None,
    };
    Ok(code
        .as_deref()
        .and_then(Language::parse)
        .unwrap_or(Language::En))
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

fn html_body(text: &str, link: &str, button: &str, show_code: Option<&str>) -> String {
    let paragraphs: String = text
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", escape(p.trim()).replace('\n', "<br>")))
        .collect();
    let button = if link.is_empty() {
        String::new()
    } else {
        format!(
            "<p><a href=\"{link}\" style=\"display:inline-block;padding:12px 20px;background:#0b5fff;color:#fff;\
             text-decoration:none;border-radius:6px\">{button}</a></p>",
            link = escape(link),
            button = escape(button)
        )
    };
    let code = show_code
        .map(|s| {
            format!(
                "<p>{}</p><p><img src=\"cid:visit-qr\" alt=\"QR code for the front desk\" width=\"240\" height=\"240\"></p>",
                escape(s)
            )
        })
        .unwrap_or_default();
    format!(
        "<!doctype html><html><body style=\"font-family:sans-serif;font-size:16px;color:#222\">{paragraphs}{button}{code}</body></html>"
    )
}

/// The visitor's photo above a host's message, when there is one.
fn with_photo(html: String, photo: bool) -> String {
    if !photo {
        return html;
    }
    html.replacen(
        "<body style=\"font-family:sans-serif;font-size:16px;color:#222\">",
        "<body style=\"font-family:sans-serif;font-size:16px;color:#222\"><p><img src=\"cid:visitor-photo\" alt=\"The visitor\" width=\"160\"></p>",
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::plain_relay;

    #[test]
    fn only_a_plain_relay_without_credentials_or_tls_gets_our_own_socket() {
        assert_eq!(
            plain_relay("smtp://127.0.0.1:2525"),
            Some(("127.0.0.1".into(), 2525))
        );
        assert_eq!(
            plain_relay("smtp://relay.local"),
            Some(("relay.local".into(), 25))
        );
        assert_eq!(plain_relay("smtp://[::1]:25"), Some(("::1".into(), 25)));
        assert_eq!(plain_relay("smtp://user:pass@relay.local:25"), None);
        assert_eq!(plain_relay("smtp://relay.local:587?tls=required"), None);
        assert_eq!(plain_relay("smtps://user:pass@mail.example.com:465"), None);
        assert_eq!(plain_relay("not a url"), None);
    }
}
