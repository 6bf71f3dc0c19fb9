//! The host directory on the wire: hosts as admins manage them, what the lobby may see of
//! another organisation's hosts, the CSV import's report, and SCIM tokens.

use chrono::{DateTime, Utc};
use frontdesk_core::{id, Id};
use serde::{Deserialize, Serialize};

pub use frontdesk_core::{Channel, Directory, DirectoryKind, Host, HostDraft, HostPrefs};

/// A host found by the lobby's host search: enough to pick them, nothing to contact them by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct HostHit {
    #[schema(value_type = String)]
    pub id: Id<Host>,
    pub name: String,
    /// The tenant's name, or the building's for its own staff.
    pub organisation: String,
    /// Where the host works (the tenant's locations in this building), by name.
    pub locations: Vec<String>,
    /// A location the visit can be booked at (the first of the host's in this building).
    #[schema(value_type = Option<String>)]
    pub location_id: Option<Id<id::Location>>,
    /// `g•••@acme.example`: enough for a receptionist to tell two namesakes apart.
    pub masked_contact: String,
}

/// `GET …/hosts/search?q=`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
pub struct HostSearch {
    /// Part of a name (any script; case and accents ignored where the script has them).
    #[serde(default)]
    pub q: String,
    /// Only hosts at this location.
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub location_id: Option<Id<id::Location>>,
}

/// `POST …/hosts/import?dry_run=true`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
pub struct ImportParams {
    /// Report what would change without changing anything.
    #[serde(default)]
    pub dry_run: bool,
}

/// What one CSV line does, or why it cannot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportAction {
    Create,
    Update,
    Unchanged,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct ImportLine {
    /// The line in the file (the header is line 1).
    #[ts(type = "number")]
    pub line: u64,
    pub email: String,
    pub action: ImportAction,
    /// For an error: what is wrong and what to do.
    pub message: Option<String>,
}

/// The import's report. With any error nothing is applied, dry run or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    /// True when the changes were written (not a dry run, no errors).
    pub applied: bool,
    #[ts(type = "number")]
    pub create: u64,
    #[ts(type = "number")]
    pub update: u64,
    #[ts(type = "number")]
    pub unchanged: u64,
    #[ts(type = "number")]
    pub errors: u64,
    pub lines: Vec<ImportLine>,
}

/// A SCIM token as listed: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct ScimToken {
    pub id: String,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct NewScimToken {
    /// What the token is for, e.g. "Okta".
    pub label: String,
}

/// The answer to creating a SCIM token: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct ScimTokenCreated {
    pub token: ScimToken,
    /// Give it to the identity provider as the bearer token; it cannot be shown again.
    pub secret: String,
    /// The SCIM base URL to give the identity provider.
    pub base_url: String,
}

/// `GET …/hosts`: one page of a directory, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
pub struct HostListParams {
    /// Part of a name or email.
    #[serde(default)]
    pub q: Option<String>,
    /// Only hosts at this location (and those at every location).
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub location_id: Option<Id<id::Location>>,
    /// Only active hosts.
    #[serde(default)]
    pub active_only: bool,
    /// At most [`crate::limits::HOSTS_PAGE_MAX`].
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub offset: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct HostPage {
    pub hosts: Vec<Host>,
    /// How many hosts the filter matches in all.
    #[ts(type = "number")]
    pub total: u64,
}
