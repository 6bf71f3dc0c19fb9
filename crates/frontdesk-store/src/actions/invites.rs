//! Invites and their linked copies: creation by the sync rules, the visitor's details, validity,
//! the lifecycle, resend; and the pair helpers every action on an invite uses.

use super::*;

/// Create an invite in `portal`, with its linked copy when the sync rules say so.
pub fn create_invite(
    tx: &mut dyn Tx,
    by: By<'_>,
    portal: &Portal,
    req: NewInvite,
) -> Result<Created> {
    let made = create_pair(tx, by, portal, req, json!({}))?;
    Ok(Created {
        sync: SyncOutcome::new(made.copy.as_ref().map(|i| i.id.clone()), &made.not_synced),
        invite: InviteView::load(tx, made.primary, by.now)?,
        notification: made.notification,
    })
}

/// What creating an invite made.
pub(crate) struct Made {
    pub primary: Invite,
    pub copy: Option<Invite>,
    /// Why there is no copy (empty when there is one).
    pub not_synced: Vec<NotSyncedReason>,
    pub notification: Option<Notification>,
}

/// Why a building's invite to `location` would not get its copy at the tenant's location: every
/// failed precondition of Reverse Building Sync (none when it would).
pub(crate) fn reverse_sync_blockers_for(
    tx: &dyn Tx,
    location: &Location,
) -> Result<Vec<NotSyncedReason>> {
    let linked = tx.tenant_link_active(&location.building_id, &location.tenant_id)?;
    let mapped = match &location.settings.sync_visitor_type_id {
        Some(vt) => tx
            .visitor_type(vt)?
            .is_some_and(|v| v.portal == Portal::location(location.id.clone())),
        None => false,
    };
    Ok(reverse_sync_blockers(linked, &location.settings, mapped))
}

/// A short code no visit has yet (the codes are random: a clash is retried).
fn unused_short_code(tx: &dyn Tx) -> Result<String> {
    for _ in 0..32 {
        let code = crate::new_short_code();
        if !tx.short_code_taken(&code)? {
            return Ok(code);
        }
    }
    Err(crate::StoreError::Backend(
        "no unused short code after 32 tries".into(),
    ))
}

/// The creation itself: the invite, its copy, the activity (with `detail` added to the
/// event), the invitation when asked, the feed and the webhooks.
pub(crate) fn create_pair(
    tx: &mut dyn Tx,
    by: By<'_>,
    portal: &Portal,
    req: NewInvite,
    detail: serde_json::Value,
) -> Result<Made> {
    let scope = portal_scope(tx, by, portal)?;
    let location_id = match (&scope, req.location_id) {
        (PortalScope::Location { id, .. }, None) => id.clone(),
        (PortalScope::Location { id, .. }, Some(l)) if &l == id => l,
        (PortalScope::Location { .. }, Some(_)) => {
            return Err(DomainError::invalid(
                "invalid_location",
                "location_id must be this location (or left out).",
            )
            .into())
        }
        (PortalScope::Building { .. }, Some(l)) => l,
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
    let host = match &req.host_id {
        Some(h) => Some(host_for_invite(tx, &location, h)?),
        None => None,
    };
    let host_name = match (&host, req.host_name.trim()) {
        (Some(h), "") => h.name.clone(),
        (None, "") => return Err(DomainError::invalid(
            "missing_field",
            "host_name is required: type the host's name, or choose a host_id from the directory.",
        )
        .into()),
        _ => validate::required_text("host_name", &req.host_name, 200)?,
    };
    let (valid_from, valid_to) = (
        to_stored_precision(req.valid_from),
        to_stored_precision(req.valid_to),
    );
    validate::validity(by.now, valid_from, valid_to)?;
    if let Some(vt) = &req.visitor_type_id {
        if !tx.visitor_type(vt)?.is_some_and(|v| &v.portal == portal) {
            return Err(DomainError::invalid(
                "unknown_visitor_type",
                "visitor_type_id is not one of this portal's visitor types.",
            )
            .into());
        }
    }
    // Decide the copy before writing anything.
    let (origin, copy_portal, copy_type, reasons) = match scope {
        PortalScope::Building { .. } => {
            let reasons = reverse_sync_blockers_for(tx, &location)?;
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
            let linked = tx.tenant_link_active(&location.building_id, &location.tenant_id)?;
            let copy = forward_sync_applies(linked)
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
    let primary_id: Id<Invite> = new_id();
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
        profile_id: profile.id,
        host_name,
        host_id: host.map(|h| h.id),
        visitor_type_id: req.visitor_type_id,
        valid_from,
        valid_to,
        checked_in_at: None,
        arrived_at: None,
        checked_out_at: None,
        cancelled_at: None,
        cancel_reason: None,
        created_at: by.now,
        created_by: by.actor.user_id.clone(),
        short_code: unused_short_code(tx)?,
        attention: None,
    };
    let copy = copy_portal
        .zip(copy_id)
        .zip(copy_profile)
        .map(|((p, id), profile)| Invite {
            id,
            portal: p,
            primary: false,
            linked_invite_id: Some(primary_id.clone()),
            visitor_type_id: copy_type,
            profile_id: profile.id,
            ..primary.clone()
        });
    tx.insert_invite(&primary)?;
    if let Some(c) = &copy {
        tx.insert_invite(c)?;
    }
    let sync = SyncOutcome::new(copy.as_ref().map(|i| i.id.clone()), &reasons);
    let mut event = json!({"sync": sync.status, "reasons": reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>()});
    if let (Some(event), serde_json::Value::Object(more)) = (event.as_object_mut(), detail) {
        event.extend(more);
    }
    record(
        tx,
        by,
        portal,
        &primary,
        copy.as_ref(),
        "invite_created",
        event,
    )?;
    let notification = if req.notify {
        queue_invitation(tx, by.now, &primary, &location)?
    } else {
        None
    };
    publish(tx, by.now, &primary, copy.as_ref())?;
    let sides: Vec<&Invite> = std::iter::once(&primary).chain(copy.as_ref()).collect();
    emit(tx, by.now, WebhookEvent::InviteCreated, &sides)?;
    Ok(Made {
        primary,
        copy,
        not_synced: reasons,
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
            id: Id::new(i.portal.id.clone()),
        },
        PortalKind::Location => PortalScope::Location {
            id: Id::new(i.portal.id.clone()),
            tenant_id: i.tenant_id.clone(),
            building_id: i.building_id.clone(),
        },
    }
}

/// The invite (if the actor works its portal) and its linked copy.
pub(crate) fn load_pair(
    tx: &dyn Tx,
    by: By<'_>,
    id: &Id<Invite>,
) -> Result<(Invite, Option<Invite>)> {
    let a = tx.invite(id)?.ok_or(DomainError::NotFound("invite"))?;
    require(by.actor.works_portal(&scope_of(&a)), false, "invite")?;
    let b = match &a.linked_invite_id {
        Some(l) => Some(tx.invite(l)?.ok_or_else(|| {
            crate::StoreError::Backend(format!("linked invite {l} missing").into())
        })?),
        None => None,
    };
    Ok((a, b))
}

pub fn invite(tx: &dyn Tx, by: By<'_>, id: &Id<Invite>) -> Result<InviteView> {
    let (a, _) = load_pair(tx, by, id)?;
    InviteView::load(tx, a, by.now)
}

pub fn activity(tx: &dyn Tx, by: By<'_>, id: &Id<Invite>) -> Result<Vec<Event>> {
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

pub(crate) fn record(
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

pub(crate) fn publish(
    tx: &mut dyn Tx,
    now: Timestamp,
    a: &Invite,
    b: Option<&Invite>,
) -> Result<()> {
    for i in std::iter::once(a).chain(b) {
        let view = InviteView::load(tx, i.clone(), now)?;
        tx.append_change(
            &i.portal,
            "invite",
            i.id.as_str(),
            &serde_json::to_value(view)?,
            now,
        )?;
    }
    Ok(())
}

pub fn update_visitor(
    tx: &mut dyn Tx,
    by: By<'_>,
    id: &Id<Invite>,
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
            .ok_or_else(|| crate::StoreError::Backend(format!("profile {id} missing").into()))?;
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
    id: &Id<Invite>,
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

/// Check-in, arrival, check-out or cancel: applied to the invite and mirrored onto its linked
/// copy with the same timestamp. A cancelled or finished visit also ends its cards.
pub fn transition(
    tx: &mut dyn Tx,
    by: By<'_>,
    id: &Id<Invite>,
    t: VisitAction,
    reason: Option<String>,
) -> Result<InviteView> {
    let (mut a, mut b) = load_pair(tx, by, id)?;
    let reason = validate::optional_text("reason", reason.as_deref(), 500)?;
    match t {
        VisitAction::CheckIn => a.check_in(by.now)?,
        VisitAction::Arrive => a.arrive(by.now)?,
        VisitAction::CheckOut => a.check_out(by.now)?,
        VisitAction::Cancel => a.cancel(by.now, reason.clone())?,
    }
    if let Some(b) = b.as_mut() {
        a.mirror_lifecycle_onto(b);
    }
    if matches!(t, VisitAction::CheckOut | VisitAction::Cancel) {
        for i in std::iter::once(&a).chain(b.as_ref()) {
            if let Some(mut card) = tx.active_card(&i.id)? {
                card.status = CardStatus::Expired;
                card.ended_at = Some(by.now);
                tx.update_card(&card)?;
            }
        }
    }
    let detail = match &reason {
        Some(r) if t == VisitAction::Cancel => json!({ "reason": r }),
        _ => json!({}),
    };
    tell_host(tx, by.now, &a, b.as_ref(), t)?;
    save_pair(tx, by, &a, b.as_ref(), t.event(), detail)?;
    let sides: Vec<&Invite> = std::iter::once(&a).chain(b.as_ref()).collect();
    emit(tx, by.now, event_of(t), &sides)?;
    InviteView::load(tx, a, by.now)
}

/// Raise a desk alert on both invites of the visit (`Some`), or clear it (`None`): the
/// receptionist's console shows it from the change feed.
pub fn desk_alert(
    tx: &mut dyn Tx,
    by: By<'_>,
    id: &Id<Invite>,
    message: Option<&str>,
) -> Result<InviteView> {
    let (mut a, mut b) = load_pair(tx, by, id)?;
    let (action, detail) = match message {
        Some(m) => {
            a.raise_attention(m)?;
            ("desk_alert", json!({ "message": a.attention }))
        }
        None => {
            a.attention = None;
            ("desk_alert_cleared", json!({}))
        }
    };
    if let Some(b) = b.as_mut() {
        b.attention = a.attention.clone();
    }
    save_pair(tx, by, &a, b.as_ref(), action, detail)?;
    InviteView::load(tx, a, by.now)
}

/// Resend the invitation: one message, always from the primary invite, whichever side asks.
pub fn resend(tx: &mut dyn Tx, by: By<'_>, id: &Id<Invite>) -> Result<Notification> {
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
    let b = tx
        .building(&primary.building_id)?
        .ok_or(DomainError::NotFound("building"))?;
    let lang = messages::Language::parse(&b.language).unwrap_or(messages::Language::En);
    // In the building's zone, named as people know it: a 09:00 visit in New York says 09:00.
    let when = messages::span(lang, &b.timezone, primary.valid_from, primary.valid_to);
    let args = [
        ("visitor", primary.visitor.name.as_str()),
        ("host", primary.host_name.as_str()),
        ("location", location.name.as_str()),
        ("building", b.name.as_str()),
        ("when", when.as_str()),
        ("link", LINK_PLACEHOLDER),
        ("code", primary.short_code.as_str()),
    ];
    let subject = messages::text(lang, "invitation.subject", &args);
    let body = if channel == "sms" {
        messages::text(
            lang,
            "invitation.sms",
            &[
                ("subject", &subject),
                ("link", LINK_PLACEHOLDER),
                ("code", &primary.short_code),
            ],
        )
    } else {
        messages::text(lang, "invitation.body", &args)
    };
    let token = new_secret();
    // The new message carries the only live link: older unsent ones would carry a dead one.
    tx.supersede_unsent(&primary.id)?;
    tx.revoke_registrations(&primary.id, now)?;
    tx.insert_registration(&secret_hash(&token), &primary.id, now)?;
    let n = Notification {
        id: new_id(),
        invite_id: primary.id.clone(),
        portal: primary.portal.clone(),
        kind: MessageKind::Invitation,
        host_id: None,
        endpoint_id: None,
        channel: channel.into(),
        recipient,
        subject,
        body,
        // The delivery worker takes it from here (or holds it when no transport is set up).
        state: NotificationState::Queued,
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
