//! Invites and their lifecycle, and how a linked pair is kept identical.
//!
//! ```text
//! invited ──► checked_in ──► arrived ──► checked_out
//!    └───────────┴──► cancelled          (not after arrival)
//!    └───────────┴──► expired            (valid_to passed; derived, never stored)
//! ```

use serde::{Deserialize, Serialize};

use crate::{Building, DomainError, Id, Location, Profile, Tenant, Timestamp, User, VisitorType};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PortalKind {
    Building,
    Location,
}

impl PortalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Building => "building",
            Self::Location => "location",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "building" => Some(Self::Building),
            "location" => Some(Self::Location),
            _ => None,
        }
    }
}

/// The portal an invite belongs to: a Building Portal, or a tenant location's portal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Portal {
    pub kind: PortalKind,
    pub id: String,
}

impl Portal {
    pub fn building(id: impl Into<String>) -> Self {
        Self {
            kind: PortalKind::Building,
            id: id.into(),
        }
    }

    pub fn location(id: impl Into<String>) -> Self {
        Self {
            kind: PortalKind::Location,
            id: id.into(),
        }
    }
}

/// Where the visit was first created; the Invite Origin filter of the visitor logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Building,
    Tenant,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Building => "building",
            Self::Tenant => "tenant",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "building" => Some(Self::Building),
            "tenant" => Some(Self::Tenant),
            _ => None,
        }
    }

    /// The words the Invite Origin filter and the exports use.
    pub fn label(self) -> &'static str {
        match self {
            Self::Building => "Building Created",
            Self::Tenant => "Tenant Created",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InviteStatus {
    Invited,
    CheckedIn,
    Arrived,
    CheckedOut,
    Cancelled,
    /// Never stored: an invited or checked-in invite whose `valid_to` has passed.
    Expired,
}

impl InviteStatus {
    pub const ALL: [InviteStatus; 6] = [
        Self::Invited,
        Self::CheckedIn,
        Self::Arrived,
        Self::CheckedOut,
        Self::Cancelled,
        Self::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::CheckedIn => "checked_in",
            Self::Arrived => "arrived",
            Self::CheckedOut => "checked_out",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Statuses from which the visit can still happen (expiry is applied on top of these).
    pub fn is_pending(self) -> bool {
        matches!(self, Self::Invited | Self::CheckedIn)
    }
}

/// The four things a person does to a visit, as the API, the desk's outbox and the activity log
/// name them. One definition for the server's actions, the desk's queued changes and the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisitAction {
    CheckIn,
    Arrive,
    CheckOut,
    Cancel,
}

impl VisitAction {
    pub const ALL: [VisitAction; 4] = [Self::CheckIn, Self::Arrive, Self::CheckOut, Self::Cancel];

    /// The name stored with a desk's queued change (the same as on the wire).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CheckIn => "check_in",
            Self::Arrive => "arrive",
            Self::CheckOut => "check_out",
            Self::Cancel => "cancel",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The activity-log entry the action writes.
    pub fn event(self) -> &'static str {
        match self {
            Self::CheckIn => "checked_in",
            Self::Arrive => "arrived",
            Self::CheckOut => "checked_out",
            Self::Cancel => "cancelled",
        }
    }
}

/// The invite's own copy of the visitor's details (the profile may differ after a
/// "profile only" update).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Visitor {
    pub name: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub company: Option<String>,
}

/// The longest desk alert, in characters.
pub const MAX_ATTENTION_CHARS: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    pub id: Id<Invite>,
    pub portal: Portal,
    /// The building the visit takes place in (the portal's building for a location).
    pub building_id: Id<Building>,
    /// The tenant location being visited.
    pub location_id: Id<Location>,
    pub tenant_id: Id<Tenant>,
    pub origin: Origin,
    /// The side whose validity and notifications govern the pair. A lone invite is primary.
    pub primary: bool,
    pub linked_invite_id: Option<Id<Invite>>,
    /// The stored status; read it through [`Invite::status_at`], which applies expiry.
    pub status: InviteStatus,
    pub visitor: Visitor,
    pub profile_id: Id<Profile>,
    pub host_name: String,
    /// The host's directory entry, when the visit names one (both invites of a pair name the
    /// same: a host of the location's tenant, or of the building's staff).
    pub host_id: Option<Id<crate::Host>>,
    pub visitor_type_id: Option<Id<VisitorType>>,
    pub valid_from: Timestamp,
    pub valid_to: Timestamp,
    pub checked_in_at: Option<Timestamp>,
    pub arrived_at: Option<Timestamp>,
    pub checked_out_at: Option<Timestamp>,
    pub cancelled_at: Option<Timestamp>,
    pub cancel_reason: Option<String>,
    pub created_at: Timestamp,
    pub created_by: Id<User>,
    /// What the visitor types at the lobby kiosk: the same on both invites of a pair
    /// ([`crate::walk_in`]).
    pub short_code: String,
    /// A problem a kiosk raised for the receptionist to see, on both invites of a pair, until
    /// someone clears it.
    pub attention: Option<String>,
}

impl Invite {
    /// The status a person should see at `now`: pending invites past `valid_to` are expired.
    pub fn status_at(&self, now: Timestamp) -> InviteStatus {
        if self.status.is_pending() && self.valid_to <= now {
            InviteStatus::Expired
        } else {
            self.status
        }
    }

    pub fn is_linked(&self) -> bool {
        self.linked_invite_id.is_some()
    }

    /// The visitor completed the check-in flow (own device or kiosk).
    pub fn check_in(&mut self, at: Timestamp) -> Result<(), DomainError> {
        match self.status_at(at) {
            InviteStatus::Invited => {
                self.status = InviteStatus::CheckedIn;
                self.checked_in_at = Some(at);
                Ok(())
            }
            InviteStatus::CheckedIn => Err(DomainError::conflict(
                "already_checked_in",
                "This visitor has already checked in.",
            )),
            other => Err(refusal(other, "check in")),
        }
    }

    /// The visitor is at the desk or kiosk and receives a badge.
    pub fn arrive(&mut self, at: Timestamp) -> Result<(), DomainError> {
        match self.status_at(at) {
            InviteStatus::Invited | InviteStatus::CheckedIn => {
                self.status = InviteStatus::Arrived;
                self.arrived_at = Some(at);
                Ok(())
            }
            other => Err(refusal(other, "mark arrival")),
        }
    }

    pub fn check_out(&mut self, at: Timestamp) -> Result<(), DomainError> {
        match self.status_at(at) {
            InviteStatus::Arrived => {
                self.status = InviteStatus::CheckedOut;
                self.checked_out_at = Some(at);
                Ok(())
            }
            InviteStatus::Invited | InviteStatus::CheckedIn => Err(DomainError::conflict(
                "not_arrived",
                "This visitor has not arrived yet, so there is nothing to check out. Mark the arrival first.",
            )),
            other => Err(refusal(other, "check out")),
        }
    }

    pub fn cancel(&mut self, at: Timestamp, reason: Option<String>) -> Result<(), DomainError> {
        match self.status_at(at) {
            InviteStatus::Invited | InviteStatus::CheckedIn => {
                self.status = InviteStatus::Cancelled;
                self.cancelled_at = Some(at);
                self.cancel_reason = reason;
                Ok(())
            }
            other => Err(refusal(other, "cancel")),
        }
    }

    /// Refuse anything but reading once the visit is over (cancelled or checked out).
    fn ensure_not_closed(&self, doing: &str) -> Result<(), DomainError> {
        match self.status {
            InviteStatus::Invited | InviteStatus::CheckedIn | InviteStatus::Arrived => Ok(()),
            other => Err(refusal(other, doing)),
        }
    }

    /// The visit may still happen or is under way: not closed and not expired.
    pub fn ensure_open(&self, now: Timestamp, doing: &str) -> Result<(), DomainError> {
        self.ensure_not_closed(doing)?;
        if self.status_at(now) == InviteStatus::Expired {
            return Err(refusal(InviteStatus::Expired, doing));
        }
        Ok(())
    }

    /// Raise a desk alert: the receptionist's console shows `message` on the visit until it is
    /// cleared. The caller raises it on both invites of a pair.
    pub fn raise_attention(&mut self, message: &str) -> Result<(), DomainError> {
        self.attention = Some(crate::validate::required_text(
            "message",
            message,
            MAX_ATTENTION_CHARS,
        )?);
        Ok(())
    }

    /// Copy the lifecycle state of `self` onto its linked invite, so both show the same status
    /// with the same timestamps.
    pub fn mirror_lifecycle_onto(&self, other: &mut Invite) {
        other.status = self.status;
        other.checked_in_at = self.checked_in_at;
        other.arrived_at = self.arrived_at;
        other.checked_out_at = self.checked_out_at;
        other.cancelled_at = self.cancelled_at;
        other.cancel_reason = self.cancel_reason.clone();
    }

    /// Change the validity; only the primary side of a linked pair may, and the caller applies
    /// the same window to the linked invite and to any active card.
    pub fn change_validity(
        &mut self,
        now: Timestamp,
        valid_from: Timestamp,
        valid_to: Timestamp,
    ) -> Result<(), DomainError> {
        if !self.primary {
            return Err(DomainError::conflict(
                "not_primary",
                "The validity of a synced invite can only be changed from its primary portal. Ask the portal that created the invite to change it.",
            ));
        }
        // An expired invite may get a new window: that is how a late visit is revived.
        self.ensure_not_closed("change the validity")?;
        crate::validate::validity(now, valid_from, valid_to)?;
        self.valid_from = valid_from;
        self.valid_to = valid_to;
        Ok(())
    }
}

/// Why a transition from `status` is refused, in words the desk can show.
fn refusal(status: InviteStatus, doing: &str) -> DomainError {
    let (code, why) = match status {
        InviteStatus::Arrived => (
            "already_arrived",
            "the visitor has already arrived and is in the building",
        ),
        InviteStatus::CheckedOut => ("already_checked_out", "the visitor has already checked out"),
        InviteStatus::Cancelled => ("invite_cancelled", "the invite has been cancelled"),
        InviteStatus::Expired => ("invite_expired", "the invite's validity has ended"),
        InviteStatus::CheckedIn => ("already_checked_in", "the visitor has already checked in"),
        InviteStatus::Invited => ("not_arrived", "the visitor has not arrived yet"),
    };
    DomainError::conflict(code, format!("Cannot {doing}: {why}."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    fn invite() -> Invite {
        let t0 = Utc
            .with_ymd_and_hms(2026, 1, 5, 8, 0, 0)
            .single()
            .expect("valid date");
        Invite {
            id: "i1".into(),
            portal: Portal::building("b1"),
            building_id: "b1".into(),
            location_id: "l1".into(),
            tenant_id: "t1".into(),
            origin: Origin::Building,
            primary: true,
            linked_invite_id: None,
            status: InviteStatus::Invited,
            visitor: Visitor {
                name: "Ada".into(),
                ..Visitor::default()
            },
            profile_id: "p1".into(),
            host_name: "Grace".into(),
            host_id: None,
            visitor_type_id: None,
            valid_from: t0,
            valid_to: t0 + Duration::hours(10),
            checked_in_at: None,
            arrived_at: None,
            checked_out_at: None,
            cancelled_at: None,
            cancel_reason: None,
            created_at: t0,
            created_by: "u1".into(),
            short_code: "K7M4QX".into(),
            attention: None,
        }
    }

    #[test]
    fn the_whole_visit() {
        let mut i = invite();
        let t = i.valid_from + Duration::minutes(5);
        i.check_in(t).expect("check in");
        i.arrive(t + Duration::minutes(1)).expect("arrive");
        i.check_out(t + Duration::hours(1)).expect("check out");
        assert_eq!(i.status, InviteStatus::CheckedOut);
        assert_eq!(i.checked_in_at, Some(t));
    }

    #[test]
    fn no_cancel_after_arrival() {
        let mut i = invite();
        let t = i.valid_from;
        i.arrive(t).expect("arrive");
        let err = i.cancel(t, None).expect_err("refused");
        assert_eq!(err.code(), "already_arrived");
        assert_eq!(i.status, InviteStatus::Arrived);
    }

    #[test]
    fn expiry_is_derived_and_blocks_arrival() {
        let mut i = invite();
        let late = i.valid_to + Duration::seconds(1);
        assert_eq!(i.status_at(late), InviteStatus::Expired);
        assert_eq!(
            i.arrive(late).expect_err("expired").code(),
            "invite_expired"
        );
        assert_eq!(i.status, InviteStatus::Invited);
    }

    #[test]
    fn check_out_needs_arrival() {
        let mut i = invite();
        assert_eq!(
            i.check_out(i.valid_from).expect_err("no").code(),
            "not_arrived"
        );
    }

    #[test]
    fn secondary_cannot_change_validity() {
        let mut i = invite();
        i.primary = false;
        let (f, t) = (i.valid_from, i.valid_to + Duration::hours(1));
        assert_eq!(
            i.change_validity(f, f, t).expect_err("no").code(),
            "not_primary"
        );
    }

    #[test]
    fn a_desk_alert_is_one_line_of_at_most_300_characters() {
        let mut i = invite();
        i.raise_attention("  The camera failed: take the photo at the desk. ")
            .expect("raised");
        assert_eq!(
            i.attention.as_deref(),
            Some("The camera failed: take the photo at the desk.")
        );
        assert_eq!(
            i.raise_attention(&"é".repeat(301))
                .expect_err("long")
                .code(),
            "too_long"
        );
        assert!(i.raise_attention("   ").is_err());
    }

    #[test]
    fn mirroring_copies_status_and_timestamps() {
        let mut a = invite();
        let mut b = invite();
        a.cancel(a.valid_from, Some("rain".into())).expect("cancel");
        a.mirror_lifecycle_onto(&mut b);
        assert_eq!(b.status, InviteStatus::Cancelled);
        assert_eq!(b.cancelled_at, a.cancelled_at);
        assert_eq!(b.cancel_reason.as_deref(), Some("rain"));
    }
}
