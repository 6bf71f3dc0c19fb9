// Generated from the Rust types by `cargo test -p frontdesk-desk --test typescript`
// (FRONTDESK_WRITE_TYPES=1 rewrites it). Do not edit by hand.

export type PortalKind = "building" | "location";

export type Portal = { kind: PortalKind, id: string, };

export type Origin = "building" | "tenant";

export type InviteStatus = "invited" | "checked_in" | "arrived" | "checked_out" | "cancelled" | "expired";

export type Visitor = { name: string, email: string | null, mobile: string | null, company: string | null, };

export type Profile = { id: string, name: string, email: string | null, mobile: string | null, company: string | null, updated_at: string, };

export type CardStatus = "active" | "expired" | "removed";

export type CardView = { number: string, format: string, status: CardStatus, valid_from: string, valid_to: string, assigned_at: string, 
/**
 * On both invites of the pair (false: assigned on this portal only).
 */
synced: boolean, };

export type InviteView = { id: string, portal: Portal, origin: Origin, primary: boolean, linked_invite_id: string | null, 
/**
 * As a person sees it now (expiry applied).
 */
status: InviteStatus, visitor: Visitor, profile_id: string, profile: Profile | null, host_name: string, visitor_type_id: string | null, building_id: string, location_id: string, tenant_id: string, valid_from: string, valid_to: string, checked_in_at: string | null, arrived_at: string | null, checked_out_at: string | null, cancelled_at: string | null, cancel_reason: string | null, created_at: string, 
/**
 * The active card, if any.
 */
card: CardView | null, };

export type CachedInvite = { id: string, status: string, name: string, company: string | null, host: string, 
/**
 * Changes of this desk not yet confirmed by the server.
 */
pending: number, 
/**
 * The whole invite, as `GET /api/v1/invites/{id}` gives it.
 */
data: InviteView, };

export type InviteRow = { id: string, status: string, name: string, company: string | null, host: string, 
/**
 * Invite Origin: `building` or `tenant`.
 */
origin: string, 
/**
 * Changes of this desk not yet confirmed by the portal.
 */
pending: number, };

export type Conflict = { mutation_id: string, invite_id: string, visitor: string, action: string, at: string, code: string, message: string, };

export type Event = { at: string, actor_id: string | null, actor_email: string | null, action: string, 
/**
 * The portal the action was taken in.
 */
portal: Portal, detail: Record<string, unknown>, };

export type Summary = { 
/**
 * Invited or checked in, not yet arrived, still valid.
 */
expected: number, checked_in: number, on_site: number, checked_out: number, cancelled: number, expired: number, total: number, };

export type DirectoryEntry = { location_id: string, location_name: string, tenant_id: string, tenant_name: string, 
/**
 * Linked to the building: only then can its invites sync.
 */
linked: boolean, };

export type VisitorInput = { name: string, email: string | null, mobile: string | null, company: string | null, };

export type NewInvite = { 
/**
 * Required for building invites (the tenant location being visited); a location's own
 * invites are for that location.
 */
location_id: string | null, host_name: string, visitor: VisitorInput, visitor_type_id: string | null, valid_from: string, valid_to: string, notify: boolean, };

export type VisitorUpdateScope = "profile" | "invite_and_profile";

export type VisitorPatch = { scope: VisitorUpdateScope, name: string | null, email: string | null, mobile: string | null, company: string | null, };

export type CardRequest = { number: string, format: string, local_only: boolean, };

export type LocationSettings = { visitor_management_enabled: boolean, 
/**
 * The "Sync Building Invitations" card's toggle.
 */
sync_building_invitations: boolean, 
/**
 * The location's visitor type that synced building invitations get.
 */
sync_visitor_type_id: string | null, 
/**
 * Whether cards assigned to synced invites are copied to the other side.
 */
card_sync_enabled: boolean, };

export type Session = { email: string, role: string, 
/**
 * `building` or `location`: the portal this desk works.
 */
portal_kind: string, portal_id: string, 
/**
 * The building's or location's name, for the title bar.
 */
place_name: string, building_id: string, server: string, 
/**
 * The app's own portal (demo data) rather than a shared one.
 */
built_in: boolean, 
/**
 * Tenant admins see the location's "Sync Building Invitations" card.
 */
may_edit_settings: boolean, };

export type DemoAccount = { email: string, what: string, };

export type StartInfo = { built_in: boolean, 
/**
 * The shared portal this desk is connected to, when not the built-in one.
 */
server: string | null, 
/**
 * One-click sign-in for the built-in portal's demo users.
 */
demo_accounts: Array<DemoAccount>, 
/**
 * Restored from the encrypted credentials when the desk was signed in before.
 */
session: Session | null, };

export type DeviceState = { ready: boolean, 
/**
 * For the receptionist: "Ready", "Out of labels", "No printer set up", …
 */
label: string, };

export type DeskState = { revision: string, online: boolean, 
/**
 * "n changes waiting to sync".
 */
pending: number, conflicts: number, last_error: string | null, printer: DeviceState, encoder: DeviceState, };

export type NotSynced = { code: string, message: string, };

export type CreatedInvite = { invite: InviteView, synced: boolean, linked_invite_id: string | null, reasons: Array<NotSynced>, };

export type ExportedCsv = { path: string, rows: number, };

export type EncodedCard = { 
/**
 * The card's number as the portal records it.
 */
number: string, format: string, 
/**
 * The card's serial number (UID), as the encoder read it.
 */
uid: string, };

export type Devices = { 
/**
 * `ipp://host:631/ipp/print`; several separated by commas: the next one is the fallback.
 */
printer: string | null, 
/**
 * The PC/SC reader name of the card encoder.
 */
encoder: string | null, };

export type DeskFailure = { code: string, message: string, };

