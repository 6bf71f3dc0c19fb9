//! Physical access cards: assign (with the card sync rules), remove.

use super::*;

pub fn assign_card(
    tx: &mut dyn Tx,
    by: By<'_>,
    id: &Id<Invite>,
    req: CardRequest,
) -> Result<InviteView> {
    let number = validate::card_field("number", &req.number)?;
    let format = validate::card_field("format", &req.format)?;
    let (a, b) = load_pair(tx, by, id)?;
    let pair_ids: Vec<&Id<Invite>> = std::iter::once(&a.id)
        .chain(b.as_ref().map(|b| &b.id))
        .collect();
    let held_elsewhere = tx
        .active_card_holders(&a.building_id, &number, &format)?
        .iter()
        .any(|holder| !pair_ids.contains(&holder));
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
    // Each side that now holds the card, with the card as that side sees it.
    emit(tx, by.now, WebhookEvent::CardAssigned, &on)?;
    InviteView::load(tx, a, by.now)
}

pub fn remove_card(tx: &mut dyn Tx, by: By<'_>, id: &Id<Invite>) -> Result<InviteView> {
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
