//! Integrations' webhook endpoints (a tenant's, managed by its admins; a building's, by its
//! admins) and the events they receive, queued in the outbox in the transaction of the action.
//!
//! Scope: a tenant's endpoint hears only of invites on the tenant's side (its own invites, and
//! its copies of the building's invites that synced to it); a building's only of the Building
//! Portal's invites. Each gets the invite as its own side sees it.

use frontdesk_api::{WebhookEndpoint, WebhookOwnerKind};
use frontdesk_core::host::webhook_url;

use super::*;
use crate::{WebhookDelivery, WebhookRecord};

/// Whose endpoints: a tenant's or a building's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookOwner {
    pub kind: WebhookOwnerKind,
    pub id: String,
}

impl WebhookOwner {
    pub fn tenant(id: &Id<id::Tenant>) -> Self {
        Self {
            kind: WebhookOwnerKind::Tenant,
            id: id.as_str().to_owned(),
        }
    }

    pub fn building(id: &Id<id::Building>) -> Self {
        Self {
            kind: WebhookOwnerKind::Building,
            id: id.as_str().to_owned(),
        }
    }

    /// The side an invite is on: the building's for the Building Portal's copy, else its
    /// tenant's.
    fn of(i: &Invite) -> Self {
        match i.portal.kind {
            PortalKind::Building => Self::building(&i.building_id),
            PortalKind::Location => Self::tenant(&i.tenant_id),
        }
    }
}

/// Admins of the owner may manage its endpoints; anyone else working there is refused, anyone
/// else is told it does not exist.
fn require_admin(tx: &dyn Tx, actor: &Actor, owner: &WebhookOwner) -> Result<()> {
    let (admin, sees, known) = match owner.kind {
        WebhookOwnerKind::Tenant => {
            let id = Id::new(owner.id.clone());
            let sees = actor.tenant_id.as_ref() == Some(&id)
                || actor
                    .location_id
                    .as_ref()
                    .map(|l| tx.location(l))
                    .transpose()?
                    .flatten()
                    .is_some_and(|l| l.tenant_id == id);
            (
                actor.administers_tenant(&id),
                sees,
                tx.tenant(&id)?.is_some(),
            )
        }
        WebhookOwnerKind::Building => {
            let id = Id::new(owner.id.clone());
            let sees = actor.building_id.as_ref() == Some(&id);
            (
                actor.administers_building(&id),
                sees,
                tx.building(&id)?.is_some(),
            )
        }
    };
    if !known {
        return Err(DomainError::NotFound(match owner.kind {
            WebhookOwnerKind::Tenant => "tenant",
            WebhookOwnerKind::Building => "building",
        })
        .into());
    }
    Ok(require(admin, sees, "webhook")?)
}

/// Register an endpoint. The caller derives its signing secret from the returned salt (the
/// store never holds the key it is derived with).
pub fn create_webhook(
    tx: &mut dyn Tx,
    by: By<'_>,
    owner: &WebhookOwner,
    url: &str,
    events: &[String],
    description: Option<&str>,
) -> Result<WebhookRecord> {
    require_admin(tx, by.actor, owner)?;
    let url = webhook_url("url", &Some(url.to_owned()))?
        .ok_or_else(|| DomainError::invalid("missing_field", "url is required."))?;
    let valid = || {
        WebhookEvent::ALL
            .iter()
            .map(|e| e.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if events.is_empty() {
        return Err(DomainError::invalid(
            "missing_events",
            format!("events must name at least one event: {}.", valid()),
        )
        .into());
    }
    let mut parsed = vec![];
    let unknown: Vec<&str> = events
        .iter()
        .filter(|e| WebhookEvent::parse(e).is_none())
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(DomainError::invalid(
            "unknown_event",
            format!(
                "Unknown event(s): {}. The events are: {}.",
                unknown.join(", "),
                valid()
            ),
        )
        .into());
    }
    for e in events.iter().filter_map(|e| WebhookEvent::parse(e)) {
        if !parsed.contains(&e) {
            parsed.push(e);
        }
    }
    let description = validate::optional_text("description", description, 500)?;
    let record = WebhookRecord {
        endpoint: WebhookEndpoint {
            id: new_id(),
            owner_kind: owner.kind,
            owner_id: owner.id.clone(),
            url,
            events: parsed,
            description,
            created_at: by.now,
        },
        salt: new_secret(),
    };
    tx.insert_webhook(&record)?;
    Ok(record)
}

pub fn webhooks(tx: &dyn Tx, by: By<'_>, owner: &WebhookOwner) -> Result<Vec<WebhookEndpoint>> {
    require_admin(tx, by.actor, owner)?;
    Ok(tx
        .webhooks_of(owner.kind, &owner.id)?
        .into_iter()
        .map(|r| r.endpoint)
        .collect())
}

fn load(tx: &dyn Tx, by: By<'_>, id: &Id<id::Webhook>) -> Result<WebhookRecord> {
    let w = tx.webhook(id)?.ok_or(DomainError::NotFound("webhook"))?;
    let owner = WebhookOwner {
        kind: w.endpoint.owner_kind,
        id: w.endpoint.owner_id.clone(),
    };
    require_admin(tx, by.actor, &owner)?;
    Ok(w)
}

pub fn delete_webhook(tx: &mut dyn Tx, by: By<'_>, id: &Id<id::Webhook>) -> Result<()> {
    let w = load(tx, by, id)?;
    tx.delete_webhook(&w.endpoint.id, by.now)
}

/// The newest deliveries to an endpoint, each with its attempts.
pub fn webhook_deliveries(
    tx: &dyn Tx,
    by: By<'_>,
    id: &Id<id::Webhook>,
    limit: usize,
) -> Result<Vec<WebhookDelivery>> {
    let w = load(tx, by, id)?;
    tx.webhook_deliveries(&w.endpoint.id, limit)
}

/// Queue `event` for every endpoint subscribed to it, for each of `sides` (the invites of a
/// pair the event concerns), each endpoint with its own side's view of the invite. Call after
/// the invites are written, in the same transaction.
pub(crate) fn emit(
    tx: &mut dyn Tx,
    now: Timestamp,
    event: WebhookEvent,
    sides: &[&Invite],
) -> Result<()> {
    let event_id: Id<id::Notification> = new_id();
    for i in sides {
        let owner = WebhookOwner::of(i);
        let endpoints: Vec<WebhookRecord> = tx
            .webhooks_of(owner.kind, &owner.id)?
            .into_iter()
            .filter(|w| w.endpoint.events.contains(&event))
            .collect();
        if endpoints.is_empty() {
            continue;
        }
        let view = InviteView::load(tx, (*i).clone(), now)?;
        let body = serde_json::to_string(&frontdesk_api::WebhookPayload {
            id: event_id.as_str().to_owned(),
            event,
            created_at: now,
            data: frontdesk_api::WebhookData { invite: view },
        })?;
        for w in endpoints {
            tx.insert_notification(&Notification {
                id: new_id(),
                invite_id: i.id.clone(),
                portal: i.portal.clone(),
                kind: MessageKind::Webhook,
                host_id: None,
                endpoint_id: Some(w.endpoint.id.clone()),
                channel: "webhook".into(),
                recipient: w.endpoint.url.clone(),
                subject: event.as_str().into(),
                body: body.clone(),
                state: NotificationState::Queued,
                created_at: now,
                sent_at: None,
                attempts: 0,
                last_error: None,
                next_attempt_at: Some(now),
                link_token: None,
            })?;
        }
    }
    Ok(())
}

/// The event of a visit's step.
pub(crate) fn event_of(action: VisitAction) -> WebhookEvent {
    match action {
        VisitAction::CheckIn => WebhookEvent::VisitorCheckedIn,
        VisitAction::Arrive => WebhookEvent::VisitorArrived,
        VisitAction::CheckOut => WebhookEvent::VisitorCheckedOut,
        VisitAction::Cancel => WebhookEvent::InviteCancelled,
    }
}

/// The visitor checked in on their own (the registration page).
pub(crate) fn emit_checked_in(tx: &mut dyn Tx, now: Timestamp, sides: &[&Invite]) -> Result<()> {
    emit(tx, now, WebhookEvent::VisitorCheckedIn, sides)
}
