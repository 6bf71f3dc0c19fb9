//! The visitor's pre-registration (the link's secret is the only key), what staff may see of
//! it, and the badge.

use frontdesk_core::{Id, Invite, VisitorType};
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use frontdesk_core::flow::{Answer, FlowNda, FlowQuestion};
use frontdesk_core::InviteStatus;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct VisitorFields {
    pub name: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
}

/// What the visitor's page shows: the visit and the combined flow of both portals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct RegistrationView {
    #[schema(value_type = String)]
    pub invite_id: Id<Invite>,
    pub status: InviteStatus,
    pub visitor: VisitorFields,
    pub host_name: String,
    pub building_name: String,
    pub location_name: String,
    /// The building's time zone (IANA, `Europe/London`): the page shows the visit's times on
    /// the building's clock, wherever the visitor's phone is.
    pub timezone: String,
    pub valid_from: DateTime<Utc>,
    pub valid_to: DateTime<Utc>,
    pub questions: Vec<FlowQuestion>,
    pub photo_required: bool,
    pub ndas: Vec<FlowNda>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct SubmittedVisitor {
    pub name: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
}

/// What a visitor gives the check-in flow besides their details: on the visitor's page (in a
/// [`Submission`]), and at the desk when they still owe some of it (`POST
/// /invites/{id}/arrival-needs`).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
pub struct FlowAnswers {
    /// By question key (`building.q1`): yes/no answers as booleans, the others as text.
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
    /// The photo as base64 (PNG or JPEG, at most 5 MB).
    pub photo: Option<String>,
    /// The keys of the NDAs accepted (`building`, `location`).
    #[serde(default)]
    pub accepted_ndas: Vec<String>,
    /// The visitor's full name, typed as their signature of the NDAs.
    pub signature: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Submission {
    pub visitor: SubmittedVisitor,
    #[serde(flatten)]
    pub given: FlowAnswers,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Submitted {
    #[schema(value_type = String)]
    pub invite_id: Id<Invite>,
    pub status: InviteStatus,
    pub checked_in_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct StoredAnswer {
    pub key: String,
    pub label: String,
    pub value: String,
    pub answered_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct NdaAcceptance {
    pub text: String,
    pub text_sha256: String,
    /// The visitor's full name, typed as their signature.
    pub signature: String,
    pub accepted_at: DateTime<Utc>,
}

/// What the visitor gave, as one portal may see it: its own questions' answers and its own NDA;
/// the photo belongs to the visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct RegistrationRecord {
    pub answers: Vec<StoredAnswer>,
    pub nda: Option<NdaAcceptance>,
    pub has_photo: bool,
}

/// The flow preview's choice of the building's visitor type.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PreviewParams {
    #[param(value_type = Option<String>)]
    pub building_visitor_type_id: Option<Id<VisitorType>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BadgeParams {
    /// A template name (default: the one for the visitor's type).
    pub template: Option<String>,
    /// For `badge.png`: the printer's resolution in dots per inch, from
    /// [`BADGE_DPI_MIN`](crate::limits::BADGE_DPI_MIN) to
    /// [`BADGE_DPI_MAX`](crate::limits::BADGE_DPI_MAX) (default 300).
    pub dpi: Option<u32>,
}

/// The desk's word that the badge was printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Printed {
    pub printer: String,
    /// The printer's job id.
    #[ts(type = "number | null")]
    pub job_id: Option<i64>,
}
