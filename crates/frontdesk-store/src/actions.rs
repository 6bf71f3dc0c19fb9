//! User actions, one transaction each: load through [`Tx`], decide with `frontdesk-core`, write
//! the rows, the activity events of both invites, the notification and the change-feed entries.
//! A refused action returns before anything is written, and the caller rolls back on any error.

use frontdesk_core::access::require;
use frontdesk_core::card::{follow_validity, plan_assignment};
use frontdesk_core::sync::{
    ensure_location_takes_invites, forward_sync_applies, reverse_sync_blockers, validate_settings,
};
use frontdesk_core::validate;
use frontdesk_core::visitor_type::{self, QuestionDraft};
use frontdesk_core::{
    to_stored_precision, Actor, Card, CardStatus, CardTargets, DomainError, Invite, InviteStatus,
    LocationSettings, NotSyncedReason, Origin, Portal, PortalKind, PortalScope, Role, Timestamp,
    Visitor, VisitorType,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::views::InviteView;
use crate::{
    new_id, new_secret, secret_hash, Building, Event, Location, MutationOutcome, Notification,
    Profile, Result, Tenant, Tx, UserRecord,
};

/// Who acts, and when. Every timestamp an action writes is `now`, so both invites of a pair
/// carry the same instant.
#[derive(Debug, Clone, Copy)]
pub struct By<'a> {
    pub actor: &'a Actor,
    pub now: Timestamp,
}

// ---------------------------------------------------------------------------------------------
// Identity

/// The actor behind a user record; a location's desk carries the location's tenant (never the
/// building: the lobby's invites are not the tenant reception's).
pub fn actor_for(tx: &dyn Tx, u: &UserRecord) -> Result<Actor> {
    let mut actor = Actor {
        user_id: u.id.clone(),
        email: u.email.clone(),
        role: u.role,
        building_id: u.building_id.clone(),
        tenant_id: u.tenant_id.clone(),
        location_id: u.location_id.clone(),
    };
    if let Some(loc) = u.location_id.as_deref() {
        if let Some(l) = tx.location(loc)? {
            actor.tenant_id = Some(l.tenant_id);
        }
    }
    Ok(actor)
}

#[derive(Debug, Clone, Deserialize)]
pub struct NewUser {
    pub email: String,
    pub password: String,
    pub role: Role,
    pub building_id: Option<String>,
    pub tenant_id: Option<String>,
    pub location_id: Option<String>,
}

/// Create a user inside the creator's own scope. `hash` turns the password into its stored hash.
pub fn create_user(
    tx: &mut dyn Tx,
    by: By<'_>,
    req: NewUser,
    hash: impl FnOnce(&str) -> Result<String>,
) -> Result<UserRecord> {
    let email = validate::email("email", Some(&req.email))?
        .ok_or_else(|| DomainError::invalid("missing_field", "email is required."))?;
    validate::password(&req.password)?;
    let (b, t, l) = (
        req.building_id.as_deref(),
        req.tenant_id.as_deref(),
        req.location_id.as_deref(),
    );
    let shape_ok = match req.role {
        Role::PlatformAdmin => b.is_none() && t.is_none() && l.is_none(),
        Role::BuildingAdmin => b.is_some() && t.is_none() && l.is_none(),
        Role::TenantAdmin => t.is_some() && b.is_none() && l.is_none(),
        Role::FrontDesk => b.is_some() != l.is_some() && t.is_none(),
    };
    if !shape_ok {
        return Err(DomainError::invalid(
            "invalid_scope",
            "Scope the user to match the role: building_admin takes building_id; tenant_admin takes tenant_id; front_desk takes either building_id or location_id; platform_admin takes none.",
        )
        .into());
    }
    if let Some(b) = b {
        tx.building(b)?.ok_or(DomainError::NotFound("building"))?;
    }
    if let Some(t) = t {
        tx.tenant(t)?.ok_or(DomainError::NotFound("tenant"))?;
    }
    let location_tenant = match l {
        Some(l) => Some(
            tx.location(l)?
                .ok_or(DomainError::NotFound("location"))?
                .tenant_id,
        ),
        None => None,
    };
    if !by
        .actor
        .may_create_user(req.role, b, t, location_tenant.as_deref())
    {
        return Err(DomainError::Forbidden.into());
    }
    if tx.user_by_email(&email)?.is_some() {
        return Err(
            DomainError::conflict("email_taken", "A user with this email already exists.").into(),
        );
    }
    let user = UserRecord {
        id: new_id(),
        email,
        password_hash: hash(&req.password)?,
        role: req.role,
        building_id: req.building_id,
        tenant_id: req.tenant_id,
        location_id: req.location_id,
        created_at: by.now,
        disabled_at: None,
    };
    tx.insert_user(&user)?;
    Ok(user)
}

// ---------------------------------------------------------------------------------------------
// Buildings, tenants, locations, links

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

pub fn create_building(tx: &mut dyn Tx, by: By<'_>, name: &str, tz: &str) -> Result<Building> {
    if !by.actor.is_platform_admin() {
        return Err(DomainError::Forbidden.into());
    }
    let b = Building {
        id: new_id(),
        name: validate::required_text("name", name, 200)?,
        timezone: timezone(tz)?,
        created_at: by.now,
    };
    tx.insert_building(&b)?;
    Ok(b)
}

pub fn building(tx: &dyn Tx, by: By<'_>, id: &str) -> Result<Building> {
    let scope = PortalScope::Building { id: id.into() };
    let b = tx.building(id)?.ok_or(DomainError::NotFound("building"))?;
    require(by.actor.works_portal(&scope), false, "building")?;
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
    tenant_id: &str,
    name: &str,
    building_id: &str,
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
        tenant_id: tenant_id.into(),
        building_id: building_id.into(),
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

pub fn locations_of_tenant(tx: &dyn Tx, by: By<'_>, tenant_id: &str) -> Result<Vec<Location>> {
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

fn location_scope(l: &Location) -> PortalScope {
    PortalScope::Location {
        id: l.id.clone(),
        tenant_id: l.tenant_id.clone(),
        building_id: l.building_id.clone(),
    }
}

/// A location the actor works at (its desk or its tenant's admin).
pub fn location(tx: &dyn Tx, by: By<'_>, id: &str) -> Result<Location> {
    let l = tx.location(id)?.ok_or(DomainError::NotFound("location"))?;
    require(
        by.actor.works_portal(&location_scope(&l)),
        false,
        "location",
    )?;
    Ok(l)
}

/// A tenant location in the building, as a building desk picks it when inviting a visitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DirectoryEntry {
    pub location_id: String,
    pub location_name: String,
    pub tenant_id: String,
    pub tenant_name: String,
    /// Linked to the building: only then can its invites sync.
    pub linked: bool,
}

/// The building's tenant locations, for those who work its portal. Names only: a tenant's
/// settings stay with the tenant.
pub fn directory(tx: &dyn Tx, by: By<'_>, building_id: &str) -> Result<Vec<DirectoryEntry>> {
    building(tx, by, building_id)?;
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

#[derive(Debug, Clone, Serialize)]
pub struct TenantLink {
    pub building_id: String,
    pub tenant_id: String,
    pub active: bool,
}

pub fn link_tenant(
    tx: &mut dyn Tx,
    by: By<'_>,
    building_id: &str,
    tenant_id: &str,
) -> Result<(TenantLink, bool)> {
    tx.building(building_id)?
        .ok_or(DomainError::NotFound("building"))?;
    require(
        by.actor.administers_building(building_id),
        by.actor.works_portal(&PortalScope::Building {
            id: building_id.into(),
        }),
        "building",
    )?;
    tx.tenant(tenant_id)?
        .ok_or(DomainError::NotFound("tenant"))?;
    let was = tx.tenant_link_active(building_id, tenant_id)?;
    if !was {
        tx.set_tenant_link(building_id, tenant_id, true, by.now)?;
    }
    Ok((
        TenantLink {
            building_id: building_id.into(),
            tenant_id: tenant_id.into(),
            active: true,
        },
        !was,
    ))
}

/// Unlinking stops new invites from syncing; pairs already linked stay linked, so no visit that
/// is under way loses its other half.
pub fn unlink_tenant(
    tx: &mut dyn Tx,
    by: By<'_>,
    building_id: &str,
    tenant_id: &str,
) -> Result<()> {
    tx.building(building_id)?
        .ok_or(DomainError::NotFound("building"))?;
    require(
        by.actor.administers_building(building_id),
        by.actor.works_portal(&PortalScope::Building {
            id: building_id.into(),
        }),
        "building",
    )?;
    if !tx.tenant_link_active(building_id, tenant_id)? {
        return Err(DomainError::NotFound("tenant link").into());
    }
    tx.set_tenant_link(building_id, tenant_id, false, by.now)?;
    Ok(())
}

pub fn tenant_links(tx: &dyn Tx, by: By<'_>, building_id: &str) -> Result<Vec<TenantLink>> {
    building(tx, by, building_id)?;
    Ok(tx
        .tenant_links(building_id)?
        .into_iter()
        .map(|(tenant_id, active)| TenantLink {
            building_id: building_id.into(),
            tenant_id,
            active,
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Portals, visitor types and settings

/// Resolve a portal and check the actor works there.
pub fn portal_scope(tx: &dyn Tx, by: By<'_>, portal: &Portal) -> Result<PortalScope> {
    let scope = match portal.kind {
        PortalKind::Building => {
            tx.building(&portal.id)?
                .ok_or(DomainError::NotFound("building"))?;
            PortalScope::Building {
                id: portal.id.clone(),
            }
        }
        PortalKind::Location => location_scope(
            &tx.location(&portal.id)?
                .ok_or(DomainError::NotFound("location"))?,
        ),
    };
    require(by.actor.works_portal(&scope), false, "portal")?;
    Ok(scope)
}

#[derive(Debug, Clone, Deserialize)]
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
        &vt.id,
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
fn settings_location(tx: &dyn Tx, by: By<'_>, id: &str) -> Result<Location> {
    let l = tx.location(id)?.ok_or(DomainError::NotFound("location"))?;
    let scope = location_scope(&l);
    require(
        by.actor.administers_portal(&scope),
        by.actor.works_portal(&scope),
        "location",
    )?;
    Ok(l)
}

pub fn settings(tx: &dyn Tx, by: By<'_>, location_id: &str) -> Result<LocationSettings> {
    Ok(settings_location(tx, by, location_id)?.settings)
}

pub fn save_settings(
    tx: &mut dyn Tx,
    by: By<'_>,
    location_id: &str,
    s: LocationSettings,
) -> Result<LocationSettings> {
    let mut l = settings_location(tx, by, location_id)?;
    let belongs = match s.sync_visitor_type_id.as_deref() {
        Some(vt) => tx
            .visitor_type(vt)?
            .is_some_and(|v| v.portal == Portal::location(location_id)),
        None => false,
    };
    validate_settings(&s, belongs)?;
    tx.save_location_settings(location_id, &s)?;
    l.settings = s;
    append_location_change(tx, &l, by.now)?;
    Ok(l.settings)
}

fn append_location_change(tx: &mut dyn Tx, l: &Location, now: Timestamp) -> Result<()> {
    tx.append_change(
        &Portal::location(l.id.clone()),
        "location",
        &l.id,
        &serde_json::to_value(l)?,
        now,
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Invites

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VisitorInput {
    pub name: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub company: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewInvite {
    /// Required for building invites (the tenant location being visited); a location's own
    /// invites are for that location.
    pub location_id: Option<String>,
    pub host_name: String,
    pub visitor: VisitorInput,
    pub visitor_type_id: Option<String>,
    pub valid_from: Timestamp,
    pub valid_to: Timestamp,
    #[serde(default = "yes")]
    pub notify: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncOutcome {
    /// `synced` or `not_synced`.
    pub status: &'static str,
    pub linked_invite_id: Option<String>,
    pub reasons: Vec<SyncReason>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncReason {
    pub code: &'static str,
    pub message: &'static str,
}

impl SyncOutcome {
    fn new(linked: Option<&Invite>, reasons: &[NotSyncedReason]) -> Self {
        Self {
            status: if linked.is_some() {
                "synced"
            } else {
                "not_synced"
            },
            linked_invite_id: linked.map(|i| i.id.clone()),
            reasons: reasons
                .iter()
                .map(|r| SyncReason {
                    code: r.as_str(),
                    message: r.message(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Created {
    pub invite: InviteView,
    pub sync: SyncOutcome,
    /// The one invitation message queued, if any.
    pub notification: Option<Notification>,
}

/// Create an invite in `portal`, with its linked copy when the sync rules say so.
pub fn create_invite(
    tx: &mut dyn Tx,
    by: By<'_>,
    portal: &Portal,
    req: NewInvite,
) -> Result<Created> {
    let scope = portal_scope(tx, by, portal)?;
    let location_id = match (&scope, req.location_id.as_deref()) {
        (PortalScope::Location { id, .. }, None) => id.clone(),
        (PortalScope::Location { id, .. }, Some(l)) if l == id => id.clone(),
        (PortalScope::Location { .. }, Some(_)) => {
            return Err(DomainError::invalid(
                "invalid_location",
                "location_id must be this location (or left out).",
            )
            .into())
        }
        (PortalScope::Building { .. }, Some(l)) => l.to_string(),
        (PortalScope::Building { .. }, None) => {
            return Err(DomainError::invalid(
                "missing_field",
                "location_id is required: choose the tenant location the visitor is coming to.",
            )
            .into())
        }
    };
    let location = tx.location(&location_id)?.ok_or_else(|| {
        DomainError::invalid("unknown_location", "location_id is not a known location.")
    })?;
    if let PortalScope::Building { id } = &scope {
        if &location.building_id != id {
            return Err(DomainError::invalid(
                "location_not_in_building",
                "That location is not in this building: choose one of the building's tenant locations.",
            )
            .into());
        }
    }
    let visitor = validate::visitor(
        &req.visitor.name,
        req.visitor.email.as_deref(),
        req.visitor.mobile.as_deref(),
        req.visitor.company.as_deref(),
    )?;
    let host_name = validate::required_text("host_name", &req.host_name, 200)?;
    let (valid_from, valid_to) = (
        to_stored_precision(req.valid_from),
        to_stored_precision(req.valid_to),
    );
    validate::validity(by.now, valid_from, valid_to)?;
    if let Some(vt) = req.visitor_type_id.as_deref() {
        if !tx.visitor_type(vt)?.is_some_and(|v| &v.portal == portal) {
            return Err(DomainError::invalid(
                "unknown_visitor_type",
                "visitor_type_id is not one of this portal's visitor types.",
            )
            .into());
        }
    }
    let linked_to_building = tx.tenant_link_active(&location.building_id, &location.tenant_id)?;

    // Decide the copy before writing anything.
    let (origin, copy_portal, copy_type, reasons) = match scope {
        PortalScope::Building { .. } => {
            let mapped = match location.settings.sync_visitor_type_id.as_deref() {
                Some(vt) => tx
                    .visitor_type(vt)?
                    .is_some_and(|v| v.portal == Portal::location(location.id.clone())),
                None => false,
            };
            let reasons = reverse_sync_blockers(linked_to_building, &location.settings, mapped);
            let copy = reasons
                .is_empty()
                .then(|| Portal::location(location.id.clone()));
            (
                Origin::Building,
                copy,
                location.settings.sync_visitor_type_id.clone(),
                reasons,
            )
        }
        PortalScope::Location { .. } => {
            ensure_location_takes_invites(&location.settings)?;
            let copy = forward_sync_applies(linked_to_building)
                .then(|| Portal::building(location.building_id.clone()));
            let reasons = if copy.is_some() {
                vec![]
            } else {
                vec![NotSyncedReason::TenantNotLinked]
            };
            // The building's copy has no visitor type of its own until the building maps one.
            (Origin::Tenant, copy, None, reasons)
        }
    };

    let profile = upsert_profile(tx, &profile_owner(portal, &location), &visitor, by.now)?;
    // The copy's person is its own organisation's record of them, never the primary side's:
    // another tenant invited the same person must not see, or edit, what this tenant keeps.
    let copy_profile = match &copy_portal {
        Some(p) => Some(upsert_profile(
            tx,
            &profile_owner(p, &location),
            &visitor,
            by.now,
        )?),
        None => None,
    };
    let primary_id = new_id();
    let copy_id = copy_portal.as_ref().map(|_| new_id());
    let primary = Invite {
        id: primary_id.clone(),
        portal: portal.clone(),
        building_id: location.building_id.clone(),
        location_id: location.id.clone(),
        tenant_id: location.tenant_id.clone(),
        origin,
        primary: true,
        linked_invite_id: copy_id.clone(),
        status: InviteStatus::Invited,
        visitor,
        profile_id: profile.id.clone(),
        host_name,
        visitor_type_id: req.visitor_type_id.clone(),
        valid_from,
        valid_to,
        checked_in_at: None,
        arrived_at: None,
        checked_out_at: None,
        cancelled_at: None,
        cancel_reason: None,
        created_at: by.now,
        created_by: by.actor.user_id.clone(),
    };
    let copy = copy_portal.zip(copy_id).map(|(p, id)| Invite {
        id,
        portal: p,
        primary: false,
        linked_invite_id: Some(primary_id.clone()),
        visitor_type_id: copy_type,
        profile_id: copy_profile.map(|p| p.id).unwrap_or_default(),
        ..primary.clone()
    });
    tx.insert_invite(&primary)?;
    if let Some(c) = &copy {
        tx.insert_invite(c)?;
    }
    let sync = SyncOutcome::new(copy.as_ref(), &reasons);
    record(
        tx,
        by,
        portal,
        &primary,
        copy.as_ref(),
        "invite_created",
        json!({"sync": sync.status, "reasons": reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>()}),
    )?;
    let notification = if req.notify {
        queue_invitation(tx, by.now, &primary, &location)?
    } else {
        None
    };
    publish(tx, by.now, &primary, copy.as_ref())?;
    Ok(Created {
        invite: InviteView::load(tx, primary, by.now)?,
        sync,
        notification,
    })
}

/// The organisation whose record of the person an invite in `portal` uses: the building's for
/// an invite in the Building Portal, the tenant's for one in a location's portal.
fn profile_owner(portal: &Portal, location: &Location) -> String {
    match portal.kind {
        PortalKind::Building => format!("building:{}", location.building_id),
        PortalKind::Location => format!("tenant:{}", location.tenant_id),
    }
}

fn upsert_profile(tx: &mut dyn Tx, owner: &str, v: &Visitor, now: Timestamp) -> Result<Profile> {
    let existing = match v.email.as_deref() {
        Some(email) => tx.profile_by_email(owner, email)?,
        None => None,
    };
    let p = Profile {
        id: existing.map(|p| p.id).unwrap_or_else(new_id),
        owner: owner.into(),
        name: v.name.clone(),
        email: v.email.clone(),
        mobile: v.mobile.clone(),
        company: v.company.clone(),
        updated_at: now,
    };
    tx.save_profile(&p)?;
    Ok(p)
}

fn scope_of(i: &Invite) -> PortalScope {
    match i.portal.kind {
        PortalKind::Building => PortalScope::Building {
            id: i.portal.id.clone(),
        },
        PortalKind::Location => PortalScope::Location {
            id: i.portal.id.clone(),
            tenant_id: i.tenant_id.clone(),
            building_id: i.building_id.clone(),
        },
    }
}

/// The invite (if the actor works its portal) and its linked copy.
fn load_pair(tx: &dyn Tx, by: By<'_>, id: &str) -> Result<(Invite, Option<Invite>)> {
    let a = tx.invite(id)?.ok_or(DomainError::NotFound("invite"))?;
    require(by.actor.works_portal(&scope_of(&a)), false, "invite")?;
    let b = match a.linked_invite_id.as_deref() {
        Some(l) => Some(
            tx.invite(l)?
                .ok_or_else(|| crate::StoreError::Backend(format!("linked invite {l} missing")))?,
        ),
        None => None,
    };
    Ok((a, b))
}

pub fn invite(tx: &dyn Tx, by: By<'_>, id: &str) -> Result<InviteView> {
    let (a, _) = load_pair(tx, by, id)?;
    InviteView::load(tx, a, by.now)
}

pub fn activity(tx: &dyn Tx, by: By<'_>, id: &str) -> Result<Vec<Event>> {
    let (a, _) = load_pair(tx, by, id)?;
    tx.events(&a.id)
}

/// Write both invites, one activity event on each, and their change-feed entries.
pub(crate) fn save_pair(
    tx: &mut dyn Tx,
    by: By<'_>,
    a: &Invite,
    b: Option<&Invite>,
    action: &str,
    detail: serde_json::Value,
) -> Result<()> {
    tx.update_invite(a)?;
    if let Some(b) = b {
        tx.update_invite(b)?;
    }
    record(tx, by, &a.portal, a, b, action, detail)?;
    publish(tx, by.now, a, b)
}

fn record(
    tx: &mut dyn Tx,
    by: By<'_>,
    done_in: &Portal,
    a: &Invite,
    b: Option<&Invite>,
    action: &str,
    detail: serde_json::Value,
) -> Result<()> {
    for i in std::iter::once(a).chain(b) {
        tx.insert_event(&Event {
            invite_id: i.id.clone(),
            at: by.now,
            actor_id: Some(by.actor.user_id.clone()),
            actor_email: Some(by.actor.email.clone()),
            action: action.into(),
            portal: done_in.clone(),
            detail: detail.clone(),
        })?;
    }
    Ok(())
}

fn publish(tx: &mut dyn Tx, now: Timestamp, a: &Invite, b: Option<&Invite>) -> Result<()> {
    for i in std::iter::once(a).chain(b) {
        let view = InviteView::load(tx, i.clone(), now)?;
        tx.append_change(
            &i.portal,
            "invite",
            &i.id,
            &serde_json::to_value(view)?,
            now,
        )?;
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum VisitorUpdateScope {
    Profile,
    InviteAndProfile,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VisitorPatch {
    pub scope: VisitorUpdateScope,
    pub name: Option<String>,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub company: Option<String>,
}

pub fn update_visitor(
    tx: &mut dyn Tx,
    by: By<'_>,
    id: &str,
    patch: VisitorPatch,
) -> Result<InviteView> {
    let (mut a, mut b) = load_pair(tx, by, id)?;
    if patch.name.is_none()
        && patch.email.is_none()
        && patch.mobile.is_none()
        && patch.company.is_none()
    {
        return Err(DomainError::invalid(
            "nothing_to_update",
            "Give at least one of name, email, mobile or company.",
        )
        .into());
    }
    let profile = tx
        .profile(&a.profile_id)?
        .ok_or_else(|| crate::StoreError::Backend("invite without profile".into()))?;
    let base = match patch.scope {
        VisitorUpdateScope::Profile => Visitor {
            name: profile.name.clone(),
            email: profile.email.clone(),
            mobile: profile.mobile.clone(),
            company: profile.company.clone(),
        },
        VisitorUpdateScope::InviteAndProfile => {
            a.ensure_open(by.now, "update the invite's visitor details")?;
            a.visitor.clone()
        }
    };
    // An empty string clears an optional field; an absent one keeps it.
    let pick = |new: &Option<String>, old: &Option<String>| match new {
        Some(v) => Some(v.clone()),
        None => old.clone(),
    };
    let v = validate::visitor(
        patch.name.as_deref().unwrap_or(&base.name),
        pick(&patch.email, &base.email).as_deref(),
        pick(&patch.mobile, &base.mobile).as_deref(),
        pick(&patch.company, &base.company).as_deref(),
    )?;
    save_pair_profiles(tx, &a, b.as_ref(), &v, by.now)?;
    let scope = match patch.scope {
        VisitorUpdateScope::Profile => "profile",
        VisitorUpdateScope::InviteAndProfile => {
            a.visitor = v.clone();
            if let Some(b) = b.as_mut() {
                b.visitor = v;
            }
            "invite_and_profile"
        }
    };
    save_pair(
        tx,
        by,
        &a,
        b.as_ref(),
        "visitor_updated",
        json!({ "scope": scope }),
    )?;
    InviteView::load(tx, a, by.now)
}

/// Write the person's details into the profile of each side of a pair: each side's own
/// organisation's record, so the change shows in both portals and nowhere else.
pub(crate) fn save_pair_profiles(
    tx: &mut dyn Tx,
    a: &Invite,
    b: Option<&Invite>,
    v: &Visitor,
    now: Timestamp,
) -> Result<()> {
    for id in std::iter::once(&a.profile_id).chain(b.map(|b| &b.profile_id)) {
        let mut p = tx
            .profile(id)?
            .ok_or_else(|| crate::StoreError::Backend(format!("profile {id} missing")))?;
        p.name = v.name.clone();
        p.email = v.email.clone();
        p.mobile = v.mobile.clone();
        p.company = v.company.clone();
        p.updated_at = now;
        tx.save_profile(&p)?;
    }
    Ok(())
}

pub fn change_validity(
    tx: &mut dyn Tx,
    by: By<'_>,
    id: &str,
    valid_from: Timestamp,
    valid_to: Timestamp,
) -> Result<InviteView> {
    let (valid_from, valid_to) = (
        to_stored_precision(valid_from),
        to_stored_precision(valid_to),
    );
    let (mut a, mut b) = load_pair(tx, by, id)?;
    a.change_validity(by.now, valid_from, valid_to)?;
    if let Some(b) = b.as_mut() {
        b.valid_from = valid_from;
        b.valid_to = valid_to;
    }
    for i in std::iter::once(&a).chain(b.as_ref()) {
        if let Some(mut card) = tx.active_card(&i.id)? {
            follow_validity(&mut card, i);
            tx.update_card(&card)?;
        }
    }
    save_pair(
        tx,
        by,
        &a,
        b.as_ref(),
        "validity_changed",
        json!({ "valid_from": valid_from, "valid_to": valid_to }),
    )?;
    InviteView::load(tx, a, by.now)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    CheckIn,
    Arrive,
    CheckOut,
    Cancel,
}

impl Transition {
    fn event(self) -> &'static str {
        match self {
            Self::CheckIn => "checked_in",
            Self::Arrive => "arrived",
            Self::CheckOut => "checked_out",
            Self::Cancel => "cancelled",
        }
    }
}

/// Check-in, arrival, check-out or cancel: applied to the invite and mirrored onto its linked
/// copy with the same timestamp. A cancelled or finished visit also ends its cards.
pub fn transition(
    tx: &mut dyn Tx,
    by: By<'_>,
    id: &str,
    t: Transition,
    reason: Option<String>,
) -> Result<InviteView> {
    let (mut a, mut b) = load_pair(tx, by, id)?;
    let reason = validate::optional_text("reason", reason.as_deref(), 500)?;
    match t {
        Transition::CheckIn => a.check_in(by.now)?,
        Transition::Arrive => a.arrive(by.now)?,
        Transition::CheckOut => a.check_out(by.now)?,
        Transition::Cancel => a.cancel(by.now, reason.clone())?,
    }
    if let Some(b) = b.as_mut() {
        a.mirror_lifecycle_onto(b);
    }
    if matches!(t, Transition::CheckOut | Transition::Cancel) {
        for i in std::iter::once(&a).chain(b.as_ref()) {
            if let Some(mut card) = tx.active_card(&i.id)? {
                card.status = CardStatus::Expired;
                card.ended_at = Some(by.now);
                tx.update_card(&card)?;
            }
        }
    }
    let detail = match &reason {
        Some(r) if t == Transition::Cancel => json!({ "reason": r }),
        _ => json!({}),
    };
    save_pair(tx, by, &a, b.as_ref(), t.event(), detail)?;
    InviteView::load(tx, a, by.now)
}

/// Resend the invitation: one message, always from the primary invite, whichever side asks.
pub fn resend(tx: &mut dyn Tx, by: By<'_>, id: &str) -> Result<Notification> {
    let (a, b) = load_pair(tx, by, id)?;
    let primary = if a.primary {
        &a
    } else {
        b.as_ref().filter(|b| b.primary).unwrap_or(&a)
    };
    if !primary.status_at(by.now).is_pending() {
        return Err(DomainError::conflict(
            "not_resendable",
            format!(
                "The invitation cannot be resent: the invite is {}.",
                primary.status_at(by.now).as_str().replace('_', " ")
            ),
        )
        .into());
    }
    let location = tx
        .location(&primary.location_id)?
        .ok_or(DomainError::NotFound("location"))?;
    let n = queue_invitation(tx, by.now, primary, &location)?.ok_or_else(|| {
        DomainError::conflict(
            "no_contact",
            "The visitor has no email address or mobile number. Add one with a visitor update first.",
        )
    })?;
    record(
        tx,
        by,
        &a.portal,
        &a,
        b.as_ref(),
        "invite_resent",
        json!({ "sent_from": primary.portal, "notification_id": n.id }),
    )?;
    Ok(n)
}

/// Queue the invitation message of `primary` (email when there is an address, else SMS) with a
/// new registration link; links sent earlier for this visit stop working.
fn queue_invitation(
    tx: &mut dyn Tx,
    now: Timestamp,
    primary: &Invite,
    location: &Location,
) -> Result<Option<Notification>> {
    let (channel, recipient) = match (&primary.visitor.email, &primary.visitor.mobile) {
        (Some(e), _) => ("email", e.clone()),
        (None, Some(m)) => ("sms", m.clone()),
        (None, None) => return Ok(None),
    };
    let building = tx
        .building(&primary.building_id)?
        .map(|b| b.name)
        .unwrap_or_default();
    let when = format!(
        "{} to {} (UTC)",
        primary.valid_from.format("%a %d %b %Y %H:%M"),
        primary.valid_to.format("%a %d %b %Y %H:%M")
    );
    let token = new_secret();
    // The new message carries the only live link: older unsent ones would carry a dead one.
    tx.supersede_unsent(&primary.id)?;
    tx.revoke_registrations(&primary.id, now)?;
    tx.insert_registration(&secret_hash(&token), &primary.id, now)?;
    let n = Notification {
        id: new_id(),
        invite_id: primary.id.clone(),
        portal: primary.portal.clone(),
        channel: channel.into(),
        recipient,
        subject: format!("Your visit to {} at {building}", location.name),
        body: format!(
            "Hello {},\n\n{} has invited you to {} at {building}, {when}.\n\nRegister before you come, on your phone: {LINK_PLACEHOLDER}\n",
            primary.visitor.name, primary.host_name, location.name
        ),
        // The delivery worker takes it from here (or holds it when no transport is set up).
        state: "queued".into(),
        created_at: now,
        sent_at: None,
        attempts: 0,
        last_error: None,
        next_attempt_at: Some(now),
        link_token: Some(token),
    };
    tx.insert_notification(&n)?;
    Ok(Some(n))
}

/// Where a message body says the registration link goes; the delivery worker fills it in.
pub const LINK_PLACEHOLDER: &str = "{registration_link}";

// ---------------------------------------------------------------------------------------------
// Cards

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CardRequest {
    pub number: String,
    pub format: String,
    #[serde(default)]
    pub local_only: bool,
}

pub fn assign_card(tx: &mut dyn Tx, by: By<'_>, id: &str, req: CardRequest) -> Result<InviteView> {
    let number = validate::card_field("number", &req.number)?;
    let format = validate::card_field("format", &req.format)?;
    let (a, b) = load_pair(tx, by, id)?;
    let pair_ids: Vec<&str> = std::iter::once(a.id.as_str())
        .chain(b.as_ref().map(|b| b.id.as_str()))
        .collect();
    let held_elsewhere = tx
        .active_card_holders(&a.building_id, &number, &format)?
        .iter()
        .any(|holder| !pair_ids.contains(&holder.as_str()));
    let card_sync = tx
        .location(&a.location_id)?
        .is_some_and(|l| l.settings.card_sync_enabled);
    let targets = plan_assignment(&a, by.now, card_sync, req.local_only, held_elsewhere)?;

    // The old card goes at once, on both sides when it was synced (no grace period).
    let old = tx.active_card(&a.id)?;
    let mut to_end: Vec<Card> = old.iter().cloned().collect();
    if let Some(b) = b.as_ref() {
        if old.as_ref().is_some_and(|c| c.synced) || targets == CardTargets::Both {
            to_end.extend(tx.active_card(&b.id)?);
        }
    }
    for mut c in to_end {
        c.status = CardStatus::Expired;
        c.ended_at = Some(by.now);
        tx.update_card(&c)?;
    }
    let on: Vec<&Invite> = match targets {
        CardTargets::Both => std::iter::once(&a).chain(b.as_ref()).collect(),
        CardTargets::ThisOnly => vec![&a],
    };
    for i in &on {
        tx.insert_card(&Card {
            id: new_id(),
            invite_id: i.id.clone(),
            building_id: i.building_id.clone(),
            number: number.clone(),
            format: format.clone(),
            status: CardStatus::Active,
            valid_from: i.valid_from,
            valid_to: i.valid_to,
            assigned_at: by.now,
            ended_at: None,
            synced: targets == CardTargets::Both,
        })?;
    }
    let action = if old.is_some() {
        "card_reassigned"
    } else {
        "card_assigned"
    };
    let detail =
        json!({"number": number, "format": format, "synced": targets == CardTargets::Both});
    let other = (targets == CardTargets::Both).then_some(()).and(b.as_ref());
    record(tx, by, &a.portal, &a, other, action, detail)?;
    publish(tx, by.now, &a, b.as_ref())?;
    InviteView::load(tx, a, by.now)
}

pub fn remove_card(tx: &mut dyn Tx, by: By<'_>, id: &str) -> Result<InviteView> {
    let (a, b) = load_pair(tx, by, id)?;
    let card = tx.active_card(&a.id)?.ok_or_else(|| {
        DomainError::conflict("no_card", "This invite has no active card to remove.")
    })?;
    let mut ended = vec![card.clone()];
    if card.synced {
        if let Some(b) = b.as_ref() {
            ended.extend(tx.active_card(&b.id)?);
        }
    }
    for mut c in ended {
        c.status = CardStatus::Removed;
        c.ended_at = Some(by.now);
        tx.update_card(&c)?;
    }
    let other = card.synced.then_some(()).and(b.as_ref());
    record(
        tx,
        by,
        &a.portal,
        &a,
        other,
        "card_removed",
        json!({"number": card.number, "format": card.format}),
    )?;
    publish(tx, by.now, &a, b.as_ref())?;
    InviteView::load(tx, a, by.now)
}

/// Create the platform admin named at start-up if no user has that email yet. Returns whether
/// one was created.
pub fn ensure_platform_admin(
    tx: &mut dyn Tx,
    email: &str,
    password: &str,
    now: Timestamp,
    hash: impl FnOnce(&str) -> Result<String>,
) -> Result<bool> {
    let email = validate::email("admin email", Some(email))?
        .ok_or_else(|| DomainError::invalid("missing_field", "The admin email is empty."))?;
    validate::password(password)?;
    if tx.user_by_email(&email)?.is_some() {
        return Ok(false);
    }
    tx.insert_user(&UserRecord {
        id: new_id(),
        email,
        password_hash: hash(password)?,
        role: Role::PlatformAdmin,
        building_id: None,
        tenant_id: None,
        location_id: None,
        created_at: now,
        disabled_at: None,
    })?;
    Ok(true)
}

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

pub fn badge_facts(tx: &dyn Tx, by: By<'_>, id: &str) -> Result<BadgeFacts> {
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
    let visitor_type = match a.visitor_type_id.as_deref() {
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
        lookup: primary_id,
    })
}

/// A badge was generated or printed: recorded in the activity of both invites of the pair.
pub fn record_badge(
    tx: &mut dyn Tx,
    by: By<'_>,
    id: &str,
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

/// A change made on a desk, possibly while offline, with the desk's own id and the time it
/// happened there.
#[derive(Debug, Clone, Deserialize)]
pub struct ClientMutation {
    pub id: String,
    pub invite_id: String,
    pub action: MutationAction,
    pub at: Timestamp,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MutationAction {
    CheckIn,
    Arrive,
    CheckOut,
    Cancel,
}

impl MutationAction {
    pub fn transition(self) -> Transition {
        match self {
            Self::CheckIn => Transition::CheckIn,
            Self::Arrive => Transition::Arrive,
            Self::CheckOut => Transition::CheckOut,
            Self::Cancel => Transition::Cancel,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CheckIn => "check_in",
            Self::Arrive => "arrive",
            Self::CheckOut => "check_out",
            Self::Cancel => "cancel",
        }
    }
}

/// How far a desk's clock may run ahead of the server's, and how old an offline change may be.
pub const CLOCK_SKEW_SECS: i64 = 120;
pub const OFFLINE_DAYS: i64 = 7;

/// The time an offline change is recorded at: when it happened on the desk, within bounds.
pub fn mutation_time(
    m: &ClientMutation,
    now: Timestamp,
) -> std::result::Result<Timestamp, DomainError> {
    let at = to_stored_precision(m.at);
    if at > now + chrono::Duration::seconds(CLOCK_SKEW_SECS) {
        return Err(DomainError::invalid(
            "invalid_time",
            "This change is dated in the future: check the desk's clock.",
        ));
    }
    if at < now - chrono::Duration::days(OFFLINE_DAYS) {
        return Err(DomainError::invalid(
            "invalid_time",
            format!("This change is older than {OFFLINE_DAYS} days and can no longer be applied."),
        ));
    }
    Ok(at)
}

/// The outcome a refused mutation is recorded with.
pub fn outcome_of(m: &ClientMutation, e: &DomainError) -> MutationOutcome {
    MutationOutcome {
        id: m.id.clone(),
        invite_id: m.invite_id.clone(),
        outcome: match e.kind() {
            frontdesk_core::error::ErrorKind::Conflict => "conflict",
            _ => "refused",
        }
        .into(),
        code: Some(e.code().into()),
        message: Some(e.to_string()),
    }
}
