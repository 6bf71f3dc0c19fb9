//! Visitor logs, the Visitor Summary widget and the Global Overview activity report.

use frontdesk_core::{id, Id, Invite, VisitorType};
use frontdesk_core::{InviteStatus, Origin, Visitor};
use serde::{Deserialize, Serialize};

use crate::VisitTimes;

/// One row of the visitor logs (and of its CSV export).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct LogEntry {
    #[schema(value_type = String)]
    pub id: Id<Invite>,
    pub origin: Origin,
    /// The words of the Invite Origin filter: `Building Created` or `Tenant Created`.
    pub origin_label: String,
    pub status: InviteStatus,
    pub visitor: Visitor,
    pub host_name: String,
    #[schema(value_type = Option<String>)]
    pub visitor_type_id: Option<Id<VisitorType>>,
    #[schema(value_type = String)]
    pub location_id: Id<id::Location>,
    #[schema(value_type = Option<String>)]
    pub linked_invite_id: Option<Id<Invite>>,
    #[serde(flatten)]
    pub times: VisitTimes,
}

/// The Visitor Summary widget: counts under the log's filters (its status filter excepted).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
pub struct Summary {
    /// Invited or checked in, not yet arrived, still valid.
    #[ts(type = "number")]
    pub expected: i64,
    #[ts(type = "number")]
    pub checked_in: i64,
    #[ts(type = "number")]
    pub on_site: i64,
    #[ts(type = "number")]
    pub checked_out: i64,
    #[ts(type = "number")]
    pub cancelled: i64,
    #[ts(type = "number")]
    pub expired: i64,
    #[ts(type = "number")]
    pub total: i64,
}

/// Visits per location and day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct ReportRow {
    #[schema(value_type = String)]
    pub location_id: Id<id::Location>,
    /// UTC calendar day, `YYYY-MM-DD`.
    pub day: String,
    #[ts(type = "number")]
    pub created: i64,
    #[ts(type = "number")]
    pub checked_in: i64,
    #[ts(type = "number")]
    pub arrived: i64,
    #[ts(type = "number")]
    pub checked_out: i64,
    #[ts(type = "number")]
    pub cancelled: i64,
    #[ts(type = "number")]
    pub badges: i64,
    #[ts(type = "number")]
    pub cards: i64,
}

/// The filters of the visitor logs, the summary and the CSV export, as the query string has
/// them (lists are comma-separated; times are a date or RFC 3339).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogParams {
    /// `building`, `tenant`, or both comma-separated (no filter).
    pub origin: Option<String>,
    /// Comma-separated statuses: invited, checked_in, arrived, checked_out, cancelled, expired.
    pub status: Option<String>,
    /// Visits whose validity overlaps [from, to): `2026-01-31` or `2026-01-31T09:00:00Z`.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Text search over visitor name, email, company and host.
    pub q: Option<String>,
    pub host: Option<String>,
    #[param(value_type = Option<String>)]
    pub visitor_type_id: Option<Id<VisitorType>>,
    /// Rows per page (default 50, at most 500).
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

/// The activity report's window (default: the last 30 days; at most 366) and origin filter.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    pub from: Option<String>,
    pub to: Option<String>,
    pub origin: Option<String>,
}

/// One page of the visitor logs, newest visit first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct LogPage {
    pub items: Vec<LogEntry>,
    #[ts(type = "number")]
    pub limit: usize,
    #[ts(type = "number")]
    pub offset: usize,
    /// The offset of the next page; none on the last.
    #[ts(type = "number | null")]
    pub next_offset: Option<usize>,
}
