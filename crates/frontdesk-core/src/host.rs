//! Hosts: the people visitors come to see. Each tenant keeps a directory of its people, and a
//! building one of its own staff (for visits the building hosts). A host chooses how they are
//! told that their visitor is here, and may name a delegate (an assistant) who is told too.

use serde::{Deserialize, Serialize};

use crate::validate::{email, mobile, optional_text, required_text};
use crate::{Building, DomainError, Id, Location, Tenant};

/// Whose directory a host is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DirectoryKind {
    Tenant,
    Building,
}

impl DirectoryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tenant => "tenant",
            Self::Building => "building",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "tenant" => Some(Self::Tenant),
            "building" => Some(Self::Building),
            _ => None,
        }
    }
}

/// A tenant's directory, or a building's staff.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Directory {
    pub kind: DirectoryKind,
    pub id: String,
}

impl Directory {
    pub fn tenant(id: &Id<Tenant>) -> Self {
        Self {
            kind: DirectoryKind::Tenant,
            id: id.to_string(),
        }
    }

    pub fn building(id: &Id<Building>) -> Self {
        Self {
            kind: DirectoryKind::Building,
            id: id.to_string(),
        }
    }

    pub fn tenant_id(&self) -> Option<Id<Tenant>> {
        (self.kind == DirectoryKind::Tenant).then(|| Id::new(self.id.clone()))
    }

    pub fn building_id(&self) -> Option<Id<Building>> {
        (self.kind == DirectoryKind::Building).then(|| Id::new(self.id.clone()))
    }
}

/// How a host is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
    /// A Slack incoming webhook the host set up.
    Slack,
    /// A Microsoft Teams incoming webhook (Workflows) the host set up.
    Teams,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Slack => "slack",
            Self::Teams => "teams",
        }
    }
}

/// What a host wants to be told, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HostPrefs {
    /// Channels for every message; email when left empty.
    #[serde(default)]
    pub channels: Vec<Channel>,
    #[serde(default)]
    pub slack_webhook_url: Option<String>,
    #[serde(default)]
    pub teams_webhook_url: Option<String>,
    /// Also tell the host when their visitor leaves.
    #[serde(default)]
    pub notify_check_out: bool,
    /// Also tell the host when a visit of theirs is cancelled.
    #[serde(default)]
    pub notify_cancelled: bool,
    /// Remind the host when their visitor has waited this many minutes and nobody said
    /// "On my way".
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub waiting_minutes: Option<u32>,
}

impl Default for HostPrefs {
    fn default() -> Self {
        Self {
            channels: vec![Channel::Email],
            slack_webhook_url: None,
            teams_webhook_url: None,
            notify_check_out: false,
            notify_cancelled: false,
            waiting_minutes: None,
        }
    }
}

/// One person in a directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Host {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: Id<Host>,
    pub directory: Directory,
    pub name: String,
    /// Lower case; unique within the directory.
    pub email: String,
    pub mobile: Option<String>,
    /// The tenant's locations the host works at (empty: all of them, or building staff).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub location_ids: Vec<Id<Location>>,
    /// Told too, on their own channels.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub delegate_id: Option<Id<Host>>,
    /// May be found by the building's lobby (the host search), by name only.
    pub lobby_searchable: bool,
    /// An inactive host is kept (old visits name them) but cannot be picked or told.
    pub active: bool,
    pub prefs: HostPrefs,
    /// The identity provider's name for the person (SCIM `userName`); the email unless synced.
    pub user_name: String,
    /// The identity provider's own id (SCIM `externalId`).
    pub external_id: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A host as an admin, a CSV line or an identity provider gives it, before it has an id.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HostDraft {
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub mobile: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub location_ids: Vec<Id<Location>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub delegate_id: Option<Id<Host>>,
    #[serde(default)]
    pub lobby_searchable: bool,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub prefs: Option<HostPrefs>,
    /// Defaults to the email.
    #[serde(default)]
    pub user_name: Option<String>,
    #[serde(default)]
    pub external_id: Option<String>,
}

fn yes() -> bool {
    true
}

/// A draft checked field by field: names trimmed, the email lower-cased, the mobile in E.164
/// form, webhook addresses that a channel needs present and `https://`. The directory's own
/// checks (unique email, the delegate and locations in the same directory) are the store's.
pub fn check_draft(d: &HostDraft) -> Result<HostDraft, DomainError> {
    let name = required_text("name", &d.name, 200)?;
    let email = email("email", Some(&d.email))?
        .ok_or_else(|| DomainError::invalid("missing_field", "email is required."))?;
    let mobile = mobile(d.mobile.as_deref())?;
    let mut prefs = d.prefs.clone().unwrap_or_default();
    prefs.channels.sort();
    prefs.channels.dedup();
    if prefs.channels.is_empty() {
        prefs.channels.push(Channel::Email);
    }
    prefs.slack_webhook_url = webhook_url("prefs.slack_webhook_url", &prefs.slack_webhook_url)?;
    prefs.teams_webhook_url = webhook_url("prefs.teams_webhook_url", &prefs.teams_webhook_url)?;
    for c in &prefs.channels {
        let missing = match c {
            Channel::Sms => mobile.is_none().then_some("a mobile number"),
            Channel::Slack => prefs
                .slack_webhook_url
                .is_none()
                .then_some("prefs.slack_webhook_url"),
            Channel::Teams => prefs
                .teams_webhook_url
                .is_none()
                .then_some("prefs.teams_webhook_url"),
            Channel::Email => None,
        };
        if let Some(what) = missing {
            return Err(DomainError::invalid(
                "channel_needs_address",
                format!(
                    "The {} channel needs {what}: add it, or choose another channel.",
                    c.as_str()
                ),
            ));
        }
    }
    if prefs
        .waiting_minutes
        .is_some_and(|m| !(1..=240).contains(&m))
    {
        return Err(DomainError::invalid(
            "invalid_waiting_minutes",
            "prefs.waiting_minutes must be between 1 and 240 (or left out for no reminder).",
        ));
    }
    let user_name = match optional_text("user_name", d.user_name.as_deref(), 254)? {
        Some(u) => u,
        None => email.clone(),
    };
    let mut location_ids = d.location_ids.clone();
    location_ids.sort();
    location_ids.dedup();
    Ok(HostDraft {
        name,
        email,
        mobile,
        location_ids,
        delegate_id: d.delegate_id.clone(),
        lobby_searchable: d.lobby_searchable,
        active: d.active,
        prefs: Some(prefs),
        user_name: Some(user_name),
        external_id: optional_text("external_id", d.external_id.as_deref(), 254)?,
    })
}

/// An address the server will post to: `https://`, or `http://` on loopback only (a test
/// receiver, or a relay on the same machine). Anything else would send visitors' names in the
/// clear across a network.
pub fn webhook_url(field: &'static str, v: &Option<String>) -> Result<Option<String>, DomainError> {
    let Some(v) = optional_text(field, v.as_deref(), 2000)? else {
        return Ok(None);
    };
    let lower = v.to_ascii_lowercase();
    let ok = if let Some(rest) = lower.strip_prefix("https://") {
        !rest.is_empty() && !rest.starts_with('/')
    } else if let Some(rest) = lower.strip_prefix("http://") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
        let name = match host.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => host.split(':').next().unwrap_or(""),
        };
        name == "localhost"
            || name
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    } else {
        false
    };
    if !ok || v.contains(char::is_whitespace) {
        return Err(DomainError::invalid(
            "insecure_url",
            format!("{field} must be an https:// address (http:// only for localhost)."),
        ));
    }
    Ok(Some(v))
}

/// A name as the directory searches it: compatibility-decomposed, combining marks dropped,
/// lower-cased, so "Zoë", "ZOE" and "zoe" meet, and full-width or ligature forms meet their
/// plain letters. Scripts without case or accents are kept as they are.
pub fn fold(name: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    name.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// An email address as the lobby may see it: the first letter, the domain.
pub fn mask_email(e: &str) -> String {
    match e.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".into(),
    }
}

/// A mobile number as the lobby may see it: the last two digits.
pub fn mask_mobile(m: &str) -> String {
    let digits: Vec<char> = m.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(2)..].iter().collect();
    format!("•••• {tail}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn draft() -> HostDraft {
        HostDraft {
            name: "  Grace Hopper ".into(),
            email: "Grace@Acme.Example".into(),
            active: true,
            ..HostDraft::default()
        }
    }

    #[test]
    fn a_draft_is_cleaned_and_defaults_to_email() {
        let d = check_draft(&draft()).unwrap();
        assert_eq!(d.name, "Grace Hopper");
        assert_eq!(d.email, "grace@acme.example");
        assert_eq!(d.user_name.as_deref(), Some("grace@acme.example"));
        assert_eq!(d.prefs.unwrap().channels, vec![Channel::Email]);
    }

    #[test]
    fn a_channel_without_its_address_is_refused() {
        let mut d = draft();
        d.prefs = Some(HostPrefs {
            channels: vec![Channel::Sms],
            ..HostPrefs::default()
        });
        assert_eq!(check_draft(&d).unwrap_err().code(), "channel_needs_address");
        d.mobile = Some("+1 212 555 0100".into());
        assert_eq!(
            check_draft(&d).unwrap().mobile.as_deref(),
            Some("+12125550100")
        );
    }

    #[test]
    fn webhooks_must_be_https_but_loopback() {
        let ok = |u: &str| webhook_url("u", &Some(u.into())).is_ok();
        assert!(ok("https://hooks.slack.com/services/T0/B0/x"));
        assert!(ok("http://127.0.0.1:8080/hook"));
        assert!(ok("http://localhost/hook"));
        assert!(ok("http://[::1]:9/h"));
        assert!(!ok("http://example.com/hook"));
        assert!(!ok("http://127.0.0.1.evil.example/hook"));
        assert!(!ok("http://localhost@evil.example/"));
        assert!(!ok("ftp://x"));
        assert!(!ok("https:///nohost"));
    }

    #[test]
    fn names_fold_for_search() {
        assert_eq!(fold("Zoë  O’Brien"), "zoe o’brien");
        assert_eq!(fold("ＡＢＣ"), "abc");
        assert_eq!(fold("Ünal Çelik"), "unal celik");
        assert_eq!(fold("山田 太郎"), "山田 太郎");
        assert_eq!(fold("Ἀλέξανδρος"), "αλεξανδρος");
    }

    #[test]
    fn contacts_are_masked() {
        assert_eq!(mask_email("grace@acme.example"), "g•••@acme.example");
        assert_eq!(mask_mobile("+12125550142"), "•••• 42");
    }
}
