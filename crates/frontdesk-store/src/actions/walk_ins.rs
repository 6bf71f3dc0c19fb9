//! The lobby kiosk: what a walk-in is asked and where they may go, and the walk-in itself (the
//! building's invite, the tenant's copy when the pair syncs, the submission, the arrival), once
//! per id the desk made.

use super::*;
use crate::registration::{self, Sides};
use crate::{HostFilter, WalkInRecord};
use frontdesk_api::{
    WalkIn, WalkInDone, WalkInFlow, WalkInLocation, WalkInPlaces, WalkInVisitorType,
};
use frontdesk_core::walk_in::{walk_in_time, walk_in_validity};
use frontdesk_core::{flow, Directory};

/// A location of the building, or a 422 naming the field.
fn location_in(tx: &dyn Tx, building: &Building, id: &Id<id::Location>) -> Result<Location> {
    tx.location(id)?
        .filter(|l| l.building_id == building.id)
        .ok_or_else(|| {
            DomainError::invalid(
                "location_not_in_building",
                "location_id is not a location in this building: choose one of the building's tenant locations.",
            )
            .into()
        })
}

/// One of the building's visitor types, or a 422.
fn building_type(
    tx: &dyn Tx,
    building: &Building,
    id: Option<&Id<VisitorType>>,
) -> Result<Option<VisitorType>> {
    let Some(id) = id else { return Ok(None) };
    let vt = tx
        .visitor_type(id)?
        .filter(|v| v.portal == Portal::building(building.id.clone()))
        .ok_or_else(|| {
            DomainError::invalid(
                "unknown_visitor_type",
                "visitor_type_id is not one of this building's visitor types.",
            )
        })?;
    Ok(Some(vt))
}

fn in_words(reasons: &[NotSyncedReason]) -> Vec<String> {
    reasons.iter().map(|r| r.message().to_owned()).collect()
}

/// What a walk-in to `location_id` as `visitor_type_id` is asked, and whether the visit would
/// reach the tenant: for the building's front desk and admins.
pub fn walk_in_flow(
    tx: &dyn Tx,
    by: By<'_>,
    building_id: &Id<id::Building>,
    location_id: &Id<id::Location>,
    visitor_type_id: Option<&Id<VisitorType>>,
) -> Result<WalkInFlow> {
    let building = worked_building(tx, by, building_id)?;
    let location = location_in(tx, &building, location_id)?;
    let ours = building_type(tx, &building, visitor_type_id)?;
    let blockers = reverse_sync_blockers_for(tx, &location)?;
    // The tenant's questions only when its copy will exist to keep the answers.
    let theirs = match (&location.settings.sync_visitor_type_id, blockers.is_empty()) {
        (Some(id), true) => tx.visitor_type(id)?,
        _ => None,
    };
    let f = flow::merge(ours.as_ref(), theirs.as_ref());
    Ok(WalkInFlow {
        building_name: building.name,
        location_name: location.name,
        timezone: building.timezone,
        questions: f.questions,
        photo_required: f.photo_required,
        ndas: f.ndas,
        syncs: blockers.is_empty(),
        sync_blockers: in_words(&blockers),
    })
}

/// The building's locations a walk-in may pick, and its visitor types.
pub fn walk_in_places(
    tx: &dyn Tx,
    by: By<'_>,
    building_id: &Id<id::Building>,
) -> Result<WalkInPlaces> {
    worked_building(tx, by, building_id)?;
    let mut locations = vec![];
    for l in tx.locations_in_building(building_id)? {
        let tenant = tx
            .tenant(&l.tenant_id)?
            .ok_or(DomainError::NotFound("tenant"))?;
        let dir = Directory::tenant(&tenant.id);
        let hosts = HostFilter {
            location_id: Some(l.id.clone()),
            active_only: true,
            ..HostFilter::default()
        };
        let host_directory = tx.count_hosts(&dir, &hosts)? > 0;
        // The lobby's search finds a tenant's hosts only while the tenant is linked.
        let lobby_searchable_hosts = host_directory
            && tx.tenant_link_active(building_id, &l.tenant_id)?
            && tx.count_hosts(
                &dir,
                &HostFilter {
                    lobby_searchable_only: true,
                    ..hosts
                },
            )? > 0;
        locations.push(WalkInLocation {
            id: l.id,
            tenant_name: tenant.name,
            location_name: l.name,
            host_directory,
            lobby_searchable_hosts,
        });
    }
    locations.sort_by(|a, b| {
        (&a.tenant_name, &a.location_name).cmp(&(&b.tenant_name, &b.location_name))
    });
    let visitor_types = tx
        .visitor_types(&Portal::building(building_id.clone()))?
        .into_iter()
        .map(|v| WalkInVisitorType {
            id: v.id,
            name: v.name,
            requires_photo: v.requires_photo,
            requires_nda: v.requires_nda,
        })
        .collect();
    Ok(WalkInPlaces {
        locations,
        visitor_types,
    })
}

/// A walk-in, in one transaction: the building's invite valid from the arrival to the end of the
/// building's day (no invitation sent), the tenant's copy when the pair can sync, the
/// submission applied as the visitor's page applies it, and the arrival on both (which tells
/// the host). The time of all of it is when the visitor arrived on the desk. An id seen before
/// answers the visit it made and writes nothing.
pub fn walk_in(
    tx: &mut dyn Tx,
    by: By<'_>,
    building_id: &Id<id::Building>,
    w: WalkIn,
) -> Result<WalkInDone> {
    let building = worked_building(tx, by, building_id)?;
    if let Some(before) = tx.walk_in(&w.id)? {
        if &before.building_id != building_id {
            return Err(DomainError::conflict(
                "walk_in_id_taken",
                "This walk-in id was already used at another building: the desk must make a new one.",
            )
            .into());
        }
        let invite = invite(tx, by, &before.invite_id)?;
        return Ok(WalkInDone {
            synced: invite.linked_invite_id.is_some(),
            invite,
            sync_blockers: before.sync_blockers,
            replayed: true,
        });
    }
    if uuid::Uuid::parse_str(&w.id).is_err() {
        return Err(DomainError::invalid(
            "invalid_walk_in_id",
            "id must be a UUID made on the desk (UUIDv7): it is the walk-in's idempotency key.",
        )
        .into());
    }
    let now = by.now;
    let at = walk_in_time(w.arrived_at, now)?;
    let by = By {
        actor: by.actor,
        now: at,
    };
    let location = location_in(tx, &building, &w.location_id)?;
    let host_id = match w.host_id {
        Some(id) => Some(id),
        None => host_by_name(tx, building_id, &location.id, &w.host_name)?,
    };
    let (valid_from, valid_to) = walk_in_validity(at, &building.timezone);
    let made = create_pair(
        tx,
        by,
        &Portal::building(building.id.clone()),
        NewInvite {
            location_id: Some(location.id.clone()),
            host_name: w.host_name,
            host_id,
            visitor: VisitorInput {
                name: w.submission.visitor.name.clone(),
                email: w.submission.visitor.email.clone(),
                mobile: w.submission.visitor.mobile.clone(),
                company: None,
            },
            visitor_type_id: w.visitor_type_id,
            valid_from,
            valid_to,
            notify: false,
        },
        // The reasons a visit did not sync are in the event already, by their codes.
        json!({ "via": "walk_in", "walk_in_id": w.id }),
    )?;
    let blockers = in_words(&made.not_synced);
    let sides = Sides {
        primary: made.primary,
        other: made.copy,
    };
    let flow = registration::flow_of(tx, &sides)?;
    let (a, _) = registration::apply_submission(tx, by, sides, &flow, w.submission, "walk_in")?;
    let invite = transition(tx, by, &a.id, VisitAction::Arrive, None)?;
    tx.record_walk_in(
        &WalkInRecord {
            id: w.id,
            building_id: building.id,
            invite_id: invite.id.clone(),
            sync_blockers: blockers.clone(),
        },
        &by.actor.user_id,
        now,
    )?;
    Ok(WalkInDone {
        synced: invite.linked_invite_id.is_some(),
        invite,
        sync_blockers: blockers,
        replayed: false,
    })
}

/// The host a walk-in typed by name (a kiosk offline cannot search the directory): the one
/// person working at that location whom the lobby may find and whose whole name it is, folded as search folds
/// it ("zoe okubo" is Zoë Ōkubo). Two namesakes, or none: the name stays text and reception
/// finds the host, as for a visit with no directory.
fn host_by_name(
    tx: &dyn Tx,
    building_id: &Id<id::Building>,
    location_id: &Id<id::Location>,
    typed: &str,
) -> Result<Option<Id<frontdesk_core::Host>>> {
    let want = frontdesk_core::host::fold(typed.trim());
    if want.chars().count() < 2 {
        return Ok(None);
    }
    let found: Vec<_> = tx
        .lobby_hosts(building_id, &want, 10)?
        .into_iter()
        .filter(|h| frontdesk_core::host::fold(&h.host.name) == want)
        .filter(|h| h.host.location_ids.contains(location_id))
        .collect();
    Ok(match found.as_slice() {
        [one] => Some(one.host.id.clone()),
        _ => None,
    })
}
