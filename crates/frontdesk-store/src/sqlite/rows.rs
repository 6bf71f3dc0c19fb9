//! Rows to records: one column list and one mapping per record type. A mapping reads each
//! column by its name, looked up in the list while compiling (`columns`): a query selects the
//! list as it is, a column added to it shifts nothing, and a name it lacks fails the build.
//! Times are stored as microseconds since the epoch, UTC.

use chrono::{DateTime, Utc};
use frontdesk_core::{
    Card, CardStatus, Directory, DirectoryKind, Host, Invite, InviteStatus, LocationSettings,
    Origin, Portal, PortalKind, Role, Timestamp, Visitor, VisitorType,
};
use rusqlite::Row;

use super::columns::{at, count};

use crate::queries::{Change, ReportRow};
use crate::{
    Building, Event, HostNoticeRow, Location, MutationOutcome, NdaAcceptance, Notification,
    Profile, Registration, ScimTokenRecord, SessionRecord, StoredAnswer, Tenant, UserRecord,
};

pub(crate) fn micros(t: Timestamp) -> i64 {
    t.timestamp_micros()
}

pub(crate) fn ts(m: i64) -> Timestamp {
    DateTime::<Utc>::from_timestamp_micros(m).unwrap_or_default()
}

fn time(r: &Row<'_>, column: usize) -> rusqlite::Result<Timestamp> {
    Ok(ts(r.get(column)?))
}

fn time_opt(r: &Row<'_>, column: usize) -> rusqlite::Result<Option<Timestamp>> {
    Ok(r.get::<_, Option<i64>>(column)?.map(ts))
}

fn bad(what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("unknown {what} {value:?}").into(),
    )
}

/// The portal in the row's `portal_kind` and `portal_id` columns.
fn portal(r: &Row<'_>, kind: usize, id: usize) -> rusqlite::Result<Portal> {
    let k: String = r.get(kind)?;
    let k = PortalKind::parse(&k).ok_or_else(|| bad("portal kind", &k))?;
    Ok(Portal {
        kind: k,
        id: r.get(id)?,
    })
}

/// A JSON column; what cannot be read is shown as null rather than failing the whole list.
fn json(r: &Row<'_>, column: usize) -> rusqlite::Result<serde_json::Value> {
    let text: String = r.get(column)?;
    Ok(serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
}

pub(crate) const INVITE_COLS: &str = "id, portal_kind, portal_id, building_id, location_id, tenant_id, origin, \
     is_primary, linked_invite_id, status, visitor_name, visitor_email, visitor_mobile, \
     visitor_company, profile_id, host_name, host_id, visitor_type_id, valid_from, valid_to, \
     checked_in_at, arrived_at, checked_out_at, cancelled_at, cancel_reason, created_at, created_by, \
     short_code, attention";

pub(crate) fn invite(r: &Row<'_>) -> rusqlite::Result<Invite> {
    const C: &str = INVITE_COLS;
    let origin: String = r.get(at!(C, "origin"))?;
    let status: String = r.get(at!(C, "status"))?;
    Ok(Invite {
        id: r.get(at!(C, "id"))?,
        portal: portal(r, at!(C, "portal_kind"), at!(C, "portal_id"))?,
        building_id: r.get(at!(C, "building_id"))?,
        location_id: r.get(at!(C, "location_id"))?,
        tenant_id: r.get(at!(C, "tenant_id"))?,
        origin: Origin::parse(&origin).ok_or_else(|| bad("origin", &origin))?,
        primary: r.get(at!(C, "is_primary"))?,
        linked_invite_id: r.get(at!(C, "linked_invite_id"))?,
        status: InviteStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
        visitor: Visitor {
            name: r.get(at!(C, "visitor_name"))?,
            email: r.get(at!(C, "visitor_email"))?,
            mobile: r.get(at!(C, "visitor_mobile"))?,
            company: r.get(at!(C, "visitor_company"))?,
        },
        profile_id: r.get(at!(C, "profile_id"))?,
        host_name: r.get(at!(C, "host_name"))?,
        host_id: r.get(at!(C, "host_id"))?,
        visitor_type_id: r.get(at!(C, "visitor_type_id"))?,
        valid_from: time(r, at!(C, "valid_from"))?,
        valid_to: time(r, at!(C, "valid_to"))?,
        checked_in_at: time_opt(r, at!(C, "checked_in_at"))?,
        arrived_at: time_opt(r, at!(C, "arrived_at"))?,
        checked_out_at: time_opt(r, at!(C, "checked_out_at"))?,
        cancelled_at: time_opt(r, at!(C, "cancelled_at"))?,
        cancel_reason: r.get(at!(C, "cancel_reason"))?,
        created_at: time(r, at!(C, "created_at"))?,
        created_by: r.get(at!(C, "created_by"))?,
        short_code: r
            .get::<_, Option<String>>(at!(C, "short_code"))?
            .unwrap_or_default(),
        attention: r.get(at!(C, "attention"))?,
    })
}

/// A host, with the locations they work at (comma-separated ids, from `host_locations`).
pub(crate) const HOST_COLS: &str = "hosts.id, hosts.directory_kind, hosts.directory_id, hosts.name, \
     hosts.email, hosts.mobile, hosts.delegate_id, hosts.lobby_searchable, hosts.active, \
     hosts.prefs, hosts.user_name, hosts.external_id, hosts.updated_at, \
     (SELECT group_concat(l.location_id) FROM host_locations l WHERE l.host_id = hosts.id) AS location_ids";

pub(crate) fn host(r: &Row<'_>) -> rusqlite::Result<Host> {
    const C: &str = HOST_COLS;
    let kind: String = r.get(at!(C, "directory_kind"))?;
    let prefs: String = r.get(at!(C, "prefs"))?;
    let locations: Option<String> = r.get(at!(C, "location_ids"))?;
    let mut location_ids: Vec<_> = locations
        .unwrap_or_default()
        .split(',')
        .filter(|l| !l.is_empty())
        .map(|l| frontdesk_core::Id::new(l.to_owned()))
        .collect();
    location_ids.sort();
    Ok(Host {
        id: r.get(at!(C, "id"))?,
        directory: Directory {
            kind: DirectoryKind::parse(&kind).ok_or_else(|| bad("directory kind", &kind))?,
            id: r.get(at!(C, "directory_id"))?,
        },
        name: r.get(at!(C, "name"))?,
        email: r.get(at!(C, "email"))?,
        mobile: r.get(at!(C, "mobile"))?,
        location_ids,
        delegate_id: r.get(at!(C, "delegate_id"))?,
        lobby_searchable: r.get(at!(C, "lobby_searchable"))?,
        active: r.get(at!(C, "active"))?,
        prefs: serde_json::from_str(&prefs).map_err(|_| bad("host preferences", &prefs))?,
        user_name: r.get(at!(C, "user_name"))?,
        external_id: r.get(at!(C, "external_id"))?,
        updated_at: time(r, at!(C, "updated_at"))?,
    })
}

pub(crate) const HOST_NOTICE_COLS: &str =
    "invite_id, host_id, notified_at, on_my_way_at, on_my_way_by";

pub(crate) fn host_notice(r: &Row<'_>) -> rusqlite::Result<HostNoticeRow> {
    const C: &str = HOST_NOTICE_COLS;
    Ok(HostNoticeRow {
        invite_id: r.get(at!(C, "invite_id"))?,
        host_id: r.get(at!(C, "host_id"))?,
        notified_at: time_opt(r, at!(C, "notified_at"))?,
        on_my_way_at: time_opt(r, at!(C, "on_my_way_at"))?,
        on_my_way_by: r.get(at!(C, "on_my_way_by"))?,
    })
}

pub(crate) const SCIM_TOKEN_COLS: &str =
    "id, tenant_id, label, created_at, last_used_at, revoked_at";

pub(crate) fn scim_token(r: &Row<'_>) -> rusqlite::Result<ScimTokenRecord> {
    const C: &str = SCIM_TOKEN_COLS;
    Ok(ScimTokenRecord {
        id: r.get(at!(C, "id"))?,
        tenant_id: r.get(at!(C, "tenant_id"))?,
        label: r.get(at!(C, "label"))?,
        created_at: time(r, at!(C, "created_at"))?,
        last_used_at: time_opt(r, at!(C, "last_used_at"))?,
        revoked_at: time_opt(r, at!(C, "revoked_at"))?,
    })
}

pub(crate) const USER_COLS: &str =
    "id, email, password_hash, role, building_id, tenant_id, location_id, created_at, disabled_at";

pub(crate) fn user(r: &Row<'_>) -> rusqlite::Result<UserRecord> {
    const C: &str = USER_COLS;
    let role: String = r.get(at!(C, "role"))?;
    Ok(UserRecord {
        id: r.get(at!(C, "id"))?,
        email: r.get(at!(C, "email"))?,
        password_hash: r.get(at!(C, "password_hash"))?,
        role: Role::parse(&role).ok_or_else(|| bad("role", &role))?,
        building_id: r.get(at!(C, "building_id"))?,
        tenant_id: r.get(at!(C, "tenant_id"))?,
        location_id: r.get(at!(C, "location_id"))?,
        created_at: time(r, at!(C, "created_at"))?,
        disabled_at: time_opt(r, at!(C, "disabled_at"))?,
    })
}

/// A session's own columns, selected after its user's.
const SESSION_COLS: &str = "s.created_at, s.last_seen_at, s.expires_at";

/// The user's columns (as [`USER_COLS`], from `u`), then the session's.
pub(crate) fn session_cols() -> String {
    let user: Vec<String> = USER_COLS.split(", ").map(|c| format!("u.{c}")).collect();
    format!("{}, {SESSION_COLS}", user.join(", "))
}

pub(crate) fn session(r: &Row<'_>) -> rusqlite::Result<SessionRecord> {
    const AFTER_USER: usize = count(USER_COLS);
    const C: &str = SESSION_COLS;
    Ok(SessionRecord {
        user: user(r)?,
        created_at: time(r, AFTER_USER + at!(C, "created_at"))?,
        last_seen_at: time(r, AFTER_USER + at!(C, "last_seen_at"))?,
        expires_at: time(r, AFTER_USER + at!(C, "expires_at"))?,
    })
}

pub(crate) const BUILDING_COLS: &str = "id, name, timezone, created_at, language";

pub(crate) fn building(r: &Row<'_>) -> rusqlite::Result<Building> {
    const C: &str = BUILDING_COLS;
    Ok(Building {
        id: r.get(at!(C, "id"))?,
        name: r.get(at!(C, "name"))?,
        timezone: r.get(at!(C, "timezone"))?,
        language: r.get(at!(C, "language"))?,
        created_at: time(r, at!(C, "created_at"))?,
    })
}

pub(crate) const TENANT_COLS: &str = "id, name, created_at";

pub(crate) fn tenant(r: &Row<'_>) -> rusqlite::Result<Tenant> {
    const C: &str = TENANT_COLS;
    Ok(Tenant {
        id: r.get(at!(C, "id"))?,
        name: r.get(at!(C, "name"))?,
        created_at: time(r, at!(C, "created_at"))?,
    })
}

pub(crate) const LOCATION_COLS: &str =
    "id, tenant_id, building_id, name, visitor_management_enabled, \
     sync_building_invitations, sync_visitor_type_id, card_sync_enabled, created_at";

pub(crate) fn location(r: &Row<'_>) -> rusqlite::Result<Location> {
    const C: &str = LOCATION_COLS;
    Ok(Location {
        id: r.get(at!(C, "id"))?,
        tenant_id: r.get(at!(C, "tenant_id"))?,
        building_id: r.get(at!(C, "building_id"))?,
        name: r.get(at!(C, "name"))?,
        settings: LocationSettings {
            visitor_management_enabled: r.get(at!(C, "visitor_management_enabled"))?,
            sync_building_invitations: r.get(at!(C, "sync_building_invitations"))?,
            sync_visitor_type_id: r.get(at!(C, "sync_visitor_type_id"))?,
            card_sync_enabled: r.get(at!(C, "card_sync_enabled"))?,
        },
        created_at: time(r, at!(C, "created_at"))?,
    })
}

pub(crate) const VISITOR_TYPE_COLS: &str =
    "id, portal_kind, portal_id, name, requires_photo, requires_nda, nda_text, questions";

pub(crate) fn visitor_type(r: &Row<'_>) -> rusqlite::Result<VisitorType> {
    const C: &str = VISITOR_TYPE_COLS;
    let questions: String = r.get(at!(C, "questions"))?;
    Ok(VisitorType {
        id: r.get(at!(C, "id"))?,
        portal: portal(r, at!(C, "portal_kind"), at!(C, "portal_id"))?,
        name: r.get(at!(C, "name"))?,
        requires_photo: r.get(at!(C, "requires_photo"))?,
        requires_nda: r.get(at!(C, "requires_nda"))?,
        nda_text: r.get(at!(C, "nda_text"))?,
        // Unlike an event's detail, a visitor type cannot be used without its questions.
        questions: serde_json::from_str(&questions).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(
                at!(C, "questions"),
                rusqlite::types::Type::Text,
                e.into(),
            )
        })?,
    })
}

pub(crate) const CARD_COLS: &str =
    "id, invite_id, building_id, number, format, status, valid_from, valid_to, \
     assigned_at, ended_at, synced";

pub(crate) fn card(r: &Row<'_>) -> rusqlite::Result<Card> {
    const C: &str = CARD_COLS;
    let status: String = r.get(at!(C, "status"))?;
    Ok(Card {
        id: r.get(at!(C, "id"))?,
        invite_id: r.get(at!(C, "invite_id"))?,
        building_id: r.get(at!(C, "building_id"))?,
        number: r.get(at!(C, "number"))?,
        format: r.get(at!(C, "format"))?,
        status: CardStatus::parse(&status).ok_or_else(|| bad("card status", &status))?,
        valid_from: time(r, at!(C, "valid_from"))?,
        valid_to: time(r, at!(C, "valid_to"))?,
        assigned_at: time(r, at!(C, "assigned_at"))?,
        ended_at: time_opt(r, at!(C, "ended_at"))?,
        synced: r.get(at!(C, "synced"))?,
    })
}

pub(crate) const PROFILE_COLS: &str = "id, owner, name, email, mobile, company, updated_at";

pub(crate) fn profile(r: &Row<'_>) -> rusqlite::Result<Profile> {
    const C: &str = PROFILE_COLS;
    Ok(Profile {
        id: r.get(at!(C, "id"))?,
        owner: r.get(at!(C, "owner"))?,
        name: r.get(at!(C, "name"))?,
        email: r.get(at!(C, "email"))?,
        mobile: r.get(at!(C, "mobile"))?,
        company: r.get(at!(C, "company"))?,
        updated_at: time(r, at!(C, "updated_at"))?,
    })
}

pub(crate) const EVENT_COLS: &str =
    "invite_id, at, actor_id, actor_email, action, portal_kind, portal_id, detail";

pub(crate) fn event(r: &Row<'_>) -> rusqlite::Result<Event> {
    const C: &str = EVENT_COLS;
    Ok(Event {
        invite_id: r.get(at!(C, "invite_id"))?,
        at: time(r, at!(C, "at"))?,
        actor_id: r.get(at!(C, "actor_id"))?,
        actor_email: r.get(at!(C, "actor_email"))?,
        action: r.get(at!(C, "action"))?,
        portal: portal(r, at!(C, "portal_kind"), at!(C, "portal_id"))?,
        detail: json(r, at!(C, "detail"))?,
    })
}

pub(crate) const NOTIFICATION_COLS: &str =
    "id, invite_id, portal_kind, portal_id, kind, host_id, channel, recipient, subject, body, \
     state, created_at, sent_at, attempts, last_error, next_attempt_at, link_token, once_key, \
     endpoint_id";

pub(crate) fn notification(r: &Row<'_>) -> rusqlite::Result<Notification> {
    const C: &str = NOTIFICATION_COLS;
    Ok(Notification {
        id: r.get(at!(C, "id"))?,
        invite_id: r.get(at!(C, "invite_id"))?,
        portal: portal(r, at!(C, "portal_kind"), at!(C, "portal_id"))?,
        kind: r.get(at!(C, "kind"))?,
        host_id: r.get(at!(C, "host_id"))?,
        endpoint_id: r.get(at!(C, "endpoint_id"))?,
        channel: r.get(at!(C, "channel"))?,
        recipient: r.get(at!(C, "recipient"))?,
        subject: r.get(at!(C, "subject"))?,
        body: r.get(at!(C, "body"))?,
        state: r.get(at!(C, "state"))?,
        created_at: time(r, at!(C, "created_at"))?,
        sent_at: time_opt(r, at!(C, "sent_at"))?,
        attempts: r.get(at!(C, "attempts"))?,
        last_error: r.get(at!(C, "last_error"))?,
        next_attempt_at: time_opt(r, at!(C, "next_attempt_at"))?,
        link_token: r.get(at!(C, "link_token"))?,
    })
}

pub(crate) const MUTATION_COLS: &str = "id, invite_id, outcome, code, message";

pub(crate) fn mutation(r: &Row<'_>) -> rusqlite::Result<MutationOutcome> {
    const C: &str = MUTATION_COLS;
    Ok(MutationOutcome {
        id: r.get(at!(C, "id"))?,
        invite_id: r.get(at!(C, "invite_id"))?,
        outcome: r.get(at!(C, "outcome"))?,
        code: r.get(at!(C, "code"))?,
        message: r.get(at!(C, "message"))?,
    })
}

pub(crate) const REGISTRATION_COLS: &str = "invite_id, created_at, revoked_at, used_at";

pub(crate) fn registration(r: &Row<'_>) -> rusqlite::Result<Registration> {
    const C: &str = REGISTRATION_COLS;
    Ok(Registration {
        invite_id: r.get(at!(C, "invite_id"))?,
        created_at: time(r, at!(C, "created_at"))?,
        revoked_at: time_opt(r, at!(C, "revoked_at"))?,
        used_at: time_opt(r, at!(C, "used_at"))?,
    })
}

pub(crate) const ANSWER_COLS: &str = "key, label, value, answered_at";

pub(crate) fn answer(r: &Row<'_>) -> rusqlite::Result<StoredAnswer> {
    const C: &str = ANSWER_COLS;
    Ok(StoredAnswer {
        key: r.get(at!(C, "key"))?,
        label: r.get(at!(C, "label"))?,
        value: r.get(at!(C, "value"))?,
        answered_at: time(r, at!(C, "answered_at"))?,
    })
}

pub(crate) const NDA_COLS: &str = "text, text_sha256, signature, accepted_at";

pub(crate) fn nda(r: &Row<'_>) -> rusqlite::Result<NdaAcceptance> {
    const C: &str = NDA_COLS;
    Ok(NdaAcceptance {
        text: r.get(at!(C, "text"))?,
        text_sha256: r.get(at!(C, "text_sha256"))?,
        signature: r.get(at!(C, "signature"))?,
        accepted_at: time(r, at!(C, "accepted_at"))?,
    })
}

pub(crate) const CHANGE_COLS: &str = "seq, at, portal_kind, portal_id, entity, entity_id, data";

pub(crate) fn change(r: &Row<'_>) -> rusqlite::Result<Change> {
    const C: &str = CHANGE_COLS;
    let kind: String = r.get(at!(C, "portal_kind"))?;
    Ok(Change {
        seq: r.get(at!(C, "seq"))?,
        at: time(r, at!(C, "at"))?,
        portal: Portal {
            kind: PortalKind::parse(&kind).unwrap_or(PortalKind::Building),
            id: r.get(at!(C, "portal_id"))?,
        },
        entity: r.get(at!(C, "entity"))?,
        entity_id: r.get(at!(C, "entity_id"))?,
        data: json(r, at!(C, "data"))?,
    })
}

/// What the activity report counts per location and day, from the events joined to their
/// invites (`e`, `i`), each named after the field it fills.
pub(crate) const REPORT_COLS: &str = "i.location_id, date(e.at / 1000000, 'unixepoch') AS day, \
     sum(e.action = 'invite_created') AS created, sum(e.action = 'checked_in') AS checked_in, \
     sum(e.action = 'arrived') AS arrived, sum(e.action = 'checked_out') AS checked_out, \
     sum(e.action = 'cancelled') AS cancelled, \
     sum(e.action IN ('badge_generated','badge_printed')) AS badges, \
     sum(e.action IN ('card_assigned','card_reassigned')) AS cards";

pub(crate) fn report_row(r: &Row<'_>) -> rusqlite::Result<ReportRow> {
    const C: &str = REPORT_COLS;
    Ok(ReportRow {
        location_id: r.get(at!(C, "location_id"))?,
        day: r.get(at!(C, "day"))?,
        created: r.get(at!(C, "created"))?,
        checked_in: r.get(at!(C, "checked_in"))?,
        arrived: r.get(at!(C, "arrived"))?,
        checked_out: r.get(at!(C, "checked_out"))?,
        cancelled: r.get(at!(C, "cancelled"))?,
        badges: r.get(at!(C, "badges"))?,
        cards: r.get(at!(C, "cards"))?,
    })
}
