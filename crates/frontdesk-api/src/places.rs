//! Buildings, tenants, their locations and the links between them; visitor types.

use chrono::{DateTime, Utc};
use frontdesk_core::visitor_type::QuestionDraft;
use frontdesk_core::LocationSettings;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Building {
    pub id: String,
    pub name: String,
    /// IANA time zone, e.g. `Europe/London`.
    pub timezone: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Tenant {
    pub id: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Location {
    pub id: String,
    pub tenant_id: String,
    pub building_id: String,
    pub name: String,
    pub settings: LocationSettings,
    pub created_at: DateTime<Utc>,
}

/// A tenant location in the building, as a building desk picks it when inviting a visitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct DirectoryEntry {
    pub location_id: String,
    pub location_name: String,
    pub tenant_id: String,
    pub tenant_name: String,
    /// Linked to the building: only then can its invites sync.
    pub linked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct TenantLink {
    pub building_id: String,
    pub tenant_id: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct NewBuilding {
    pub name: String,
    /// IANA time zone, e.g. `Europe/London`.
    pub timezone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct NewTenant {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct NewLocation {
    pub name: String,
    pub building_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct NewLink {
    pub tenant_id: String,
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
