//! What the desk's window sends and receives. The TypeScript declarations in
//! `ui/src/generated/desk-types.ts` are generated from these (and from the server's own view
//! types), and a test fails when the two drift apart.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Who is signed in at this desk, and for which portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Session {
    pub email: String,
    pub role: String,
    /// `building` or `location`: the portal this desk works.
    pub portal_kind: String,
    pub portal_id: String,
    /// The building's or location's name, for the title bar.
    pub place_name: String,
    pub building_id: String,
    pub server: String,
    /// The app's own portal (demo data) rather than a shared one.
    pub built_in: bool,
    /// Tenant admins see the location's "Sync Building Invitations" card.
    pub may_edit_settings: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DemoAccount {
    pub email: String,
    pub what: String,
}

/// What the window needs to draw its first screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StartInfo {
    pub built_in: bool,
    /// The shared portal this desk is connected to, when not the built-in one.
    pub server: Option<String>,
    /// One-click sign-in for the built-in portal's demo users.
    pub demo_accounts: Vec<DemoAccount>,
    /// Restored from the encrypted credentials when the desk was signed in before.
    pub session: Option<Session>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DeviceState {
    pub ready: bool,
    /// For the receptionist: "Ready", "Out of labels", "No printer set up", …
    pub label: String,
}

/// The status bar, polled by the window: redraw the lists when `revision` moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DeskState {
    pub revision: String,
    pub online: bool,
    /// "n changes waiting to sync".
    pub pending: u32,
    pub conflicts: u32,
    pub last_error: Option<String>,
    pub printer: DeviceState,
    pub encoder: DeviceState,
}

/// A line of the day's list or of the search results: what the list shows, no more, since it
/// crosses into the window on every keystroke (the whole invite comes when one is opened).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct InviteRow {
    pub id: String,
    pub status: String,
    pub name: String,
    pub company: Option<String>,
    pub host: String,
    /// Invite Origin: `building` or `tenant`.
    pub origin: String,
    /// Changes of this desk not yet confirmed by the portal.
    pub pending: u32,
}

impl From<frontdesk_sync::CachedInvite> for InviteRow {
    fn from(c: frontdesk_sync::CachedInvite) -> Self {
        Self {
            origin: c.data["origin"].as_str().unwrap_or_default().to_string(),
            id: c.id,
            status: c.status,
            name: c.name,
            company: c.company,
            host: c.host,
            pending: c.pending as u32,
        }
    }
}

/// A sync precondition that failed when a building invite was created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NotSynced {
    pub code: String,
    pub message: String,
}

/// A new invite and whether Reverse Building Sync made its linked copy (and why not).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CreatedInvite {
    #[ts(type = "InviteView")]
    pub invite: serde_json::Value,
    pub synced: bool,
    pub linked_invite_id: Option<String>,
    pub reasons: Vec<NotSynced>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ExportedCsv {
    pub path: String,
    pub rows: u32,
}

/// An access card written on the desk's encoder, ready to be assigned to the visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct EncodedCard {
    /// The card's number as the portal records it.
    pub number: String,
    pub format: String,
    /// The card's serial number (UID), as the encoder read it.
    pub uid: String,
}

/// The printer and card encoder this desk uses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Devices {
    /// `ipp://host:631/ipp/print`; several separated by commas: the next one is the fallback.
    pub printer: Option<String>,
    /// The PC/SC reader name of the card encoder.
    pub encoder: Option<String>,
}

/// An error as the window shows it: `code` for the window's decisions (the "Card sync
/// blocked" prompt is `card_sync_blocked`), `message` for the receptionist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DeskFailure {
    pub code: String,
    pub message: String,
}

/// Every declaration the window uses, in one TypeScript module.
pub fn typescript() -> String {
    use frontdesk_core::{
        CardStatus, InviteStatus, LocationSettings, Origin, Portal, PortalKind, Visitor,
    };
    use frontdesk_store::actions::{
        CardRequest, DirectoryEntry, NewInvite, VisitorInput, VisitorPatch, VisitorUpdateScope,
    };
    use frontdesk_store::queries::Summary;
    use frontdesk_store::views::{CardView, InviteView};
    use frontdesk_store::{Event, Profile};
    use frontdesk_sync::{CachedInvite, Conflict};
    let decls = [
        PortalKind::decl(),
        Portal::decl(),
        Origin::decl(),
        InviteStatus::decl(),
        Visitor::decl(),
        Profile::decl(),
        CardStatus::decl(),
        CardView::decl(),
        InviteView::decl(),
        CachedInvite::decl(),
        InviteRow::decl(),
        Conflict::decl(),
        Event::decl(),
        Summary::decl(),
        DirectoryEntry::decl(),
        VisitorInput::decl(),
        NewInvite::decl(),
        VisitorUpdateScope::decl(),
        VisitorPatch::decl(),
        CardRequest::decl(),
        LocationSettings::decl(),
        Session::decl(),
        DemoAccount::decl(),
        StartInfo::decl(),
        DeviceState::decl(),
        DeskState::decl(),
        NotSynced::decl(),
        CreatedInvite::decl(),
        ExportedCsv::decl(),
        EncodedCard::decl(),
        Devices::decl(),
        DeskFailure::decl(),
    ];
    let mut out = String::from(
        "// Generated from the Rust types by `cargo test -p frontdesk-desk --test typescript`\n\
         // (FRONTDESK_WRITE_TYPES=1 rewrites it). Do not edit by hand.\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out
}
