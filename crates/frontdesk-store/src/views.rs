//! What the API, the change feed and the desk's cache see of an invite. One shape everywhere, so
//! a desk can apply a change-feed entry exactly as if it had fetched the invite.

use frontdesk_core::{Card, CardStatus, Invite, InviteStatus, Origin, Portal, Timestamp, Visitor};
use serde::Serialize;

use crate::{Profile, Result, Tx};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CardView {
    pub number: String,
    pub format: String,
    pub status: CardStatus,
    pub valid_from: Timestamp,
    pub valid_to: Timestamp,
    pub assigned_at: Timestamp,
    /// On both invites of the pair (false: assigned on this portal only).
    pub synced: bool,
}

impl From<Card> for CardView {
    fn from(c: Card) -> Self {
        Self {
            number: c.number,
            format: c.format,
            status: c.status,
            valid_from: c.valid_from,
            valid_to: c.valid_to,
            assigned_at: c.assigned_at,
            synced: c.synced,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InviteView {
    pub id: String,
    pub portal: Portal,
    pub origin: Origin,
    pub primary: bool,
    pub linked_invite_id: Option<String>,
    /// As a person sees it now (expiry applied).
    pub status: InviteStatus,
    pub visitor: Visitor,
    pub profile_id: String,
    pub profile: Option<Profile>,
    pub host_name: String,
    pub visitor_type_id: Option<String>,
    pub building_id: String,
    pub location_id: String,
    pub tenant_id: String,
    pub valid_from: Timestamp,
    pub valid_to: Timestamp,
    pub checked_in_at: Option<Timestamp>,
    pub arrived_at: Option<Timestamp>,
    pub checked_out_at: Option<Timestamp>,
    pub cancelled_at: Option<Timestamp>,
    pub cancel_reason: Option<String>,
    pub created_at: Timestamp,
    /// The active card, if any.
    pub card: Option<CardView>,
}

impl InviteView {
    pub fn load(tx: &dyn Tx, i: Invite, now: Timestamp) -> Result<Self> {
        let card = tx.active_card(&i.id)?.map(CardView::from);
        let profile = tx.profile(&i.profile_id)?;
        Ok(Self {
            status: i.status_at(now),
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
            valid_from: i.valid_from,
            valid_to: i.valid_to,
            checked_in_at: i.checked_in_at,
            arrived_at: i.arrived_at,
            checked_out_at: i.checked_out_at,
            cancelled_at: i.cancelled_at,
            cancel_reason: i.cancel_reason,
            created_at: i.created_at,
            card,
        })
    }
}
