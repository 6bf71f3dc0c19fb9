//! Portals: who works which, their visitor types, and a location's settings (the "Sync Building
//! Invitations" card).

use super::*;

/// Resolve a portal and check the actor works there.
pub fn portal_scope(tx: &dyn Tx, by: By<'_>, portal: &Portal) -> Result<PortalScope> {
    let scope = match portal.kind {
        PortalKind::Building => {
            let id = Id::new(portal.id.clone());
            tx.building(&id)?.ok_or(DomainError::NotFound("building"))?;
            PortalScope::Building { id }
        }
        PortalKind::Location => location_scope(
            &tx.location(&Id::new(portal.id.clone()))?
                .ok_or(DomainError::NotFound("location"))?,
        ),
    };
    require(by.actor.works_portal(&scope), false, "portal")?;
    Ok(scope)
}

pub fn create_visitor_type(
    tx: &mut dyn Tx,
    by: By<'_>,
    portal: &Portal,
    req: &NewVisitorType,
) -> Result<VisitorType> {
    let scope = portal_scope(tx, by, portal)?;
    require(by.actor.administers_portal(&scope), true, "portal")?;
    let vt = visitor_type::build(
        new_id(),
        portal.clone(),
        &req.name,
        req.requires_photo,
        req.requires_nda,
        req.nda_text.as_deref(),
        &req.questions,
    )?;
    tx.insert_visitor_type(&vt, by.now)?;
    tx.append_change(
        portal,
        "visitor_type",
        vt.id.as_str(),
        &serde_json::to_value(&vt)?,
        by.now,
    )?;
    Ok(vt)
}

pub fn visitor_types(tx: &dyn Tx, by: By<'_>, portal: &Portal) -> Result<Vec<VisitorType>> {
    portal_scope(tx, by, portal)?;
    tx.visitor_types(portal)
}

/// The Location Settings card is the tenant admin's.
fn settings_location(tx: &dyn Tx, by: By<'_>, id: &Id<id::Location>) -> Result<Location> {
    let l = tx.location(id)?.ok_or(DomainError::NotFound("location"))?;
    let scope = location_scope(&l);
    require(
        by.actor.administers_portal(&scope),
        by.actor.works_portal(&scope),
        "location",
    )?;
    Ok(l)
}

pub fn settings(
    tx: &dyn Tx,
    by: By<'_>,
    location_id: &Id<id::Location>,
) -> Result<LocationSettings> {
    Ok(settings_location(tx, by, location_id)?.settings)
}

pub fn save_settings(
    tx: &mut dyn Tx,
    by: By<'_>,
    location_id: &Id<id::Location>,
    s: LocationSettings,
) -> Result<LocationSettings> {
    let mut l = settings_location(tx, by, location_id)?;
    let belongs = match &s.sync_visitor_type_id {
        Some(vt) => tx
            .visitor_type(vt)?
            .is_some_and(|v| v.portal == Portal::location(location_id.clone())),
        None => false,
    };
    validate_settings(&s, belongs)?;
    tx.save_location_settings(location_id, &s)?;
    l.settings = s;
    append_location_change(tx, &l, by.now)?;
    Ok(l.settings)
}

pub(crate) fn append_location_change(tx: &mut dyn Tx, l: &Location, now: Timestamp) -> Result<()> {
    tx.append_change(
        &Portal::location(l.id.clone()),
        "location",
        l.id.as_str(),
        &serde_json::to_value(l)?,
        now,
    )?;
    Ok(())
}
