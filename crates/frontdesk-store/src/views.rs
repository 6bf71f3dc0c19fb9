//! Loading what the API, the change feed and the desk's cache see of an invite
//! ([`InviteView`], defined with the other wire types in `frontdesk-api`).

use frontdesk_core::{Invite, Timestamp};

pub use frontdesk_api::{CardView, HostNotice, InviteView, VisitTimes};
use frontdesk_api::{MessageKind, NotificationState};

use crate::{Result, Tx};

/// `InviteView::load(tx, invite, now)`: the view of an invite with its profile and active card,
/// its status as a person sees it at `now`.
pub trait LoadView: Sized {
    fn load(tx: &dyn Tx, i: Invite, now: Timestamp) -> Result<Self>;
}

impl LoadView for InviteView {
    fn load(tx: &dyn Tx, i: Invite, now: Timestamp) -> Result<Self> {
        let card = tx.active_card(&i.id)?.map(CardView::from);
        let profile = tx.profile(&i.profile_id)?;
        let host_notice = match &i.host_id {
            Some(_) => host_notice(tx, &i)?,
            None => None,
        };
        Ok(Self {
            status: i.status_at(now),
            times: VisitTimes::from(&i),
            id: i.id,
            portal: i.portal,
            origin: i.origin,
            primary: i.primary,
            linked_invite_id: i.linked_invite_id,
            visitor: i.visitor,
            profile_id: i.profile_id,
            profile,
            host_name: i.host_name,
            host_id: i.host_id,
            host_notice,
            visitor_type_id: i.visitor_type_id,
            building_id: i.building_id,
            location_id: i.location_id,
            tenant_id: i.tenant_id,
            cancel_reason: i.cancel_reason,
            created_at: i.created_at,
            card,
            short_code: i.short_code,
            attention: i.attention,
        })
    }
}

/// How the host of a visit was told of the arrival (kept on the pair's primary invite): None
/// before the visitor arrived.
fn host_notice(tx: &dyn Tx, i: &Invite) -> Result<Option<HostNotice>> {
    let primary = match (&i.primary, &i.linked_invite_id) {
        (false, Some(other)) => other.clone(),
        _ => i.id.clone(),
    };
    let Some(row) = tx.host_notice(&primary)? else {
        return Ok(None);
    };
    let problem = if row.notified_at.is_none() {
        let messages = tx.host_messages(&primary, MessageKind::HostArrival)?;
        let given_up = !messages.is_empty()
            && messages
                .iter()
                .all(|m| matches!(m.state, NotificationState::Failed | NotificationState::Held));
        if messages.is_empty() {
            Some("The host has no way to be told (no channel, or inactive).".to_owned())
        } else if given_up {
            messages.iter().find_map(|m| m.last_error.clone())
        } else {
            None
        }
    } else {
        None
    };
    Ok(Some(HostNotice {
        notified_at: row.notified_at,
        on_my_way_at: row.on_my_way_at,
        on_my_way_by: row.on_my_way_by,
        problem,
    }))
}
