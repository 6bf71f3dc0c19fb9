//! The visitor's side of pre-registration: open the combined flow with the link's secret, and
//! submit it once. The secret is the only key; it opens this one visit and nothing else.
//!
//! A submission is applied by [`apply_submission`], the one way for the visitor's page and the
//! kiosk's walk-in alike; what a visitor still owes on arrival ([`arrival_needs`]) is saved by
//! the same [`save_given`].

use frontdesk_core::flow::{self, check_submission, Flow, GivenAnswer};
use frontdesk_core::{
    id, validate, Actor, DomainError, Id, Invite, InviteStatus, PortalKind, Role, Timestamp,
    Visitor, VisitorType,
};
use serde_json::json;

use crate::actions::{self, By};
use crate::{secret_hash, NdaAcceptance, Result, Tx};
pub use frontdesk_api::{
    ArrivalNeeds, FlowAnswers, RegistrationRecord, RegistrationView, Submission, Submitted,
    SubmittedVisitor, VisitorFields,
};

/// The building side and the location side of a visit (either may be missing).
pub(crate) struct Sides {
    pub primary: Invite,
    pub other: Option<Invite>,
}

impl Sides {
    /// The pair with its primary first, whichever invite was asked for.
    pub(crate) fn of_pair(a: Invite, b: Option<Invite>) -> Self {
        match b {
            Some(b) if b.primary && !a.primary => Self {
                primary: b,
                other: Some(a),
            },
            other => Self { primary: a, other },
        }
    }

    fn side(&self, kind: PortalKind) -> Option<&Invite> {
        self.iter().find(|i| i.portal.kind == kind)
    }

    fn iter(&self) -> impl Iterator<Item = &Invite> {
        std::iter::once(&self.primary).chain(self.other.as_ref())
    }
}

/// The combined flow of a visit: what each side's visitor type asks, the building's first.
pub(crate) fn flow_of(tx: &dyn Tx, sides: &Sides) -> Result<Flow> {
    let vt = |kind| -> Result<_> {
        match sides.side(kind).and_then(|i| i.visitor_type_id.as_ref()) {
            Some(id) => tx.visitor_type(id),
            None => Ok(None),
        }
    };
    Ok(flow::merge(
        vt(PortalKind::Building)?.as_ref(),
        vt(PortalKind::Location)?.as_ref(),
    ))
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
    let flow = flow_of(tx, &sides)?;
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
    let visitor_actor = Actor {
        user_id: Id::new(format!("visitor:{}", sides.primary.id)),
        email: sub
            .visitor
            .email
            .clone()
            .unwrap_or_else(|| sub.visitor.name.clone()),
        role: Role::FrontDesk,
        building_id: None,
        tenant_id: None,
        location_id: None,
    };
    let by = By {
        actor: &visitor_actor,
        now,
    };
    let (a, _) = apply_submission(tx, by, sides, &flow, sub, "registration")?;
    tx.use_registration(&secret_hash(token.trim()), now)?;
    Ok(Submitted {
        invite_id: a.id,
        status: a.status,
        checked_in_at: a.checked_in_at,
    })
}

/// Apply a visitor's submission to a visit, as the visitor's page and the kiosk's walk-in both
/// do: the details checked and written to both sides, the answers, the agreements and the photo
/// checked against `flow` and saved ([`save_given`]), both invites checked in at `by.now`.
/// `via` says where it came from in the activity log. Returns the pair, primary first.
pub(crate) fn apply_submission(
    tx: &mut dyn Tx,
    by: By<'_>,
    sides: Sides,
    flow: &Flow,
    sub: Submission,
    via: &str,
) -> Result<(Invite, Option<Invite>)> {
    let visitor = validate::visitor(
        &sub.visitor.name,
        sub.visitor.email.as_deref(),
        sub.visitor.mobile.as_deref(),
        sides.primary.visitor.company.as_deref(),
    )?;
    let (given, signature, photo) = check_given(flow, &sub.given)?;
    let (mut a, mut b) = (sides.primary, sides.other);
    update_details(tx, &mut a, b.as_mut(), &visitor, by.now)?;
    a.check_in(by.now)?;
    if let Some(b) = b.as_mut() {
        a.mirror_lifecycle_onto(b);
    }
    save_given(
        tx,
        &a,
        b.as_ref(),
        flow,
        &given,
        signature.as_deref(),
        photo.as_ref(),
        by.now,
    )?;
    actions::save_pair(
        tx,
        by,
        &a,
        b.as_ref(),
        "checked_in",
        json!({"via": via, "photo": photo.is_some(), "ndas": flow.ndas.len()}),
    )?;
    let both: Vec<&Invite> = std::iter::once(&a).chain(b.as_ref()).collect();
    actions::emit_checked_in(tx, by.now, &both)?;
    Ok((a, b))
}

/// A photo as the page sends it, decoded.
type Photo = (&'static str, Vec<u8>);

/// What a visitor gave, checked against `flow`: the answers, the signature when the flow has
/// agreements, the photo (a data URL; none when left out or empty).
fn check_given(
    flow: &Flow,
    g: &FlowAnswers,
) -> Result<(Vec<GivenAnswer>, Option<String>, Option<Photo>)> {
    let photo = match g.photo.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => Some(flow::decode_photo(p)?),
        None => None,
    };
    let (given, signature) = check_submission(
        flow,
        &g.answers,
        &g.accepted_ndas,
        g.signature.as_deref(),
        photo.is_some(),
    )?;
    Ok((given, signature, photo))
}

/// Save what a visitor gave, already checked against `flow`: each answer and each side's
/// agreement (its text, the text's hash and the signature) with the side that asked, the photo
/// once under the primary invite `a`.
#[allow(clippy::too_many_arguments)]
fn save_given(
    tx: &mut dyn Tx,
    a: &Invite,
    b: Option<&Invite>,
    flow: &Flow,
    given: &[GivenAnswer],
    signature: Option<&str>,
    photo: Option<&Photo>,
    now: Timestamp,
) -> Result<()> {
    for side in std::iter::once(a).chain(b) {
        for ans in given.iter().filter(|g| g.portal == side.portal.kind) {
            tx.save_answer(&side.id, ans, now)?;
        }
        if let (Some(nda), Some(sig)) = (
            flow.ndas.iter().find(|n| n.portal == side.portal.kind),
            signature,
        ) {
            tx.save_nda(
                &side.id,
                &NdaAcceptance {
                    text: nda.text.clone(),
                    text_sha256: hex_sha256(&nda.text),
                    signature: sig.to_owned(),
                    accepted_at: now,
                },
            )?;
        }
    }
    if let Some((ct, bytes)) = photo {
        tx.save_photo(&a.id, ct, bytes, now)?;
    }
    Ok(())
}

/// What of the visit's flow is still owed: required questions without an answer on their side,
/// agreements not accepted on their side or accepted in another text, the photo.
fn owed(tx: &dyn Tx, sides: &Sides, flow: &Flow) -> Result<Flow> {
    let mut answered = Vec::new();
    let mut accepted = Vec::new();
    for side in sides.iter() {
        for a in tx.answers(&side.id)? {
            answered.push((side.portal.kind, a.key));
        }
        if let Some(nda) = tx.nda(&side.id)? {
            accepted.push((side.portal.kind, nda.text_sha256));
        }
    }
    let has_photo = tx.photo(&sides.primary.id)?.is_some();
    Ok(flow::outstanding(
        flow,
        |q| answered.contains(&(q.portal, q.question.key.clone())),
        |n| accepted.contains(&(n.portal, hex_sha256(&n.text))),
        has_photo,
    ))
}

fn needs(owed: Flow) -> ArrivalNeeds {
    ArrivalNeeds {
        photo: owed.photo_required,
        ndas: owed.ndas,
        questions: owed.questions,
    }
}

/// The visit (if the actor works either side of it), primary first, and its flow.
fn visit(tx: &dyn Tx, by: By<'_>, invite_id: &Id<Invite>) -> Result<(Sides, Flow)> {
    let (a, b) = actions::load_pair(tx, by, invite_id)?;
    let sides = Sides::of_pair(a, b);
    let flow = flow_of(tx, &sides)?;
    Ok((sides, flow))
}

/// What a visitor who registered before coming still owes at the desk.
pub fn arrival_needs(tx: &dyn Tx, by: By<'_>, invite_id: &Id<Invite>) -> Result<ArrivalNeeds> {
    let (sides, flow) = visit(tx, by, invite_id)?;
    Ok(needs(owed(tx, &sides, &flow)?))
}

/// Save what the visitor owed, checked like a submission of only the owed parts, on both sides;
/// answers what is still owed (nothing, once all is given). The arrival itself is the desk's.
pub fn give_arrival_needs(
    tx: &mut dyn Tx,
    by: By<'_>,
    invite_id: &Id<Invite>,
    give: FlowAnswers,
) -> Result<ArrivalNeeds> {
    let (sides, flow) = visit(tx, by, invite_id)?;
    sides
        .primary
        .ensure_open(by.now, "take what the visitor still owes")?;
    let owed_now = owed(tx, &sides, &flow)?;
    let gives_something = !give.answers.is_empty()
        || !give.accepted_ndas.is_empty()
        || give.photo.as_deref().is_some_and(|p| !p.is_empty());
    if owed_now.is_empty() && gives_something {
        // Given meanwhile (at another desk, or this request sent twice).
        return Err(DomainError::conflict(
            "nothing_owed",
            "The visitor owes nothing more for this visit: it was all given already.",
        )
        .into());
    }
    let (given, signature, photo) = check_given(&owed_now, &give)?;
    if photo.is_some() && !owed_now.photo_required {
        return Err(DomainError::invalid(
            "photo_not_owed",
            "The visit already has its photo (or needs none): send the request without one.",
        )
        .into());
    }
    if owed_now.is_empty() {
        return Ok(needs(owed_now));
    }
    let (a, b) = (&sides.primary, sides.other.as_ref());
    save_given(
        tx,
        a,
        b,
        &owed_now,
        &given,
        signature.as_deref(),
        photo.as_ref(),
        by.now,
    )?;
    actions::record(
        tx,
        by,
        &a.portal,
        a,
        b,
        "arrival_needs_given",
        json!({
            "answers": given.iter().map(|g| g.key.as_str()).collect::<Vec<_>>(),
            "ndas": owed_now.ndas.iter().map(|n| n.key.as_str()).collect::<Vec<_>>(),
            "photo": photo.is_some(),
        }),
    )?;
    Ok(needs(owed(tx, &sides, &flow)?))
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
