//! What the desk's window sends and receives. The TypeScript declarations in
//! `ui/src/generated/desk-types.ts` are generated from these, importing the wire types they
//! use from `frontdesk-api`'s `api-types.ts`, and a test fails when the two drift apart.

use frontdesk_api::{InviteStatus, InviteView, Origin, PortalKind, Role, SyncReason};
use frontdesk_core::{id, Id, Invite};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Who is signed in at this desk, and for which portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Session {
    pub email: String,
    pub role: Role,
    /// The portal this desk works: a building's or a tenant location's.
    pub portal_kind: PortalKind,
    pub portal_id: String,
    /// The building's or location's name, for the title bar.
    pub place_name: String,
    pub building_id: Id<id::Building>,
    /// The building's IANA time zone: every time the console shows is in it. None for a
    /// session an earlier version saved (the computer's own zone until the next sign-in).
    #[serde(default)]
    pub timezone: Option<String>,
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
    pub status: InviteStatus,
    pub name: String,
    pub company: Option<String>,
    pub host: String,
    pub origin: Origin,
    /// Changes of this desk not yet confirmed by the portal.
    pub pending: u32,
}

impl TryFrom<frontdesk_sync::CachedInvite> for InviteRow {
    type Error = serde_json::Error;

    /// The origin is read from the cached description of the invite.
    fn try_from(c: frontdesk_sync::CachedInvite) -> Result<Self, Self::Error> {
        Ok(Self {
            origin: Origin::deserialize(&c.data["origin"])?,
            status: c.status,
            id: c.id,
            name: c.name,
            company: c.company,
            host: c.host,
            pending: c.pending as u32,
        })
    }
}

/// A new invite and whether Reverse Building Sync made its linked copy (and why not).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CreatedInvite {
    pub invite: InviteView,
    pub synced: bool,
    pub linked_invite_id: Option<Id<Invite>>,
    /// Why Reverse Building Sync made no linked copy (empty when it did).
    pub reasons: Vec<SyncReason>,
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

/// A badge printed: the words for the receptionist, and the desk's own time from the press of
/// Print to the printer accepting the job (rendering, fetching, sending; not the printing).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BadgePrinted {
    pub message: String,
    pub accepted_ms: f64,
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

/// The desk's own declarations, in one TypeScript module that imports the wire types they
/// use from `api-types.ts` (generated from `frontdesk-api`), so each type is declared once.
pub fn typescript() -> String {
    use frontdesk_sync::{CachedInvite, Conflict};

    let mut decls = vec![];
    let mut used = vec![];
    macro_rules! declare {
        ($($t:ty),* $(,)?) => {$(
            decls.push((<$t>::ident(), <$t>::decl()));
            used.extend(<$t>::dependencies().into_iter().map(|d| d.ts_name));
        )*};
    }
    declare!(
        CachedInvite,
        InviteRow,
        Conflict,
        Session,
        DemoAccount,
        StartInfo,
        DeviceState,
        DeskState,
        CreatedInvite,
        ExportedCsv,
        EncodedCard,
        BadgePrinted,
        Devices,
        DeskFailure,
        crate::Kiosk,
        crate::KioskSetup,
        crate::KioskWalkIn,
        crate::WalkInOutcome,
        crate::KioskProblem,
    );
    // What is referred to but not declared here is frontdesk-api's.
    let mut imported: Vec<String> = used
        .into_iter()
        .filter(|n| !decls.iter().any(|(d, _)| d == n))
        .collect();
    imported.sort();
    imported.dedup();
    let mut out = format!(
        "// Generated from the Rust types by `cargo test -p frontdesk-desk --test typescript`\n\
         // (FRONTDESK_WRITE_TYPES=1 rewrites it). Do not edit by hand.\n\n\
         import type {{ {} }} from \"./api-types\";\n\n",
        imported.join(", ")
    );
    for (_, d) in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out
}
