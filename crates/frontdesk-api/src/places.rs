//! Buildings, tenants, their locations and the links between them; visitor types.

use chrono::{DateTime, Utc};
use frontdesk_core::visitor_type::QuestionDraft;
use frontdesk_core::LocationSettings;
use frontdesk_core::{id, Id};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Building {
    #[schema(value_type = String)]
    pub id: Id<id::Building>,
    pub name: String,
    /// IANA time zone, e.g. `Europe/London`: every time a person reads is in it.
    pub timezone: String,
    /// The language messages to visitors and hosts are written in (`en`, `fr`).
    #[serde(default = "english")]
    pub language: String,
    pub created_at: DateTime<Utc>,
}

fn english() -> String {
    "en".into()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Tenant {
    #[schema(value_type = String)]
    pub id: Id<id::Tenant>,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Location {
    #[schema(value_type = String)]
    pub id: Id<id::Location>,
    #[schema(value_type = String)]
    pub tenant_id: Id<id::Tenant>,
    #[schema(value_type = String)]
    pub building_id: Id<id::Building>,
    pub name: String,
    pub settings: LocationSettings,
    pub created_at: DateTime<Utc>,
}

/// A tenant location in the building, as a building desk picks it when inviting a visitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct DirectoryEntry {
    #[schema(value_type = String)]
    pub location_id: Id<id::Location>,
    pub location_name: String,
    #[schema(value_type = String)]
    pub tenant_id: Id<id::Tenant>,
    pub tenant_name: String,
    /// Linked to the building: only then can its invites sync.
    pub linked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct TenantLink {
    #[schema(value_type = String)]
    pub building_id: Id<id::Building>,
    #[schema(value_type = String)]
    pub tenant_id: Id<id::Tenant>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct NewBuilding {
    pub name: String,
    /// IANA time zone, e.g. `Europe/London`.
    pub timezone: String,
    /// The language of messages (`en` or `fr`); English when left out.
    #[serde(default)]
    pub language: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct NewTenant {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct NewLocation {
    pub name: String,
    #[schema(value_type = String)]
    pub building_id: Id<id::Building>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct NewLink {
    #[schema(value_type = String)]
    pub tenant_id: Id<id::Tenant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct NewVisitorType {
    pub name: String,
    #[serde(default)]
    pub requires_photo: bool,
    #[serde(default)]
    pub requires_nda: bool,
    pub nda_text: Option<String>,
    #[serde(default)]
    pub questions: Vec<QuestionDraft>,
}
