//! When a building's invite gets a linked copy at the tenant's location, and when a tenant's
//! invite gets one in the Building Portal.

use serde::{Deserialize, Serialize};

use crate::{DomainError, Id, VisitorType};

/// The tenant admin's settings of one location (Tenant Portal → Location Settings).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LocationSettings {
    pub visitor_management_enabled: bool,
    /// The "Sync Building Invitations" card's toggle.
    pub sync_building_invitations: bool,
    /// The location's visitor type that synced building invitations get.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub sync_visitor_type_id: Option<Id<VisitorType>>,
    /// Whether cards assigned to synced invites are copied to the other side.
    pub card_sync_enabled: bool,
}

/// Why a building's invite stayed in the Building Portal alone. All failing conditions are
/// reported, not only the first, so the admin can fix them in one go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotSyncedReason {
    TenantNotLinked,
    VisitorManagementDisabled,
    SyncBuildingInvitationsOff,
    VisitorTypeNotMapped,
}

impl NotSyncedReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TenantNotLinked => "tenant_not_linked",
            Self::VisitorManagementDisabled => "visitor_management_disabled",
            Self::SyncBuildingInvitationsOff => "sync_building_invitations_off",
            Self::VisitorTypeNotMapped => "visitor_type_not_mapped",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::TenantNotLinked => {
                "The tenant is not linked to this building. Add it to the building's tenant list."
            }
            Self::VisitorManagementDisabled => {
                "Visitor Management is not enabled at the tenant's location."
            }
            Self::SyncBuildingInvitationsOff => {
                "The location's Sync Building Invitations setting is off."
            }
            Self::VisitorTypeNotMapped => {
                "No visitor type is mapped for synced invitations at the tenant's location."
            }
        }
    }
}

/// The four preconditions of Reverse Building Sync. `mapped_type_exists` says whether the
/// mapped visitor type still exists at the location (a deleted type must not be used).
pub fn reverse_sync_blockers(
    tenant_linked: bool,
    settings: &LocationSettings,
    mapped_type_exists: bool,
) -> Vec<NotSyncedReason> {
    let mut reasons = Vec::new();
    if !tenant_linked {
        reasons.push(NotSyncedReason::TenantNotLinked);
    }
    if !settings.visitor_management_enabled {
        reasons.push(NotSyncedReason::VisitorManagementDisabled);
    }
    if !settings.sync_building_invitations {
        reasons.push(NotSyncedReason::SyncBuildingInvitationsOff);
    }
    if settings.sync_visitor_type_id.is_none() || !mapped_type_exists {
        reasons.push(NotSyncedReason::VisitorTypeNotMapped);
    }
    reasons
}

/// A tenant's own invite reaches the Building Portal whenever the tenant is linked, so the lobby
/// can receive the visitor (the long-standing building sync).
pub fn forward_sync_applies(tenant_linked: bool) -> bool {
    tenant_linked
}

/// A location only takes invites of its own when Visitor Management is on there.
pub fn ensure_location_takes_invites(settings: &LocationSettings) -> Result<(), DomainError> {
    if settings.visitor_management_enabled {
        Ok(())
    } else {
        Err(DomainError::conflict(
            "visitor_management_disabled",
            "Visitor Management is not enabled at this location. A tenant admin can turn it on in Location Settings.",
        ))
    }
}

/// Settings a tenant admin saves. `type_belongs_to_location` says whether the chosen visitor
/// type is one of this location's.
pub fn validate_settings(
    settings: &LocationSettings,
    type_belongs_to_location: bool,
) -> Result<(), DomainError> {
    if settings.sync_building_invitations {
        if settings.sync_visitor_type_id.is_none() {
            return Err(DomainError::invalid(
                "visitor_type_not_mapped",
                "Map a visitor type before turning on Sync Building Invitations: synced invitations get that type.",
            ));
        }
        if !type_belongs_to_location {
            return Err(DomainError::invalid(
                "visitor_type_not_mapped",
                "The mapped visitor type is not one of this location's visitor types.",
            ));
        }
    } else if settings.sync_visitor_type_id.is_some() && !type_belongs_to_location {
        return Err(DomainError::invalid(
            "unknown_visitor_type",
            "The mapped visitor type is not one of this location's visitor types.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failing_condition_is_named() {
        let s = LocationSettings::default();
        let r = reverse_sync_blockers(false, &s, false);
        assert_eq!(
            r,
            vec![
                NotSyncedReason::TenantNotLinked,
                NotSyncedReason::VisitorManagementDisabled,
                NotSyncedReason::SyncBuildingInvitationsOff,
                NotSyncedReason::VisitorTypeNotMapped,
            ]
        );
    }

    #[test]
    fn all_four_hold() {
        let s = LocationSettings {
            visitor_management_enabled: true,
            sync_building_invitations: true,
            sync_visitor_type_id: Some("vt".into()),
            card_sync_enabled: false,
        };
        assert!(reverse_sync_blockers(true, &s, true).is_empty());
        assert_eq!(
            reverse_sync_blockers(true, &s, false),
            vec![NotSyncedReason::VisitorTypeNotMapped]
        );
    }

    #[test]
    fn sync_on_needs_a_mapped_type() {
        let s = LocationSettings {
            visitor_management_enabled: true,
            sync_building_invitations: true,
            ..LocationSettings::default()
        };
        assert_eq!(
            validate_settings(&s, false).expect_err("no type").code(),
            "visitor_type_not_mapped"
        );
    }
}
