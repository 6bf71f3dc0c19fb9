//! Buildings, tenants, their locations, and the tenant list that links them.

use super::*;

/// Time zone names of the IANA database ("Europe/Oslo", "UTC"): badges and reports show local
/// time in it.
fn timezone(tz: &str) -> Result<String> {
    let tz = validate::required_text("timezone", tz, 64)?;
    if tz.parse::<chrono_tz::Tz>().is_err() {
        return Err(DomainError::invalid(
            "invalid_timezone",
            "timezone must be an IANA time zone name such as \"Europe/London\" or \"UTC\".",
        )
        .into());
    }
    Ok(tz)
}

pub fn create_building(
    tx: &mut dyn Tx,
    by: By<'_>,
    name: &str,
    tz: &str,
    language: Option<&str>,
) -> Result<Building> {
    if !by.actor.is_platform_admin() {
        return Err(DomainError::Forbidden.into());
    }
    let b = Building {
        id: new_id(),
        name: validate::required_text("name", name, 200)?,
        timezone: timezone(tz)?,
        language: match language.map(str::trim).filter(|l| !l.is_empty()) {
            None => "en".into(),
            Some(l) => frontdesk_core::messages::Language::parse(l)
                .map(|l| l.code().to_owned())
                .ok_or_else(|| {
                    DomainError::invalid(
                        "unknown_language",
                        format!("language {l:?} is not one messages are written in: use en or fr."),
                    )
                })?,
        },
        created_at: by.now,
    };
    tx.insert_building(&b)?;
    Ok(b)
}

/// The building, for its own staff only (what it keeps about its tenants).
pub(crate) fn worked_building(tx: &dyn Tx, by: By<'_>, id: &Id<id::Building>) -> Result<Building> {
    let b = tx.building(id)?.ok_or(DomainError::NotFound("building"))?;
    let scope = PortalScope::Building { id: id.clone() };
    require(by.actor.works_portal(&scope), false, "building")?;
    Ok(b)
}

/// A building: for its staff, and for the staff of the tenants with a location in it (their
/// desks show times in the building's zone).
pub fn building(tx: &dyn Tx, by: By<'_>, id: &Id<id::Building>) -> Result<Building> {
    let scope = PortalScope::Building { id: id.clone() };
    let b = tx.building(id)?.ok_or(DomainError::NotFound("building"))?;
    let a = by.actor;
    let in_it = a.works_portal(&scope)
        || match (&a.location_id, &a.tenant_id) {
            (Some(l), _) => tx.location(l)?.is_some_and(|l| &l.building_id == id),
            (None, Some(t)) => tx
                .locations_of_tenant(t)?
                .iter()
                .any(|l| &l.building_id == id),
            _ => false,
        };
    require(in_it, false, "building")?;
    Ok(b)
}

pub fn create_tenant(tx: &mut dyn Tx, by: By<'_>, name: &str) -> Result<Tenant> {
    if !by.actor.is_platform_admin() {
        return Err(DomainError::Forbidden.into());
    }
    let t = Tenant {
        id: new_id(),
        name: validate::required_text("name", name, 200)?,
        created_at: by.now,
    };
    tx.insert_tenant(&t)?;
    Ok(t)
}

pub fn create_location(
    tx: &mut dyn Tx,
    by: By<'_>,
    tenant_id: &Id<id::Tenant>,
    name: &str,
    building_id: &Id<id::Building>,
) -> Result<Location> {
    tx.tenant(tenant_id)?
        .ok_or(DomainError::NotFound("tenant"))?;
    require(by.actor.administers_tenant(tenant_id), false, "tenant")?;
    tx.building(building_id)?
        .ok_or(DomainError::NotFound("building"))?;
    // A location puts the tenant in the building's directory and under its card numbers, so a
    // tenant admin may only open one where the building has admitted the tenant (an active link
    // in its tenant list). The operator (platform admin) places tenants anywhere, linked or not.
    // To a tenant admin, a building that has not admitted the tenant is not there at all.
    if !by.actor.is_platform_admin() && !tx.tenant_link_active(building_id, tenant_id)? {
        return Err(DomainError::NotFound("building").into());
    }
    let l = Location {
        id: new_id(),
        tenant_id: tenant_id.clone(),
        building_id: building_id.clone(),
        name: validate::required_text("name", name, 200)?,
        // A new location receives visitors; syncing building invitations is the tenant
        // admin's explicit choice.
        settings: LocationSettings {
            visitor_management_enabled: true,
            ..LocationSettings::default()
        },
        created_at: by.now,
    };
    tx.insert_location(&l)?;
    append_location_change(tx, &l, by.now)?;
    Ok(l)
}

pub fn locations_of_tenant(
    tx: &dyn Tx,
    by: By<'_>,
    tenant_id: &Id<id::Tenant>,
) -> Result<Vec<Location>> {
    tx.tenant(tenant_id)?
        .ok_or(DomainError::NotFound("tenant"))?;
    let all = tx.locations_of_tenant(tenant_id)?;
    if by.actor.administers_tenant(tenant_id) {
        return Ok(all);
    }
    let mine: Vec<_> = all
        .into_iter()
        .filter(|l| by.actor.works_portal(&location_scope(l)))
        .collect();
    require(!mine.is_empty(), false, "tenant")?;
    Ok(mine)
}

pub(crate) fn location_scope(l: &Location) -> PortalScope {
    PortalScope::Location {
        id: l.id.clone(),
        tenant_id: l.tenant_id.clone(),
        building_id: l.building_id.clone(),
    }
}

/// A location the actor works at (its desk or its tenant's admin).
pub fn location(tx: &dyn Tx, by: By<'_>, id: &Id<id::Location>) -> Result<Location> {
    let l = tx.location(id)?.ok_or(DomainError::NotFound("location"))?;
    require(
        by.actor.works_portal(&location_scope(&l)),
        false,
        "location",
    )?;
    Ok(l)
}

/// The building's tenant locations, for those who work its portal. Names only: a tenant's
/// settings stay with the tenant.
pub fn directory(
    tx: &dyn Tx,
    by: By<'_>,
    building_id: &Id<id::Building>,
) -> Result<Vec<DirectoryEntry>> {
    worked_building(tx, by, building_id)?;
    let mut out = vec![];
    for l in tx.locations_in_building(building_id)? {
        let tenant = tx
            .tenant(&l.tenant_id)?
            .ok_or(DomainError::NotFound("tenant"))?;
        out.push(DirectoryEntry {
            linked: tx.tenant_link_active(building_id, &l.tenant_id)?,
            location_id: l.id,
            location_name: l.name,
            tenant_id: tenant.id,
            tenant_name: tenant.name,
        });
    }
    out.sort_by(|a, b| (&a.tenant_name, &a.location_name).cmp(&(&b.tenant_name, &b.location_name)));
    Ok(out)
}

pub fn link_tenant(
    tx: &mut dyn Tx,
    by: By<'_>,
    building_id: &Id<id::Building>,
    tenant_id: &Id<id::Tenant>,
) -> Result<(TenantLink, bool)> {
    administered_building(tx, by, building_id)?;
    tx.tenant(tenant_id)?
        .ok_or(DomainError::NotFound("tenant"))?;
    let was = tx.tenant_link_active(building_id, tenant_id)?;
    if !was {
        tx.set_tenant_link(building_id, tenant_id, true, by.now)?;
    }
    Ok((
        TenantLink {
            building_id: building_id.clone(),
            tenant_id: tenant_id.clone(),
            active: true,
        },
        !was,
    ))
}

/// The building must exist and the caller administer it; one who only works there is refused,
/// anyone else is told it is not there.
fn administered_building(tx: &dyn Tx, by: By<'_>, building_id: &Id<id::Building>) -> Result<()> {
    tx.building(building_id)?
        .ok_or(DomainError::NotFound("building"))?;
    require(
        by.actor.administers_building(building_id),
        by.actor.works_portal(&PortalScope::Building {
            id: building_id.clone(),
        }),
        "building",
    )?;
    Ok(())
}

/// Unlinking stops new invites from syncing; pairs already linked stay linked, so no visit that
/// is under way loses its other half.
pub fn unlink_tenant(
    tx: &mut dyn Tx,
    by: By<'_>,
    building_id: &Id<id::Building>,
    tenant_id: &Id<id::Tenant>,
) -> Result<()> {
    administered_building(tx, by, building_id)?;
    if !tx.tenant_link_active(building_id, tenant_id)? {
        return Err(DomainError::NotFound("tenant link").into());
    }
    tx.set_tenant_link(building_id, tenant_id, false, by.now)?;
    Ok(())
}

pub fn tenant_links(
    tx: &dyn Tx,
    by: By<'_>,
    building_id: &Id<id::Building>,
) -> Result<Vec<TenantLink>> {
    worked_building(tx, by, building_id)?;
    Ok(tx
        .tenant_links(building_id)?
        .into_iter()
        .map(|(tenant_id, active)| TenantLink {
            building_id: building_id.clone(),
            tenant_id,
            active,
        })
        .collect())
}
