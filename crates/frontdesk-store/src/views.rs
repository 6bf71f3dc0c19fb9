//! Loading what the API, the change feed and the desk's cache see of an invite
//! ([`InviteView`], defined with the other wire types in `frontdesk-api`).

use frontdesk_core::{Invite, Timestamp};

pub use frontdesk_api::{CardView, InviteView, VisitTimes};

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
            visitor_type_id: i.visitor_type_id,
            building_id: i.building_id,
            location_id: i.location_id,
            tenant_id: i.tenant_id,
            cancel_reason: i.cancel_reason,
            created_at: i.created_at,
            card,
        })
    }
}
