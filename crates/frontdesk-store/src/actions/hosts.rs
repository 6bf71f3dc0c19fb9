//! The host directories (a tenant's people, a building's staff): managed by their admins, read
//! by the desks that pick hosts, imported from CSV, searched from the lobby; and telling a host
//! about their visit, once per visit, on the channels they chose.
//!
//! The `*_in` functions are the rules without the caller's authorisation, for callers that are
//! not users (an identity provider through SCIM, holding a token scoped to one tenant).

use frontdesk_api::{HostHit, ImportAction, ImportLine, ImportReport, MessageKind};
use frontdesk_core::host::{check_draft, mask_email};
use frontdesk_core::messages::{self, Language};
use frontdesk_core::{Channel, Directory, DirectoryKind, Host, HostDraft};

use super::*;
use crate::{HostFilter, HostNoticeRow};

/// Whether the actor may read a directory: its admins, and the desks that pick its hosts (a
/// tenant's locations for a tenant's directory, the building's own desk for its staff).
fn may_read(tx: &dyn Tx, actor: &Actor, dir: &Directory) -> Result<bool> {
    if may_administer(actor, dir) {
        return Ok(true);
    }
    Ok(match (dir.kind, actor.role) {
        (DirectoryKind::Tenant, Role::FrontDesk) => match &actor.location_id {
            Some(l) => tx
                .location(l)?
                .is_some_and(|l| l.tenant_id.as_str() == dir.id),
            None => false,
        },
        (DirectoryKind::Building, Role::FrontDesk) => {
            actor.location_id.is_none()
                && actor
                    .building_id
                    .as_ref()
                    .is_some_and(|b| b.as_str() == dir.id)
        }
        _ => false,
    })
}

fn may_administer(actor: &Actor, dir: &Directory) -> bool {
    match dir.kind {
        DirectoryKind::Tenant => actor.administers_tenant(&Id::new(dir.id.clone())),
        DirectoryKind::Building => actor.administers_building(&Id::new(dir.id.clone())),
    }
}

fn require_read(tx: &dyn Tx, by: By<'_>, dir: &Directory) -> Result<()> {
    let ok = may_read(tx, by.actor, dir)?;
    Ok(require(ok, false, "directory")?)
}

fn require_admin(tx: &dyn Tx, by: By<'_>, dir: &Directory) -> Result<()> {
    let can_see = may_read(tx, by.actor, dir)?;
    Ok(require(
        may_administer(by.actor, dir),
        can_see,
        "directory",
    )?)
}

/// The directory exists (a known tenant or building).
fn ensure_directory(tx: &dyn Tx, dir: &Directory) -> Result<()> {
    let known = match dir.kind {
        DirectoryKind::Tenant => tx.tenant(&Id::new(dir.id.clone()))?.is_some(),
        DirectoryKind::Building => tx.building(&Id::new(dir.id.clone()))?.is_some(),
    };
    if known {
        Ok(())
    } else {
        Err(DomainError::NotFound("directory").into())
    }
}

/// A draft made whole against its directory: the checks of [`check_draft`], then the email
/// and user name free (but for `itself`), the delegate in the same directory and not the host,
/// the locations the tenant's.
fn settle(
    tx: &dyn Tx,
    dir: &Directory,
    draft: &HostDraft,
    itself: Option<&Id<Host>>,
) -> Result<HostDraft> {
    let d = check_draft(draft)?;
    if let Some(other) = tx.host_by_email(dir, &d.email)? {
        if Some(&other.id) != itself {
            return Err(DomainError::conflict(
                "duplicate_email",
                format!(
                    "{} is already in this directory ({}): edit that entry instead.",
                    d.email, other.name
                ),
            )
            .into());
        }
    }
    let user_name = d.user_name.clone().unwrap_or_default();
    let same_user = HostFilter {
        user_name: Some(user_name.clone()),
        ..HostFilter::default()
    };
    if let Some(other) = tx.hosts(dir, &same_user, 1, 0)?.into_iter().next() {
        if Some(&other.id) != itself {
            return Err(DomainError::conflict(
                "duplicate_user_name",
                format!("The user name {user_name:?} is already taken in this directory."),
            )
            .into());
        }
    }
    if let Some(delegate) = &d.delegate_id {
        if Some(delegate) == itself {
            return Err(DomainError::invalid(
                "invalid_delegate",
                "A host cannot be their own delegate.",
            )
            .into());
        }
        if !tx.host(delegate)?.is_some_and(|h| &h.directory == dir) {
            return Err(DomainError::invalid(
                "invalid_delegate",
                "delegate_id must be another host of the same directory.",
            )
            .into());
        }
    }
    for l in &d.location_ids {
        let ok = dir.kind == DirectoryKind::Tenant
            && tx
                .location(l)?
                .is_some_and(|l| l.tenant_id.as_str() == dir.id);
        if !ok {
            return Err(DomainError::invalid(
                "unknown_location",
                format!("{l} is not one of this tenant's locations (building staff have none)."),
            )
            .into());
        }
    }
    Ok(d)
}

fn host_from(id: Id<Host>, dir: &Directory, d: HostDraft, now: Timestamp) -> Host {
    Host {
        id,
        directory: dir.clone(),
        user_name: d.user_name.unwrap_or_else(|| d.email.clone()),
        name: d.name,
        email: d.email,
        mobile: d.mobile,
        location_ids: d.location_ids,
        delegate_id: d.delegate_id,
        lobby_searchable: d.lobby_searchable,
        active: d.active,
        prefs: d.prefs.unwrap_or_default(),
        external_id: d.external_id,
        updated_at: now,
    }
}

pub fn create_host_in(
    tx: &mut dyn Tx,
    now: Timestamp,
    dir: &Directory,
    draft: &HostDraft,
) -> Result<Host> {
    ensure_directory(tx, dir)?;
    let d = settle(tx, dir, draft, None)?;
    let h = host_from(new_id(), dir, d, now);
    tx.insert_host(&h, now)?;
    Ok(h)
}

pub fn create_host(
    tx: &mut dyn Tx,
    by: By<'_>,
    dir: &Directory,
    draft: &HostDraft,
) -> Result<Host> {
    require_admin(tx, by, dir)?;
    create_host_in(tx, by.now, dir, draft)
}

/// Replace every field of a host (the directory and id stay).
pub fn replace_host_in(
    tx: &mut dyn Tx,
    now: Timestamp,
    current: &Host,
    draft: &HostDraft,
) -> Result<Host> {
    let d = settle(tx, &current.directory, draft, Some(&current.id))?;
    let h = host_from(current.id.clone(), &current.directory, d, now);
    tx.update_host(&h)?;
    Ok(h)
}

fn load(tx: &dyn Tx, by: By<'_>, id: &Id<Host>, admin: bool) -> Result<Host> {
    let h = tx.host(id)?.ok_or(DomainError::NotFound("host"))?;
    if admin {
        require_admin(tx, by, &h.directory)?;
    } else {
        require_read(tx, by, &h.directory).map_err(|_| DomainError::NotFound("host"))?;
    }
    Ok(h)
}

pub fn host(tx: &dyn Tx, by: By<'_>, id: &Id<Host>) -> Result<Host> {
    load(tx, by, id, false)
}

pub fn replace_host(tx: &mut dyn Tx, by: By<'_>, id: &Id<Host>, draft: &HostDraft) -> Result<Host> {
    let current = load(tx, by, id, true)?;
    replace_host_in(tx, by.now, &current, draft)
}

pub fn delete_host(tx: &mut dyn Tx, by: By<'_>, id: &Id<Host>) -> Result<()> {
    let h = load(tx, by, id, true)?;
    tx.delete_host(&h.id)
}

/// One page of a directory (`limit` from `offset`) and how many entries the filter matches.
pub fn hosts(
    tx: &dyn Tx,
    by: By<'_>,
    dir: &Directory,
    f: &HostFilter,
    limit: usize,
    offset: usize,
) -> Result<(Vec<Host>, u64)> {
    ensure_directory(tx, dir)?;
    require_read(tx, by, dir)?;
    Ok((tx.hosts(dir, f, limit, offset)?, tx.count_hosts(dir, f)?))
}

/// The lobby's host search: the building's own staff and the hosts of linked tenants who allow
/// it, with only a name, where they work and a masked contact.
pub fn lobby_search(
    tx: &dyn Tx,
    by: By<'_>,
    building_id: &Id<id::Building>,
    q: &str,
    limit: usize,
) -> Result<Vec<HostHit>> {
    let scope = PortalScope::Building {
        id: building_id.clone(),
    };
    require(by.actor.works_portal(&scope), false, "building")?;
    let in_building = tx.locations_in_building(building_id)?;
    let mut hits = vec![];
    for found in tx.lobby_hosts(building_id, q, limit)? {
        let h = found.host;
        let here: Vec<&Location> = in_building
            .iter()
            .filter(|l| {
                h.directory.kind == DirectoryKind::Tenant
                    && l.tenant_id.as_str() == h.directory.id
                    && (h.location_ids.is_empty() || h.location_ids.contains(&l.id))
            })
            .collect();
        if h.directory.kind == DirectoryKind::Tenant && here.is_empty() {
            continue;
        }
        hits.push(HostHit {
            id: h.id,
            name: h.name,
            organisation: found.organisation,
            locations: here.iter().map(|l| l.name.clone()).collect(),
            location_id: here.first().map(|l| l.id.clone()),
            masked_contact: mask_email(&h.email),
        });
    }
    Ok(hits)
}

/// The host an invite at `location` may name: active, of the location's tenant (at that
/// location, or at every one) or of the building's staff.
pub(crate) fn host_for_invite(tx: &dyn Tx, location: &Location, id: &Id<Host>) -> Result<Host> {
    let unknown = || {
        DomainError::invalid(
            "unknown_host",
            "host_id is not a host of this location's directory (or of the building's staff).",
        )
    };
    let h = tx.host(id)?.ok_or_else(unknown)?;
    let belongs = match h.directory.kind {
        DirectoryKind::Tenant => {
            h.directory.id == location.tenant_id.as_str()
                && (h.location_ids.is_empty() || h.location_ids.contains(&location.id))
        }
        DirectoryKind::Building => h.directory.id == location.building_id.as_str(),
    };
    if !belongs {
        return Err(unknown().into());
    }
    if !h.active {
        return Err(DomainError::invalid(
            "host_inactive",
            format!(
                "{} is no longer active in the directory: choose another host.",
                h.name
            ),
        )
        .into());
    }
    Ok(h)
}

/// The building's language and zone, for what a person reads.
fn locale(tx: &dyn Tx, building_id: &Id<id::Building>) -> Result<(Language, String, String)> {
    let b = tx
        .building(building_id)?
        .ok_or(DomainError::NotFound("building"))?;
    Ok((
        Language::parse(&b.language).unwrap_or(Language::En),
        b.timezone,
        b.name,
    ))
}

/// The primary invite of a pair (a lone invite is its own).
pub(crate) fn primary_of<'a>(a: &'a Invite, b: Option<&'a Invite>) -> &'a Invite {
    if a.primary {
        a
    } else {
        b.filter(|b| b.primary).unwrap_or(a)
    }
}

/// Tell the visit's host (and their delegate) what `action` did, as they chose: on arrival
/// always, with a reminder after their waiting time; on check-out and cancellation when they
/// asked. One message per recipient and channel for the pair, kept on the primary invite; a
/// second arrival of the same visit writes nothing (the outbox's once-key).
pub(crate) fn tell_host(
    tx: &mut dyn Tx,
    now: Timestamp,
    a: &Invite,
    b: Option<&Invite>,
    action: VisitAction,
) -> Result<()> {
    let primary = primary_of(a, b).clone();
    let Some(host_id) = &primary.host_id else {
        return Ok(());
    };
    let Some(host) = tx.host(host_id)?.filter(|h| h.active) else {
        return Ok(());
    };
    let kind = match action {
        VisitAction::Arrive => MessageKind::HostArrival,
        VisitAction::CheckOut if host.prefs.notify_check_out => MessageKind::HostCheckOut,
        VisitAction::Cancel if host.prefs.notify_cancelled => MessageKind::HostCancelled,
        VisitAction::CheckIn => return Ok(()),
        _ => {
            tx.withdraw_unsent(&primary.id, MessageKind::HostWaiting)?;
            return Ok(());
        }
    };
    if matches!(kind, MessageKind::HostCheckOut | MessageKind::HostCancelled) {
        tx.withdraw_unsent(&primary.id, MessageKind::HostWaiting)?;
    }
    let mut recipients = vec![host.clone()];
    if let Some(d) = &host.delegate_id {
        if let Some(d) = tx.host(d)?.filter(|d| d.active) {
            recipients.push(d);
        }
    }
    if kind == MessageKind::HostArrival {
        if tx.host_notice(&primary.id)?.is_some() {
            return Ok(());
        }
        tx.save_host_notice(&HostNoticeRow {
            invite_id: primary.id.clone(),
            host_id: host.id.clone(),
            notified_at: None,
            on_my_way_at: None,
            on_my_way_by: None,
        })?;
    }
    for r in &recipients {
        queue_host_message(tx, now, &primary, &host, r, kind, now)?;
    }
    if let (MessageKind::HostArrival, Some(minutes)) = (kind, host.prefs.waiting_minutes) {
        let due = now + chrono::Duration::minutes(i64::from(minutes));
        for r in &recipients {
            queue_host_message(tx, now, &primary, &host, r, MessageKind::HostWaiting, due)?;
        }
    }
    Ok(())
}

/// The message key of a kind in the translation files.
fn key(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::HostArrival => "host_arrival",
        MessageKind::HostWaiting => "host_waiting",
        MessageKind::HostCheckOut => "host_check_out",
        MessageKind::HostCancelled => "host_cancelled",
        MessageKind::Invitation | MessageKind::Webhook => "invitation",
    }
}

fn queue_host_message(
    tx: &mut dyn Tx,
    now: Timestamp,
    visit: &Invite,
    host: &Host,
    to: &Host,
    kind: MessageKind,
    due: Timestamp,
) -> Result<()> {
    let (lang, tz, building) = locale(tx, &visit.building_id)?;
    let company = visit
        .visitor
        .company
        .as_deref()
        .map(|c| messages::text(lang, "company", &[("company", c)]))
        .unwrap_or_default();
    let when = match kind {
        MessageKind::HostCancelled => messages::span(lang, &tz, visit.valid_from, visit.valid_to),
        MessageKind::HostWaiting => messages::at_time(lang, &tz, visit.arrived_at.unwrap_or(now)),
        _ => messages::at_time(lang, &tz, now),
    };
    let minutes = host.prefs.waiting_minutes.unwrap_or_default().to_string();
    let args = [
        ("visitor", visit.visitor.name.as_str()),
        ("company", company.as_str()),
        ("host", host.name.as_str()),
        ("building", building.as_str()),
        ("when", when.as_str()),
        ("minutes", minutes.as_str()),
        ("link", LINK_PLACEHOLDER),
    ];
    let k = key(kind);
    let subject = messages::text(lang, &format!("{k}.subject"), &args);
    let with_link = matches!(kind, MessageKind::HostArrival | MessageKind::HostWaiting);
    for channel in &to.prefs.channels {
        let (recipient, body) = match channel {
            Channel::Email => (
                Some(to.email.clone()),
                messages::text(lang, &format!("{k}.body"), &args),
            ),
            Channel::Sms => (
                to.mobile.clone(),
                messages::text(lang, &format!("{k}.sms"), &args),
            ),
            Channel::Slack => (
                to.prefs.slack_webhook_url.clone(),
                messages::text(lang, &format!("{k}.body"), &args),
            ),
            Channel::Teams => (
                to.prefs.teams_webhook_url.clone(),
                messages::text(lang, &format!("{k}.body"), &args),
            ),
        };
        let Some(recipient) = recipient else { continue };
        let token = with_link.then(new_secret);
        if let Some(t) = &token {
            tx.insert_host_link(&secret_hash(t), &visit.id, &to.id, now)?;
        }
        tx.insert_notification(&Notification {
            id: new_id(),
            invite_id: visit.id.clone(),
            portal: visit.portal.clone(),
            kind,
            host_id: Some(to.id.clone()),
            endpoint_id: None,
            channel: channel.as_str().into(),
            recipient,
            subject: subject.clone(),
            body,
            state: NotificationState::Queued,
            created_at: now,
            sent_at: None,
            attempts: 0,
            last_error: None,
            next_attempt_at: Some(due),
            link_token: token,
        })?;
    }
    Ok(())
}

/// A host's message went out: recorded, and the first arrival message of a visit marks the
/// host told (the desks see it through the change feed).
pub fn host_message_sent(tx: &mut dyn Tx, n: &Notification, now: Timestamp) -> Result<()> {
    tx.mark_notification_sent(&n.id, now)?;
    if n.kind != MessageKind::HostArrival {
        return Ok(());
    }
    if let Some(mut notice) = tx.host_notice(&n.invite_id)? {
        if notice.notified_at.is_none() {
            notice.notified_at = Some(now);
            tx.save_host_notice(&notice)?;
            republish(tx, now, &n.invite_id)?;
        }
    }
    Ok(())
}

/// Show the desks a visit again (after something about telling the host changed).
pub fn republish(tx: &mut dyn Tx, now: Timestamp, invite_id: &Id<Invite>) -> Result<()> {
    let Some(a) = tx.invite(invite_id)? else {
        return Ok(());
    };
    let b = match &a.linked_invite_id {
        Some(id) => tx.invite(id)?,
        None => None,
    };
    publish(tx, now, &a, b.as_ref())
}

/// What the "On my way" page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnMyWay {
    pub language: Language,
    pub visitor: String,
    pub host: String,
    pub building: String,
    /// When somebody already answered (this press changed nothing then).
    pub answered_at: Option<Timestamp>,
    /// The visit is no longer waiting for anybody (left, cancelled).
    pub over: bool,
}

/// Look up (or, with `press`, record) the answer behind a host's link. The first answer wins;
/// pressing again changes nothing. Unknown secrets are not found.
pub fn on_my_way(tx: &mut dyn Tx, now: Timestamp, secret: &str, press: bool) -> Result<OnMyWay> {
    let (invite_id, who) = tx
        .host_link(&secret_hash(secret))?
        .ok_or(DomainError::NotFound("link"))?;
    let visit = tx
        .invite(&invite_id)?
        .ok_or(DomainError::NotFound("link"))?;
    let person = tx.host(&who)?.ok_or(DomainError::NotFound("link"))?;
    let mut notice = tx
        .host_notice(&invite_id)?
        .ok_or(DomainError::NotFound("link"))?;
    let host = tx
        .host(&notice.host_id)?
        .map(|h| h.name)
        .unwrap_or_default();
    let (language, _, building) = locale(tx, &visit.building_id)?;
    let over = visit.status != frontdesk_core::InviteStatus::Arrived;
    let answered_at = notice.on_my_way_at;
    if press && answered_at.is_none() && !over {
        notice.on_my_way_at = Some(now);
        notice.on_my_way_by = Some(person.name.clone());
        tx.save_host_notice(&notice)?;
        tx.withdraw_unsent(&invite_id, MessageKind::HostWaiting)?;
        let other = match &visit.linked_invite_id {
            Some(id) => tx.invite(id)?,
            None => None,
        };
        for i in std::iter::once(&visit).chain(other.as_ref()) {
            tx.insert_event(&Event {
                invite_id: i.id.clone(),
                at: now,
                actor_id: None,
                actor_email: None,
                action: "host_on_my_way".into(),
                portal: visit.portal.clone(),
                detail: json!({ "by": person.name }),
            })?;
        }
        publish(tx, now, &visit, other.as_ref())?;
    }
    Ok(OnMyWay {
        language,
        visitor: visit.visitor.name,
        host,
        building,
        answered_at,
        over,
    })
}

/// `name,email,mobile,locations,delegate_email,lobby_searchable,active,channels`: the first two
/// are required, the rest may be left out (as columns or as values).
pub const IMPORT_COLUMNS: [&str; 8] = [
    "name",
    "email",
    "mobile",
    "locations",
    "delegate_email",
    "lobby_searchable",
    "active",
    "channels",
];

fn flag(v: &str, default: bool) -> std::result::Result<bool, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "" => Ok(default),
        "yes" | "true" | "1" | "y" => Ok(true),
        "no" | "false" | "0" | "n" => Ok(false),
        other => Err(format!("{other:?} is not yes or no")),
    }
}

/// Import a directory from CSV: every line checked first; with any error, or a dry run, nothing
/// is written and the report says what each line would do. Lines are matched to entries by
/// email; delegates are named by email, in the file or already in the directory.
pub fn import_hosts(
    tx: &mut dyn Tx,
    by: By<'_>,
    dir: &Directory,
    csv_text: &str,
    dry_run: bool,
) -> Result<ImportReport> {
    ensure_directory(tx, dir)?;
    require_admin(tx, by, dir)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| {
            bad_file(format!(
                "The first line cannot be read as CSV headers: {e}."
            ))
        })?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let unknown: Vec<&String> = headers
        .iter()
        .filter(|h| !IMPORT_COLUMNS.contains(&h.as_str()))
        .collect();
    let missing: Vec<&str> = ["name", "email"]
        .into_iter()
        .filter(|c| !headers.iter().any(|h| h == c))
        .collect();
    if !unknown.is_empty() || !missing.is_empty() {
        let mut why = vec![];
        if !missing.is_empty() {
            why.push(format!("missing column(s): {}", missing.join(", ")));
        }
        if !unknown.is_empty() {
            why.push(format!(
                "unknown column(s): {}",
                unknown
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        return Err(bad_file(format!(
            "The CSV's columns are wrong ({}). Use the header line: {}.",
            why.join("; "),
            IMPORT_COLUMNS.join(",")
        ))
        .into());
    }
    let col = |row: &csv::StringRecord, name: &str| -> String {
        headers
            .iter()
            .position(|h| h == name)
            .and_then(|i| row.get(i))
            .unwrap_or("")
            .to_owned()
    };
    let locations = match dir.kind {
        DirectoryKind::Tenant => tx.locations_of_tenant(&Id::new(dir.id.clone()))?,
        DirectoryKind::Building => vec![],
    };
    // (line, draft, delegate email) of every line that parsed, and the report's lines.
    let mut parsed: Vec<(u64, HostDraft, Option<String>)> = vec![];
    let mut lines: Vec<ImportLine> = vec![];
    let mut seen = std::collections::HashMap::<String, u64>::new();
    for (n, row) in reader.records().enumerate() {
        let line = n as u64 + 2;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                lines.push(error_line(
                    line,
                    "",
                    format!("This line is not valid CSV: {e}."),
                ));
                continue;
            }
        };
        let email = col(&row, "email").to_lowercase();
        let attempt = (|| -> std::result::Result<(HostDraft, Option<String>), String> {
            let mut location_ids = vec![];
            for name in col(&row, "locations")
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                let l = locations
                    .iter()
                    .find(|l| l.name.eq_ignore_ascii_case(name) || l.id.as_str() == name)
                    .ok_or_else(|| format!("there is no location called {name:?}"))?;
                location_ids.push(l.id.clone());
            }
            let channels = col(&row, "channels")
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|c| {
                    serde_json::from_value::<Channel>(serde_json::Value::String(c.to_lowercase()))
                        .map_err(|_| format!("{c:?} is not a channel (email, sms, slack, teams)"))
                })
                .collect::<std::result::Result<Vec<_>, _>>()?;
            let draft = HostDraft {
                name: col(&row, "name"),
                email: email.clone(),
                mobile: Some(col(&row, "mobile")).filter(|m| !m.is_empty()),
                location_ids,
                delegate_id: None,
                lobby_searchable: flag(&col(&row, "lobby_searchable"), false)
                    .map_err(|e| format!("lobby_searchable: {e}"))?,
                active: flag(&col(&row, "active"), true).map_err(|e| format!("active: {e}"))?,
                prefs: Some(frontdesk_core::HostPrefs {
                    channels,
                    ..Default::default()
                }),
                user_name: None,
                external_id: None,
            };
            let checked = check_draft(&draft).map_err(|e| e.to_string())?;
            let delegate =
                Some(col(&row, "delegate_email").to_lowercase()).filter(|d| !d.is_empty());
            Ok((checked, delegate))
        })();
        match attempt {
            Err(why) => lines.push(error_line(line, &email, why)),
            Ok((draft, delegate)) => {
                if let Some(first) = seen.insert(draft.email.clone(), line) {
                    lines.push(error_line(
                        line,
                        &email,
                        format!(
                            "{} is also on line {first}: keep one line per person.",
                            draft.email
                        ),
                    ));
                    continue;
                }
                parsed.push((line, draft, delegate));
            }
        }
    }
    // Each line against the directory as it is.
    let mut plan: Vec<(u64, HostDraft, Option<String>, Option<Host>)> = vec![];
    for (line, draft, delegate) in parsed {
        let existing = tx.host_by_email(dir, &draft.email)?;
        if let Some(d) = &delegate {
            let known = seen.contains_key(d) || tx.host_by_email(dir, d)?.is_some();
            if !known || d == &draft.email {
                lines.push(error_line(
                    line,
                    &draft.email,
                    format!(
                        "delegate_email {d} is not another person in the file or the directory."
                    ),
                ));
                continue;
            }
        }
        plan.push((line, draft, delegate, existing));
    }
    let mut planned_lines = vec![];
    for (line, draft, delegate, existing) in &plan {
        let action = match existing {
            None => ImportAction::Create,
            Some(h) => {
                let current_delegate = match &h.delegate_id {
                    Some(id) => tx.host(id)?.map(|d| d.email),
                    None => None,
                };
                let same = h.name == draft.name
                    && h.mobile == draft.mobile
                    && h.location_ids == draft.location_ids
                    && h.lobby_searchable == draft.lobby_searchable
                    && h.active == draft.active
                    && Some(&h.prefs.channels) == draft.prefs.as_ref().map(|p| &p.channels)
                    && &current_delegate == delegate;
                if same {
                    ImportAction::Unchanged
                } else {
                    ImportAction::Update
                }
            }
        };
        planned_lines.push(ImportLine {
            line: *line,
            email: draft.email.clone(),
            action,
            message: None,
        });
    }
    lines.extend(planned_lines);
    lines.sort_by_key(|l| l.line);
    let count = |a: ImportAction| lines.iter().filter(|l| l.action == a).count() as u64;
    let errors = count(ImportAction::Error);
    let apply = errors == 0 && !dry_run;
    if apply {
        // Everyone first, then the delegates (who may be later in the file).
        for (_, draft, _, existing) in &plan {
            match existing {
                None => {
                    create_host_in(tx, by.now, dir, draft)?;
                }
                Some(h) => {
                    let mut d = draft.clone();
                    // What the file does not carry is kept.
                    d.user_name = Some(h.user_name.clone());
                    d.external_id = h.external_id.clone();
                    d.delegate_id = h.delegate_id.clone();
                    if let Some(p) = d.prefs.as_mut() {
                        let channels = p.channels.clone();
                        *p = h.prefs.clone();
                        p.channels = channels;
                    }
                    replace_host_in(tx, by.now, h, &d)?;
                }
            }
        }
        for (_, draft, delegate, _) in &plan {
            let mut h = tx
                .host_by_email(dir, &draft.email)?
                .ok_or(DomainError::NotFound("host"))?;
            let want = match delegate {
                Some(d) => tx.host_by_email(dir, d)?.map(|d| d.id),
                None => None,
            };
            if h.delegate_id != want {
                h.delegate_id = want;
                h.updated_at = by.now;
                tx.update_host(&h)?;
            }
        }
    }
    Ok(ImportReport {
        dry_run,
        applied: apply,
        create: count(ImportAction::Create),
        update: count(ImportAction::Update),
        unchanged: count(ImportAction::Unchanged),
        errors,
        lines,
    })
}

fn bad_file(message: String) -> DomainError {
    DomainError::invalid("invalid_csv", message)
}

fn error_line(line: u64, email: &str, message: String) -> ImportLine {
    ImportLine {
        line,
        email: email.to_owned(),
        action: ImportAction::Error,
        message: Some(message),
    }
}

/// What an admin's outbox list shows of messages to hosts: the address only to the admins of the
/// host's own directory (the building sees a tenant's host masked, as its lobby search does), and
/// a chat webhook's address to nobody (whoever holds one can post to the channel).
pub fn shown_messages(
    tx: &dyn Tx,
    by: By<'_>,
    mut list: Vec<Notification>,
) -> Result<Vec<Notification>> {
    let mut theirs = std::collections::HashMap::<Id<Host>, bool>::new();
    for n in &mut list {
        let Some(host_id) = n.host_id.clone() else {
            continue;
        };
        match n.channel.as_str() {
            "slack" => n.recipient = "Slack incoming webhook".into(),
            "teams" => n.recipient = "Microsoft Teams webhook".into(),
            _ => {
                let own = match theirs.get(&host_id) {
                    Some(own) => *own,
                    None => {
                        let own = tx
                            .host(&host_id)?
                            .is_some_and(|h| may_administer(by.actor, &h.directory));
                        theirs.insert(host_id, own);
                        own
                    }
                };
                if !own {
                    n.recipient = if n.channel == "sms" {
                        frontdesk_core::host::mask_mobile(&n.recipient)
                    } else {
                        mask_email(&n.recipient)
                    };
                }
            }
        }
    }
    Ok(list)
}
