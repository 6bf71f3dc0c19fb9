//! The visitor's side of pre-registration: open the combined flow with the link's secret, and
//! submit it once. The secret is the only key; it opens this one visit and nothing else.

use frontdesk_core::flow::{self, check_submission, Flow};
use frontdesk_core::{
    id, validate, Actor, DomainError, Id, Invite, InviteStatus, PortalKind, Role, Timestamp,
    Visitor, VisitorType,
};
use serde_json::json;

use crate::actions::{self, By};
use crate::{secret_hash, NdaAcceptance, Result, Tx};
pub use frontdesk_api::{
    RegistrationRecord, RegistrationView, Submission, Submitted, SubmittedVisitor, VisitorFields,
};

/// The building side and the location side of a visit (either may be missing).
struct Sides {
    primary: Invite,
    other: Option<Invite>,
}

impl Sides {
    fn side(&self, kind: PortalKind) -> Option<&Invite> {
        std::iter::once(&self.primary)
            .chain(self.other.as_ref())
            .find(|i| i.portal.kind == kind)
    }
}

fn resolve(tx: &dyn Tx, token: &str, now: Timestamp) -> Result<(Sides, Flow)> {
    let reg = tx
        .registration(&secret_hash(token.trim()))?
        .ok_or(DomainError::NotFound("registration link"))?;
    if reg.revoked_at.is_some() {
        return Err(DomainError::conflict(
            "link_replaced",
            "This registration link was replaced by a newer invitation. Use the link in the latest message you received.",
        )
        .into());
    }
    let primary = tx
        .invite(&reg.invite_id)?
        .ok_or(DomainError::NotFound("registration link"))?;
    let other = match &primary.linked_invite_id {
        Some(id) => tx.invite(id)?,
        None => None,
    };
    match primary.status_at(now) {
        InviteStatus::Cancelled => {
            return Err(DomainError::conflict(
                "invite_cancelled",
                "This visit has been cancelled, so the link no longer works. Contact your host if you still plan to come.",
            )
            .into())
        }
        InviteStatus::Expired | InviteStatus::CheckedOut => {
            return Err(DomainError::conflict(
                "invite_expired",
                "This visit is over, so the link no longer works. Ask your host for a new invitation.",
            )
            .into())
        }
        // A used link opens nothing more: whoever holds it (a forwarded email, a shared phone)
        // learns no name, email, mobile or host from it.
        InviteStatus::CheckedIn | InviteStatus::Arrived => {
            return Err(DomainError::conflict(
                "already_registered",
                "You have already registered for this visit. Nothing more to do: show your QR code at the front desk.",
            )
            .into())
        }
        InviteStatus::Invited => {}
    }
    let sides = Sides { primary, other };
    let vt = |kind| -> Result<_> {
        match sides.side(kind).and_then(|i| i.visitor_type_id.as_ref()) {
            Some(id) => tx.visitor_type(id),
            None => Ok(None),
        }
    };
    let flow = flow::merge(
        vt(PortalKind::Building)?.as_ref(),
        vt(PortalKind::Location)?.as_ref(),
    );
    Ok((sides, flow))
}

pub fn open(tx: &dyn Tx, token: &str, now: Timestamp) -> Result<RegistrationView> {
    let (sides, flow) = resolve(tx, token, now)?;
    let p = &sides.primary;
    let (building_name, timezone) = tx
        .building(&p.building_id)?
        .map(|b| (b.name, b.timezone))
        .unwrap_or_else(|| (String::new(), "UTC".into()));
    let location_name = tx
        .location(&p.location_id)?
        .map(|l| l.name)
        .unwrap_or_default();
    Ok(RegistrationView {
        invite_id: p.id.clone(),
        status: p.status_at(now),
        visitor: VisitorFields {
            name: p.visitor.name.clone(),
            email: p.visitor.email.clone(),
            mobile: p.visitor.mobile.clone(),
        },
        host_name: p.host_name.clone(),
        building_name,
        location_name,
        timezone,
        valid_from: p.valid_from,
        valid_to: p.valid_to,
        questions: flow.questions,
        photo_required: flow.photo_required,
        ndas: flow.ndas,
    })
}

/// One submission checks in both invites with the same timestamp, keeps each side's answers and
/// NDA with that side, and the photo once for the visit.
pub fn submit(tx: &mut dyn Tx, token: &str, now: Timestamp, sub: Submission) -> Result<Submitted> {
    let (sides, flow) = resolve(tx, token, now)?;
    let current = &sides.primary.visitor;
    let visitor = validate::visitor(
        &sub.visitor.name,
        sub.visitor.email.as_deref(),
        sub.visitor.mobile.as_deref(),
        current.company.as_deref(),
    )?;
    let photo = match sub.photo.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => Some(flow::decode_photo(p)?),
        None => None,
    };
    let (given, signature) = check_submission(
        &flow,
        &sub.answers,
        &sub.accepted_ndas,
        sub.signature.as_deref(),
        photo.is_some(),
    )?;

    let (mut a, mut b) = (sides.primary.clone(), sides.other.clone());
    let visitor_actor = Actor {
        user_id: Id::new(format!("visitor:{}", a.id)),
        email: visitor
            .email
            .clone()
            .unwrap_or_else(|| visitor.name.clone()),
        role: Role::FrontDesk,
        building_id: None,
        tenant_id: None,
        location_id: None,
    };
    let by = By {
        actor: &visitor_actor,
        now,
    };
    update_details(tx, &mut a, b.as_mut(), &visitor, now)?;
    a.check_in(now)?;
    if let Some(b) = b.as_mut() {
        a.mirror_lifecycle_onto(b);
    }
    for side in std::iter::once(&a).chain(b.as_ref()) {
        for ans in given.iter().filter(|g| g.portal == side.portal.kind) {
            tx.save_answer(&side.id, ans, now)?;
        }
        if let (Some(nda), Some(sig)) = (
            flow.ndas.iter().find(|n| n.portal == side.portal.kind),
            signature.as_ref(),
        ) {
            tx.save_nda(
                &side.id,
                &NdaAcceptance {
                    text: nda.text.clone(),
                    text_sha256: hex_sha256(&nda.text),
                    signature: sig.clone(),
                    accepted_at: now,
                },
            )?;
        }
    }
    if let Some((ct, bytes)) = &photo {
        tx.save_photo(&a.id, ct, bytes, now)?;
    }
    tx.use_registration(&secret_hash(token.trim()), now)?;
    actions::save_pair(
        tx,
        by,
        &a,
        b.as_ref(),
        "checked_in",
        json!({"via": "registration", "photo": photo.is_some(), "ndas": flow.ndas.len()}),
    )?;
    let sides: Vec<&Invite> = std::iter::once(&a).chain(b.as_ref()).collect();
    actions::emit_checked_in(tx, now, &sides)?;
    Ok(Submitted {
        invite_id: a.id,
        status: a.status,
        checked_in_at: a.checked_in_at,
    })
}

fn update_details(
    tx: &mut dyn Tx,
    a: &mut Invite,
    b: Option<&mut Invite>,
    v: &Visitor,
    now: Timestamp,
) -> Result<()> {
    actions::save_pair_profiles(tx, a, b.as_deref(), v, now)?;
    a.visitor = v.clone();
    if let Some(b) = b {
        b.visitor = v.clone();
    }
    Ok(())
}

fn hex_sha256(text: &str) -> String {
    secret_hash(text)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn record(tx: &dyn Tx, by: By<'_>, invite_id: &Id<Invite>) -> Result<RegistrationRecord> {
    let view = actions::invite(tx, by, invite_id)?;
    let photo_key = if view.primary {
        view.id
    } else {
        view.linked_invite_id.unwrap_or(view.id)
    };
    Ok(RegistrationRecord {
        answers: tx.answers(invite_id)?,
        nda: tx.nda(invite_id)?,
        has_photo: tx.photo(&photo_key)?.is_some(),
    })
}

/// The visit's photo, for those who work either side of it.
pub fn photo(tx: &dyn Tx, by: By<'_>, invite_id: &Id<Invite>) -> Result<(String, Vec<u8>)> {
    let view = actions::invite(tx, by, invite_id)?;
    let key = if view.primary {
        view.id
    } else {
        view.linked_invite_id.unwrap_or(view.id)
    };
    Ok(tx.photo(&key)?.ok_or(DomainError::NotFound("photo"))?)
}

/// The merged flow a synced invite to `location_id` would show, for admins setting it up.
pub fn preview(
    tx: &dyn Tx,
    by: By<'_>,
    location_id: &Id<id::Location>,
    building_visitor_type_id: Option<&Id<VisitorType>>,
) -> Result<Flow> {
    let location = tx
        .location(location_id)?
        .ok_or(DomainError::NotFound("location"))?;
    let may = by.actor.administers_building(&location.building_id)
        || by.actor.administers_tenant(&location.tenant_id);
    frontdesk_core::access::require(may, false, "location")?;
    let building_type = match building_visitor_type_id {
        Some(id) => Some(
            tx.visitor_type(id)?
                .filter(|v| {
                    v.portal == frontdesk_core::Portal::building(location.building_id.clone())
                })
                .ok_or_else(|| {
                    DomainError::invalid(
                        "unknown_visitor_type",
                        "building_visitor_type_id is not one of this building's visitor types.",
                    )
                })?,
        ),
        None => None,
    };
    let location_type = match &location.settings.sync_visitor_type_id {
        Some(id) => tx.visitor_type(id)?,
        None => None,
    };
    Ok(flow::merge(building_type.as_ref(), location_type.as_ref()))
}
