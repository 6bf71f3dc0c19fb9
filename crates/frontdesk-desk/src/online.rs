//! What needs the portal: resend, validity, visitor details, cards, the activity log, the
//! summary, the directory, new invites and the Location Settings card. Each answer that is an
//! invite goes into the cache at once, so the lists show it before the change feed brings it.

use frontdesk_api::{
    Event, Host, HostDraft, HostHit, HostPage, ImportReport, InviteView, Resent, Summary, Validity,
};
use frontdesk_client::Client;
use frontdesk_core::{LocationSettings, Origin, PortalKind, Timestamp};
use frontdesk_store::actions::{CardRequest, DirectoryEntry, NewInvite, VisitorPatch};

use crate::{today, Console, CreatedInvite, DeskError, Live, Result};

impl Console {
    /// An online action on an invite: the answer (the invite as it now stands) goes into the
    /// cache at once, so the lists show it before the change feed brings it.
    pub(crate) fn invite_action(
        &self,
        call: impl FnOnce(&Client) -> frontdesk_client::Result<InviteView>,
    ) -> Result<InviteView> {
        let l = self.live()?;
        let invite = l.call(call)?;
        l.desk.remember(&invite)?;
        l.status.nudge();
        Ok(invite)
    }

    /// Send the visitor's invitation again: the answer is the queued notification, not the
    /// invite, which a resend does not change.
    pub fn resend(&self, id: &str) -> Result<Resent> {
        let l = self.live()?;
        let sent = l.call(|p| p.resend(id))?;
        l.status.nudge();
        Ok(sent)
    }

    pub fn change_validity(
        &self,
        id: &str,
        valid_from: &str,
        valid_to: &str,
    ) -> Result<InviteView> {
        let validity = Validity {
            valid_from: time(valid_from)?,
            valid_to: time(valid_to)?,
        };
        self.invite_action(|p| p.change_validity(id, &validity))
    }

    pub fn update_visitor(&self, id: &str, patch: &VisitorPatch) -> Result<InviteView> {
        self.invite_action(|p| p.update_visitor(id, patch))
    }

    /// Assign a card. With card sync off on a linked pair this fails with `card_sync_blocked`
    /// and the product's prompt; "Save" sends it again with `local_only`.
    pub fn assign_card(&self, id: &str, card: &CardRequest) -> Result<InviteView> {
        self.invite_action(|p| p.assign_card(id, card))
    }

    pub fn activity(&self, id: &str) -> Result<Vec<Event>> {
        self.live()?.call(|p| p.activity(id))
    }

    /// The Visitor Summary widget for today.
    pub fn summary(&self, origin: Option<Origin>) -> Result<Summary> {
        let l = self.live()?;
        l.call(|p| p.visitor_summary(&l.place(), &today(origin)))
    }

    /// The tenant locations a building desk invites visitors for.
    pub fn directory(&self) -> Result<Vec<DirectoryEntry>> {
        let l = self.live()?;
        if l.session.portal_kind != PortalKind::Building {
            return Ok(vec![]);
        }
        l.call(|p| p.directory(&l.session.portal_id))
    }

    /// Hosts to pick for a new invite, by part of their name: on a building desk the lobby's
    /// search (the building's staff, linked tenants' hosts who allow it, contacts masked); on a
    /// location's desk its tenant's active hosts at that location.
    pub fn hosts(&self, q: &str) -> Result<Vec<HostHit>> {
        let l = self.live()?;
        if l.session.portal_kind == PortalKind::Building {
            return l.call(|p| p.host_search(&l.session.portal_id, q));
        }
        let page = l.call(|p| p.location_hosts(&l.session.portal_id, q))?;
        Ok(page
            .hosts
            .into_iter()
            .map(|h| HostHit {
                location_id: Some(frontdesk_core::Id::new(l.session.portal_id.clone())),
                locations: vec![l.session.place_name.clone()],
                organisation: String::new(),
                // The tenant's own desk may see its colleagues' addresses.
                masked_contact: h.email,
                name: h.name,
                id: h.id,
            })
            .collect())
    }

    /// The directory this desk's admin keeps: a building's staff on a building desk, the
    /// location's tenant's people on a location's. (The portal decides who may change it.)
    fn directory_of(&self, l: &Live) -> Result<(&'static str, String)> {
        if l.session.portal_kind == PortalKind::Building {
            return Ok(("buildings", l.session.portal_id.clone()));
        }
        let location = l.call(|p| p.location(&l.session.portal_id))?;
        Ok(("tenants", location.tenant_id.into_string()))
    }

    pub fn directory_hosts(&self, q: &str) -> Result<HostPage> {
        let l = self.live()?;
        let (kind, id) = self.directory_of(&l)?;
        l.call(|p| p.directory_hosts((kind, &id), q, 0))
    }

    /// Add a person to the directory (`id` None) or replace their entry.
    pub fn save_host(&self, id: Option<&str>, draft: &HostDraft) -> Result<Host> {
        let l = self.live()?;
        match id {
            Some(id) => l.call(|p| p.replace_host(id, draft)),
            None => {
                let (kind, dir) = self.directory_of(&l)?;
                l.call(|p| p.create_host((kind, &dir), draft))
            }
        }
    }

    pub fn import_hosts(&self, csv: &str, dry_run: bool) -> Result<ImportReport> {
        let l = self.live()?;
        let (kind, id) = self.directory_of(&l)?;
        l.call(|p| p.import_hosts((kind, &id), csv, dry_run))
    }

    pub fn create_invite(&self, invite: &NewInvite) -> Result<CreatedInvite> {
        let l = self.live()?;
        let created = l.call(|p| p.create_invite(&l.place(), invite))?;
        l.desk.remember(&created.invite)?;
        l.status.nudge();
        let sync = created.sync;
        Ok(CreatedInvite {
            synced: sync.status == frontdesk_api::SyncStatus::Synced,
            linked_invite_id: sync.linked_invite_id,
            reasons: sync.reasons,
            invite: created.invite,
        })
    }

    pub fn location_settings(&self) -> Result<LocationSettings> {
        let l = self.live()?;
        let location = settings_location(&l)?;
        l.call(|p| p.location_settings(location))
    }

    pub fn save_location_settings(&self, s: &LocationSettings) -> Result<LocationSettings> {
        let l = self.live()?;
        let location = settings_location(&l)?;
        l.call(|p| p.save_location_settings(location, s))
    }
}

/// The location whose settings this desk's user may edit.
fn settings_location(l: &Live) -> Result<&str> {
    if !l.session.may_edit_settings {
        return Err(DeskError::Refused {
            code: "forbidden".into(),
            message: "Location Settings are for the tenant's admins.".into(),
        });
    }
    Ok(&l.session.portal_id)
}

/// A time from the window, refused as the portal refuses a body with a field it cannot read.
fn time(raw: &str) -> Result<Timestamp> {
    raw.parse().map_err(|e| DeskError::Refused {
        code: "invalid_body".into(),
        message: format!("The request body has a missing or wrongly typed field: {raw}: {e}"),
    })
}
