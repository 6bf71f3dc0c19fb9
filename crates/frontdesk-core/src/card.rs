//! Physical access cards: one active card per invite, unique per building among active cards,
//! validity following the invite, and card sync riding on Reverse Building Sync.

use serde::{Deserialize, Serialize};

use crate::{Building, DomainError, Id, Invite, Timestamp};

/// The product document's prompt, shown word for word when card sync is off.
pub const CARD_SYNC_BLOCKED_PROMPT: &str = "Card sync blocked. This keycard cannot be synced from the Building Portal because the card sync setting is currently turned off. Contact your system administrator to enable this setting. Would you like to assign this keycard locally instead?";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CardStatus {
    Active,
    /// Replaced by another card (reassignment) or ended with the visit.
    Expired,
    /// Taken off the invite by a person.
    Removed,
}

impl CardStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Removed => "removed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(Self::Active),
            "expired" => Some(Self::Expired),
            "removed" => Some(Self::Removed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub id: Id<Card>,
    pub invite_id: Id<Invite>,
    pub building_id: Id<Building>,
    pub number: String,
    pub format: String,
    pub status: CardStatus,
    pub valid_from: Timestamp,
    pub valid_to: Timestamp,
    pub assigned_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    /// Assigned on both invites of a linked pair (false: this portal only).
    pub synced: bool,
}

/// Which invites of a pair a card assignment lands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardTargets {
    /// The invite and its linked copy.
    Both,
    /// Only the invite it was assigned on (lone invite, or "assign locally").
    ThisOnly,
}

/// Decide where a card assignment goes.
///
/// `held_elsewhere` is true when the same number and format is active on an invite of the
/// building outside this pair. `card_sync_enabled` is the location's setting.
pub fn plan_assignment(
    invite: &Invite,
    now: Timestamp,
    card_sync_enabled: bool,
    local_only: bool,
    held_elsewhere: bool,
) -> Result<CardTargets, DomainError> {
    invite.ensure_open(now, "assign a card")?;
    if held_elsewhere {
        return Err(DomainError::conflict(
            "card_in_use",
            "This card number and format is already active on another visitor's invite in this building. Take the card back from that visitor first, or use another card.",
        ));
    }
    if !invite.is_linked() {
        return Ok(CardTargets::ThisOnly);
    }
    match (card_sync_enabled, local_only) {
        (true, _) => Ok(CardTargets::Both),
        (false, true) => Ok(CardTargets::ThisOnly),
        (false, false) => Err(DomainError::conflict(
            "card_sync_blocked",
            CARD_SYNC_BLOCKED_PROMPT,
        )),
    }
}

/// A card follows the invite's validity.
pub fn follow_validity(card: &mut Card, invite: &Invite) {
    card.valid_from = invite.valid_from;
    card.valid_to = invite.valid_to;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InviteStatus, Origin, Portal, Visitor};
    use chrono::{Duration, Utc};

    fn linked(linked: bool) -> Invite {
        let now = Utc::now();
        Invite {
            id: "i".into(),
            portal: Portal::building("b"),
            building_id: "b".into(),
            location_id: "l".into(),
            tenant_id: "t".into(),
            origin: Origin::Building,
            primary: true,
            linked_invite_id: linked.then(|| "j".into()),
            status: InviteStatus::Invited,
            visitor: Visitor::default(),
            profile_id: "p".into(),
            host_name: "h".into(),
            host_id: None,
            visitor_type_id: None,
            valid_from: now,
            valid_to: now + Duration::hours(2),
            checked_in_at: None,
            arrived_at: None,
            checked_out_at: None,
            cancelled_at: None,
            cancel_reason: None,
            created_at: now,
            created_by: "u".into(),
            short_code: "K7M4QX".into(),
            attention: None,
        }
    }

    #[test]
    fn sync_off_asks_first_then_saves_locally() {
        let i = linked(true);
        let now = i.valid_from;
        let e = plan_assignment(&i, now, false, false, false).expect_err("prompt");
        assert_eq!(e.code(), "card_sync_blocked");
        assert_eq!(e.to_string(), CARD_SYNC_BLOCKED_PROMPT);
        assert_eq!(
            plan_assignment(&i, now, false, true, false),
            Ok(CardTargets::ThisOnly)
        );
        assert_eq!(
            plan_assignment(&i, now, true, false, false),
            Ok(CardTargets::Both)
        );
    }

    #[test]
    fn a_card_active_elsewhere_is_refused() {
        let i = linked(false);
        let e = plan_assignment(&i, i.valid_from, true, false, true).expect_err("clash");
        assert_eq!(e.code(), "card_in_use");
    }
}
