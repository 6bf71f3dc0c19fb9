//! What a badge shows of a visit, and recording that it was generated or printed.

use super::*;

/// What a badge shows of a visit, read in one snapshot.
#[derive(Debug, Clone)]
pub struct BadgeFacts {
    pub invite: InviteView,
    pub building_name: String,
    pub timezone: String,
    pub tenant_name: String,
    pub location_name: String,
    pub visitor_type: Option<VisitorType>,
    pub photo: Option<Vec<u8>>,
    /// What the badge's QR code carries: the primary invite's id, the desk's look-up key for the
    /// visit whichever portal scans it.
    pub lookup: String,
}

pub fn badge_facts(tx: &dyn Tx, by: By<'_>, id: &Id<Invite>) -> Result<BadgeFacts> {
    let (a, b) = load_pair(tx, by, id)?;
    a.ensure_open(by.now, "make a badge")?;
    let primary_id = if a.primary {
        a.id.clone()
    } else {
        b.as_ref()
            .map(|b| b.id.clone())
            .unwrap_or_else(|| a.id.clone())
    };
    let building = tx
        .building(&a.building_id)?
        .ok_or(DomainError::NotFound("building"))?;
    let location = tx
        .location(&a.location_id)?
        .ok_or(DomainError::NotFound("location"))?;
    let tenant = tx.tenant(&a.tenant_id)?.map(|t| t.name).unwrap_or_default();
    let visitor_type = match &a.visitor_type_id {
        Some(v) => tx.visitor_type(v)?,
        None => None,
    };
    let photo = tx.photo(&primary_id)?.map(|(_, bytes)| bytes);
    Ok(BadgeFacts {
        invite: InviteView::load(tx, a, by.now)?,
        building_name: building.name,
        timezone: building.timezone,
        tenant_name: tenant,
        location_name: location.name,
        visitor_type,
        photo,
        lookup: primary_id.into(),
    })
}

/// A badge was generated or printed: recorded in the activity of both invites of the pair.
pub fn record_badge(
    tx: &mut dyn Tx,
    by: By<'_>,
    id: &Id<Invite>,
    action: BadgeEvent,
    detail: serde_json::Value,
) -> Result<()> {
    let (a, b) = load_pair(tx, by, id)?;
    a.ensure_open(by.now, "make a badge")?;
    record(tx, by, &a.portal, &a, b.as_ref(), action.as_str(), detail)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadgeEvent {
    Generated,
    Printed,
}

impl BadgeEvent {
    fn as_str(self) -> &'static str {
        match self {
            Self::Generated => "badge_generated",
            Self::Printed => "badge_printed",
        }
    }
}
