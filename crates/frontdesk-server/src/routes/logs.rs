//! Visitor logs, the Visitor Summary widget, CSV export and the Global Overview report.

use axum::body::Body as HttpBody;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use frontdesk_api::limits::{LOG_PAGE_DEFAULT, LOG_PAGE_MAX};
use frontdesk_api::logs::LogPage;
use frontdesk_api::{LogEntry, LogParams, ReportParams, ReportRow, Summary};
use frontdesk_core::access::require;
use frontdesk_core::{id, Actor, DomainError, Id, InviteStatus, Origin, Portal, Timestamp};
use frontdesk_store::actions;
use frontdesk_store::queries::LogFilter;

use super::{Params, Path};
use crate::auth::Authed;
use crate::{ApiError, AppState};

fn list<T>(
    raw: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    field: &str,
    allowed: &str,
) -> Result<Vec<T>, ApiError> {
    let Some(raw) = raw else { return Ok(vec![]) };
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            parse(s).ok_or_else(|| {
                ApiError::invalid(
                    "invalid_filter",
                    format!("{field}={s} is not a known value; use {allowed}."),
                )
            })
        })
        .collect()
}

fn instant(raw: Option<&str>, field: &str) -> Result<Option<Timestamp>, ApiError> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    if let Some(t) = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        return Ok(Some(t.and_utc()));
    }
    Err(ApiError::invalid(
        "invalid_filter",
        format!("{field} must be a date (2026-01-31) or an RFC 3339 time (2026-01-31T09:00:00Z)."),
    ))
}

fn origins(raw: Option<&str>) -> Result<Vec<Origin>, ApiError> {
    list(raw, Origin::parse, "origin", "building, tenant or both")
}

/// The store's filter from the query string's.
fn filter_of(p: &LogParams) -> Result<LogFilter, ApiError> {
    let f = LogFilter {
        origins: origins(p.origin.as_deref())?,
        statuses: list(
            p.status.as_deref(),
            InviteStatus::parse,
            "status",
            "invited, checked_in, arrived, checked_out, cancelled, expired",
        )?,
        from: instant(p.from.as_deref(), "from")?,
        to: instant(p.to.as_deref(), "to")?,
        q: p.q.clone(),
        host: p.host.clone(),
        visitor_type_id: p.visitor_type_id.clone(),
    };
    if let (Some(from), Some(to)) = (f.from, f.to) {
        if to <= from {
            return Err(ApiError::invalid(
                "invalid_filter",
                "to must be after from.",
            ));
        }
    }
    Ok(f)
}

/// Check the caller works at the portal (its logs are the portal's own invites only).
async fn allowed(st: &AppState, a: Actor, portal: &Portal) -> Result<(), ApiError> {
    let p = portal.clone();
    // Refused as not found: another tenant's portal is not even acknowledged.
    st.read(a, move |tx, by| {
        actions::portal_scope(tx, by, &p).map(|_| ())
    })
    .await
}

async fn logs(
    st: AppState,
    a: Actor,
    portal: Portal,
    p: LogParams,
) -> Result<Json<LogPage>, ApiError> {
    let filter = filter_of(&p)?;
    let limit = p.limit.unwrap_or(LOG_PAGE_DEFAULT).clamp(1, LOG_PAGE_MAX);
    let offset = p.offset.unwrap_or(0);
    allowed(&st, a, &portal).await?;
    let now = st.clock.now();
    let mut items = st
        .blocking(move |s| s.visitor_logs(&portal, &filter, now, limit + 1, offset))
        .await?;
    let more = items.len() > limit;
    items.truncate(limit);
    Ok(Json(LogPage {
        items,
        limit,
        offset,
        // Saturating: `offset` is the client's, up to usize::MAX.
        next_offset: more.then_some(offset.saturating_add(limit)),
    }))
}

/// One page of the Building Portal's visitor log, newest visit first.
#[utoipa::path(get, path = "/api/v1/buildings/{id}/visitor-logs", tag = "logs", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Building id"), LogParams), responses((status = 200, body = LogPage)))]
pub async fn building_logs(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Building>>,
    Params(p): Params<LogParams>,
) -> Result<Json<LogPage>, ApiError> {
    logs(st, a, Portal::building(id), p).await
}

/// One page of the Location Portal's visitor log, newest visit first.
#[utoipa::path(get, path = "/api/v1/locations/{id}/visitor-logs", tag = "logs", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Location id"), LogParams), responses((status = 200, body = LogPage)))]
pub async fn location_logs(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Location>>,
    Params(p): Params<LogParams>,
) -> Result<Json<LogPage>, ApiError> {
    logs(st, a, Portal::location(id), p).await
}

async fn summary(
    st: AppState,
    a: Actor,
    portal: Portal,
    p: LogParams,
) -> Result<Json<Summary>, ApiError> {
    let filter = filter_of(&p)?;
    allowed(&st, a, &portal).await?;
    let now = st.clock.now();
    Ok(Json(
        st.blocking(move |s| s.visitor_summary(&portal, &filter, now))
            .await?,
    ))
}

/// The Visitor Summary widget under the log's filters (its status filter excepted).
#[utoipa::path(get, path = "/api/v1/buildings/{id}/visitor-summary", tag = "logs", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Building id"), LogParams), responses((status = 200, body = Summary)))]
pub async fn building_summary(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Building>>,
    Params(p): Params<LogParams>,
) -> Result<Json<Summary>, ApiError> {
    summary(st, a, Portal::building(id), p).await
}

/// The Visitor Summary widget under the log's filters (its status filter excepted).
#[utoipa::path(get, path = "/api/v1/locations/{id}/visitor-summary", tag = "logs", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Location id"), LogParams), responses((status = 200, body = Summary)))]
pub async fn location_summary(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Location>>,
    Params(p): Params<LogParams>,
) -> Result<Json<Summary>, ApiError> {
    summary(st, a, Portal::location(id), p).await
}

/// Spreadsheets run a cell that starts with one of these as a formula; a leading apostrophe
/// makes it text (OWASP's advice for CSV injection).
fn neutralise(field: &str) -> String {
    match field.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{field}"),
        _ => field.to_string(),
    }
}

const CSV_HEADER: [&str; 16] = [
    "invite_id",
    "invite_origin",
    "status",
    "visitor_name",
    "visitor_email",
    "visitor_mobile",
    "visitor_company",
    "host_name",
    "visitor_type_id",
    "valid_from",
    "valid_to",
    "checked_in_at",
    "arrived_at",
    "checked_out_at",
    "cancelled_at",
    "linked_invite_id",
];

fn csv_record(e: &LogEntry) -> [String; 16] {
    let t = |t: Option<Timestamp>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
    let o = |s: Option<&str>| s.map(neutralise).unwrap_or_default();
    [
        e.id.to_string(),
        e.origin_label.to_string(),
        e.status.as_str().to_string(),
        neutralise(&e.visitor.name),
        o(e.visitor.email.as_deref()),
        o(e.visitor.mobile.as_deref()),
        o(e.visitor.company.as_deref()),
        neutralise(&e.host_name),
        o(e.visitor_type_id.as_ref().map(Id::as_str)),
        e.times.valid_from.to_rfc3339(),
        e.times.valid_to.to_rfc3339(),
        t(e.times.checked_in_at),
        t(e.times.arrived_at),
        t(e.times.checked_out_at),
        t(e.times.cancelled_at),
        o(e.linked_invite_id.as_ref().map(Id::as_str)),
    ]
}

/// Rows are written on a blocking thread in chunks and streamed as they come, so memory stays
/// flat however many rows the export has.
async fn csv(st: AppState, a: Actor, portal: Portal, p: LogParams) -> Result<Response, ApiError> {
    const CHUNK: usize = 64 * 1024;
    let filter = filter_of(&p)?;
    allowed(&st, a, &portal).await?;
    let now = st.clock.now();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(8);
    let store = st.store.clone();
    tokio::task::spawn_blocking(move || {
        let mut w = csv::Writer::from_writer(Vec::with_capacity(CHUNK * 2));
        let _ = w.write_record(CSV_HEADER);
        let mut open = true;
        let result = store.export_logs(&portal, &filter, now, &mut |e| {
            if w.write_record(csv_record(&e)).is_err() {
                return false;
            }
            if w.get_ref().len() >= CHUNK {
                let full = std::mem::replace(
                    &mut w,
                    csv::Writer::from_writer(Vec::with_capacity(CHUNK * 2)),
                );
                open = match full.into_inner() {
                    Ok(chunk) => tx.blocking_send(Ok(chunk)).is_ok(),
                    Err(_) => false,
                };
            }
            open
        });
        let rest = w.into_inner().unwrap_or_default();
        let last = match result {
            Ok(()) => Ok(rest),
            Err(e) => {
                tracing::error!(error = %e, "CSV export failed");
                Err(std::io::Error::other("export failed"))
            }
        };
        let _ = tx.blocking_send(last);
    });
    let body = HttpBody::from_stream(tokio_stream::wrappers::ReceiverStream::new(rx));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"visitor-logs.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// The filtered visitor log as CSV, streamed.
#[utoipa::path(get, path = "/api/v1/buildings/{id}/visitor-logs.csv", tag = "logs", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Building id"), LogParams), responses((status = 200, description = "The log as CSV", content_type = "text/csv", body = String)))]
pub async fn building_csv(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Building>>,
    Params(p): Params<LogParams>,
) -> Result<Response, ApiError> {
    csv(st, a, Portal::building(id), p).await
}

/// The filtered visitor log as CSV, streamed.
#[utoipa::path(get, path = "/api/v1/locations/{id}/visitor-logs.csv", tag = "logs", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Location id"), LogParams), responses((status = 200, description = "The log as CSV", content_type = "text/csv", body = String)))]
pub async fn location_csv(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Location>>,
    Params(p): Params<LogParams>,
) -> Result<Response, ApiError> {
    csv(st, a, Portal::location(id), p).await
}

/// The report's window and origin filter from the query string.
fn window_of(
    p: &ReportParams,
    now: Timestamp,
) -> Result<(Timestamp, Timestamp, Vec<Origin>), ApiError> {
    let to = instant(p.to.as_deref(), "to")?.unwrap_or(now + Duration::days(1));
    let bad_window = || {
        ApiError::invalid(
            "invalid_filter",
            "The report covers from before to, at most 366 days.",
        )
    };
    let from = match instant(p.from.as_deref(), "from")? {
        Some(from) => from,
        // Checked: a `to` in the first month chrono can represent has no 30 days before it
        // (subtracting panicked, and the request got no answer).
        None => to
            .checked_sub_signed(Duration::days(30))
            .ok_or_else(bad_window)?,
    };
    if to <= from || to - from > Duration::days(366) {
        return Err(bad_window());
    }
    Ok((from, to, origins(p.origin.as_deref())?))
}

/// Global Overview: activity per location and day across the tenant's locations.
#[utoipa::path(get, path = "/api/v1/tenants/{id}/activity-report", tag = "logs", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Tenant id"), ReportParams), responses((status = 200, body = Vec<ReportRow>)))]
pub async fn tenant_report(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(tenant): Path<Id<id::Tenant>>,
    Params(p): Params<ReportParams>,
) -> Result<Json<Vec<ReportRow>>, ApiError> {
    let (from, to, origins) = window_of(&p, st.clock.now())?;
    let portals = st
        .read(a, move |tx, by| {
            tx.tenant(&tenant)?.ok_or(DomainError::NotFound("tenant"))?;
            require(by.actor.administers_tenant(&tenant), false, "tenant")?;
            Ok(tx
                .locations_of_tenant(&tenant)?
                .into_iter()
                .map(|l| Portal::location(l.id))
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(Json(
        st.blocking(move |s| s.activity_report(&portals, &origins, from, to))
            .await?,
    ))
}

/// Global Overview: the Building Portal's activity per location and day.
#[utoipa::path(get, path = "/api/v1/buildings/{id}/activity-report", tag = "logs", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Building id"), ReportParams), responses((status = 200, body = Vec<ReportRow>)))]
pub async fn building_report(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(building): Path<Id<id::Building>>,
    Params(p): Params<ReportParams>,
) -> Result<Json<Vec<ReportRow>>, ApiError> {
    let (from, to, origins) = window_of(&p, st.clock.now())?;
    let b = building.clone();
    st.read(a, move |tx, by| {
        tx.building(&b)?.ok_or(DomainError::NotFound("building"))?;
        Ok(require(
            by.actor.administers_building(&b),
            false,
            "building",
        )?)
    })
    .await?;
    let portals = vec![Portal::building(building)];
    Ok(Json(
        st.blocking(move |s| s.activity_report(&portals, &origins, from, to))
            .await?,
    ))
}
