//! Who may do what. Every endpoint asks one of these questions before it reads or writes; a
//! "no" for something the caller may not even know about is reported as not found.

use serde::{Deserialize, Serialize};

use crate::{Building, DomainError, Id, Location, Portal, PortalKind, Tenant, User};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    PlatformAdmin,
    BuildingAdmin,
    TenantAdmin,
    /// A receptionist or lobby guard at one building or one location.
    FrontDesk,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PlatformAdmin => "platform_admin",
            Self::BuildingAdmin => "building_admin",
            Self::TenantAdmin => "tenant_admin",
            Self::FrontDesk => "front_desk",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "platform_admin" => Some(Self::PlatformAdmin),
            "building_admin" => Some(Self::BuildingAdmin),
            "tenant_admin" => Some(Self::TenantAdmin),
            "front_desk" => Some(Self::FrontDesk),
            _ => None,
        }
    }
}

/// A signed-in user with the scope of their role. A location's front desk carries the
/// location's tenant, so tenant-wide questions can be answered without another look-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Id<User>,
    pub email: String,
    pub role: Role,
    pub building_id: Option<Id<Building>>,
    pub tenant_id: Option<Id<Tenant>>,
    pub location_id: Option<Id<Location>>,
}

/// A portal together with the owners needed to decide access to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortalScope {
    Building {
        id: Id<Building>,
    },
    Location {
        id: Id<Location>,
        tenant_id: Id<Tenant>,
        building_id: Id<Building>,
    },
}

impl PortalScope {
    pub fn portal(&self) -> Portal {
        match self {
            Self::Building { id } => Portal::building(id.clone()),
            Self::Location { id, .. } => Portal::location(id.clone()),
        }
    }

    pub fn kind(&self) -> PortalKind {
        self.portal().kind
    }
}

impl Actor {
    fn is(&self, role: Role) -> bool {
        self.role == role
    }

    fn same<T>(a: &Option<Id<T>>, b: &Id<T>) -> bool {
        a.as_ref() == Some(b)
    }

    /// Read the portal's invites, logs, visitor types and change feed; and work its invites
    /// (front desks and admins alike handle the day's visits).
    pub fn works_portal(&self, scope: &PortalScope) -> bool {
        match (self.role, scope) {
            (Role::PlatformAdmin, _) => true,
            (Role::BuildingAdmin, PortalScope::Building { id }) => {
                Self::same(&self.building_id, id)
            }
            // A desk works at one place: a location's desk never at its building's lobby.
            (Role::FrontDesk, PortalScope::Building { id }) => {
                self.location_id.is_none() && Self::same(&self.building_id, id)
            }
            (Role::TenantAdmin, PortalScope::Location { tenant_id, .. }) => {
                Self::same(&self.tenant_id, tenant_id)
            }
            (Role::FrontDesk, PortalScope::Location { id, .. }) => {
                Self::same(&self.location_id, id)
            }
            _ => false,
        }
    }

    pub fn administers_building(&self, building_id: &Id<Building>) -> bool {
        self.is(Role::PlatformAdmin)
            || (self.is(Role::BuildingAdmin) && Self::same(&self.building_id, building_id))
    }

    pub fn administers_tenant(&self, tenant_id: &Id<Tenant>) -> bool {
        self.is(Role::PlatformAdmin)
            || (self.is(Role::TenantAdmin) && Self::same(&self.tenant_id, tenant_id))
    }

    /// Admin of whoever owns the portal (settings, visitor types, reports, notifications).
    pub fn administers_portal(&self, scope: &PortalScope) -> bool {
        match scope {
            PortalScope::Building { id } => self.administers_building(id),
            PortalScope::Location { tenant_id, .. } => self.administers_tenant(tenant_id),
        }
    }

    pub fn is_platform_admin(&self) -> bool {
        self.is(Role::PlatformAdmin)
    }

    /// Whether this actor may create a user with `role` in the given scope. The scope has been
    /// resolved by the caller: `location_tenant` is the tenant of `location_id`.
    pub fn may_create_user(
        &self,
        role: Role,
        building_id: Option<&Id<Building>>,
        tenant_id: Option<&Id<Tenant>>,
        location_tenant: Option<&Id<Tenant>>,
    ) -> bool {
        match (self.role, role) {
            (Role::PlatformAdmin, _) => true,
            (Role::BuildingAdmin, Role::BuildingAdmin | Role::FrontDesk) => {
                building_id.is_some_and(|b| self.administers_building(b))
                    && location_tenant.is_none()
            }
            (Role::TenantAdmin, Role::TenantAdmin) => {
                tenant_id.is_some_and(|t| self.administers_tenant(t))
            }
            (Role::TenantAdmin, Role::FrontDesk) => {
                location_tenant.is_some_and(|t| self.administers_tenant(t))
            }
            _ => false,
        }
    }
}

/// Turn a "may not" into the refusal to show: not found when the caller cannot see the thing at
/// all (so ids of other tenants' records reveal nothing), forbidden when they can see it.
pub fn require(allowed: bool, can_see: bool, what: &'static str) -> Result<(), DomainError> {
    match (allowed, can_see) {
        (true, _) => Ok(()),
        (false, true) => Err(DomainError::Forbidden),
        (false, false) => Err(DomainError::NotFound(what)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, b: Option<&str>, t: Option<&str>, l: Option<&str>) -> Actor {
        Actor {
            user_id: "u".into(),
            email: "u@x.io".into(),
            role,
            building_id: b.map(Into::into),
            tenant_id: t.map(Into::into),
            location_id: l.map(Into::into),
        }
    }

    #[test]
    fn tenants_see_only_their_locations() {
        let loc = PortalScope::Location {
            id: "l1".into(),
            tenant_id: "t1".into(),
            building_id: "b1".into(),
        };
        let bld = PortalScope::Building { id: "b1".into() };
        let t1 = actor(Role::TenantAdmin, None, Some("t1"), None);
        let t2 = actor(Role::TenantAdmin, None, Some("t2"), None);
        assert!(t1.works_portal(&loc));
        assert!(!t2.works_portal(&loc));
        assert!(
            !t1.works_portal(&bld),
            "the building's own invites stay with the building"
        );
        let desk = actor(Role::FrontDesk, None, Some("t1"), Some("l2"));
        assert!(
            !desk.works_portal(&loc),
            "a desk sees its own location only"
        );
        let bdesk = actor(Role::FrontDesk, Some("b1"), None, None);
        assert!(bdesk.works_portal(&bld) && !bdesk.works_portal(&loc));
        assert!(!bdesk.administers_portal(&bld));
    }

    #[test]
    fn user_creation_stays_inside_the_scope() {
        let ba = actor(Role::BuildingAdmin, Some("b1"), None, None);
        let (b1, b2) = (Id::from("b1"), Id::from("b2"));
        let (t1, t2) = (Id::from("t1"), Id::from("t2"));
        assert!(ba.may_create_user(Role::FrontDesk, Some(&b1), None, None));
        assert!(!ba.may_create_user(Role::FrontDesk, Some(&b2), None, None));
        assert!(!ba.may_create_user(Role::PlatformAdmin, None, None, None));
        let ta = actor(Role::TenantAdmin, None, Some("t1"), None);
        assert!(ta.may_create_user(Role::FrontDesk, None, None, Some(&t1)));
        assert!(!ta.may_create_user(Role::FrontDesk, None, None, Some(&t2)));
        assert!(!ta.may_create_user(Role::BuildingAdmin, Some(&b1), None, None));
    }
}
