//! What the desk does on its own cache, online or not: the status bar, the day's list, search,
//! scanned badges, and the changes that queue when the portal is out of reach (arrival,
//! check-out, cancel), pushed by the sync loop.

use std::sync::atomic::Ordering;

use frontdesk_core::Origin;
use frontdesk_sync::{CachedInvite, Conflict, Desk, SyncError};

use crate::devices::device;
use crate::workers::record_sync;
use crate::{local_day, Console, DeskError, DeskState, InviteRow, Result};

/// The day's list is capped; search shows fewer rows, since a receptionist narrows it by typing
/// and every row crosses into the window on each keystroke.
const LIST_LIMIT: usize = 200;
const SEARCH_LIMIT: usize = 30;

impl Console {
    pub fn state(&self) -> Result<DeskState> {
        let l = self.live()?;
        let st = &l.status;
        Ok(DeskState {
            revision: l.desk.revision()?,
            online: st.online.load(Ordering::Relaxed),
            pending: l.desk.pending()? as u32,
            conflicts: l.desk.conflict_count()? as u32,
            last_error: st.last_error.lock().ok().and_then(|e| e.clone()),
            printer: st
                .printer
                .lock()
                .ok()
                .and_then(|p| p.clone())
                .unwrap_or_else(|| device("Checking the printer…", false)),
            encoder: st
                .encoder
                .lock()
                .ok()
                .and_then(|p| p.clone())
                .unwrap_or_else(|| device("Checking the card encoder…", false)),
        })
    }

    /// Today's visits (the desk's local day) and who is on site, with the Invite Origin filter.
    pub fn today(&self, origin: Option<Origin>) -> Result<Vec<InviteRow>> {
        let l = self.live()?;
        let (from, to) = local_day();
        rows(l.desk.day(from, to, origin, LIST_LIMIT)?)
    }

    pub fn search(&self, q: &str) -> Result<Vec<InviteRow>> {
        rows(self.live()?.desk.search(q, SEARCH_LIMIT)?)
    }

    /// A keyboard-wedge scanner's text: the invite its badge code names.
    pub fn scan(&self, code: &str) -> Result<CachedInvite> {
        self.live()?
            .desk
            .find_code(code)?
            .ok_or_else(|| DeskError::Refused {
                code: "not_found".into(),
                message: format!(
                    "No visit at this desk has the code {}. Check the badge is for this building, or search by name.",
                    code.trim()
                ),
            })
    }

    pub fn invite(&self, id: &str) -> Result<CachedInvite> {
        self.live()?
            .desk
            .invite(id)?
            .ok_or_else(|| SyncError::UnknownInvite(id.into()).into())
    }

    fn local_change(
        &self,
        f: impl FnOnce(&Desk) -> Result<CachedInvite, SyncError>,
    ) -> Result<CachedInvite> {
        let l = self.live()?;
        let out = f(&l.desk)?;
        l.status.nudge();
        Ok(out)
    }

    pub fn arrive(&self, id: &str) -> Result<CachedInvite> {
        self.local_change(|d| d.arrive(id))
    }

    pub fn check_out(&self, id: &str) -> Result<CachedInvite> {
        self.local_change(|d| d.check_out(id))
    }

    pub fn cancel(&self, id: &str) -> Result<CachedInvite> {
        self.local_change(|d| d.cancel(id))
    }

    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        Ok(self.live()?.desk.conflicts()?)
    }

    /// Push and pull now.
    pub fn sync_now(&self) -> Result<()> {
        let l = self.live()?;
        let r = l.desk.sync();
        record_sync(&l.status, r.as_ref().err());
        r.map(|_| ()).map_err(Into::into)
    }
}

/// The list's lines; a cached invite whose status or origin cannot be read is the cache's
/// fault, not the portal's.
fn rows(found: Vec<CachedInvite>) -> Result<Vec<InviteRow>> {
    found
        .into_iter()
        .map(|c| InviteRow::try_from(c).map_err(|e| DeskError::Local(e.to_string())))
        .collect()
}
