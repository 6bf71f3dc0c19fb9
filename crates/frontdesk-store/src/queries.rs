//! What the read models ([`crate::ReadModels`]) take and give: visitor logs with the Invite
//! Origin filter, the Visitor Summary widget, CSV export, the Global Overview activity report,
//! the change feed and the notification list; and which portals a caller may see.

use frontdesk_core::{Actor, Id, InviteStatus, Origin, Portal, Role, Timestamp, VisitorType};

use crate::{Result, Tx};
pub use frontdesk_api::{Change, LogEntry, ReportRow, Summary, VisitTimes};

/// The filters of the visitor logs, the summary widget and the export.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    /// Empty: no Invite Origin filter (the default), all invites.
    pub origins: Vec<Origin>,
    pub statuses: Vec<InviteStatus>,
    /// Visits whose validity overlaps [from, to).
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    /// Text search over visitor name, email, company and host.
    pub q: Option<String>,
    pub host: Option<String>,
    pub visitor_type_id: Option<Id<VisitorType>>,
}

/// A log row: the invite as a person sees it at `now`.
pub(crate) fn entry(i: frontdesk_core::Invite, now: Timestamp) -> LogEntry {
    LogEntry {
        times: VisitTimes::from(&i),
        status: i.status_at(now),
        origin_label: i.origin.label().into(),
        id: i.id,
        origin: i.origin,
        visitor: i.visitor,
        host_name: i.host_name,
        visitor_type_id: i.visitor_type_id,
        location_id: i.location_id,
        linked_invite_id: i.linked_invite_id,
    }
}

/// Which portals an actor's change feed and notification list cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    All,
    Portals(Vec<Portal>),
}

/// The portals an actor works at.
pub fn visibility(tx: &dyn Tx, actor: &Actor) -> Result<Visibility> {
    Ok(match actor.role {
        Role::PlatformAdmin => Visibility::All,
        Role::BuildingAdmin => Visibility::Portals(
            actor
                .building_id
                .iter()
                .cloned()
                .map(Portal::building)
                .collect(),
        ),
        Role::TenantAdmin => Visibility::Portals(match &actor.tenant_id {
            Some(t) => tx
                .locations_of_tenant(t)?
                .into_iter()
                .map(|l| Portal::location(l.id))
                .collect(),
            None => vec![],
        }),
        Role::FrontDesk => Visibility::Portals(match (&actor.location_id, &actor.building_id) {
            (Some(l), _) => vec![Portal::location(l.clone())],
            (None, Some(b)) => vec![Portal::building(b.clone())],
            _ => vec![],
        }),
    })
}
