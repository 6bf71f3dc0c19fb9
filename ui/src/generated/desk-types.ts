// Generated from the Rust types by `cargo test -p frontdesk-desk --test typescript`
// (FRONTDESK_WRITE_TYPES=1 rewrites it). Do not edit by hand.

import type { InviteStatus, InviteView, Origin, PortalKind, Role, Submission, SyncReason } from "./api-types";

export type CachedInvite = { id: string, status: InviteStatus, name: string, company: string | null, host: string, 
/**
 * Changes of this desk not yet confirmed by the server.
 */
pending: number, 
/**
 * The whole invite, as `GET /api/v1/invites/{id}` gives it.
 */
data: InviteView, };

export type InviteRow = { id: string, status: InviteStatus, name: string, company: string | null, host: string, origin: Origin, 
/**
 * Changes of this desk not yet confirmed by the portal.
 */
pending: number, };

export type Conflict = { mutation_id: string, invite_id: string, visitor: string, action: string, at: string, code: string, message: string, };

export type Session = { email: string, role: Role, 
/**
 * The portal this desk works: a building's or a tenant location's.
 */
portal_kind: PortalKind, portal_id: string, 
/**
 * The building's or location's name, for the title bar.
 */
place_name: string, building_id: string, 
/**
 * The building's IANA time zone: every time the console shows is in it. None for a
 * session an earlier version saved (the computer's own zone until the next sign-in).
 */
timezone: string | null, server: string, 
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

export type CreatedInvite = { invite: InviteView, synced: boolean, linked_invite_id: string | null, 
/**
 * Why Reverse Building Sync made no linked copy (empty when it did).
 */
reasons: Array<SyncReason>, };

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

export type BadgePrinted = { message: string, accepted_ms: number, };

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

export type Kiosk = { 
/**
 * The window shows the kiosk, locked down.
 */
locked: boolean, 
/**
 * Kiosk mode is the desk's setting (it starts locked next time too).
 */
enabled: boolean, 
/**
 * Started with `--kiosk`: locked for this run whatever the setting, once a PIN exists.
 */
forced: boolean, has_pin: boolean, idle_seconds: number, card_facility: number | null, };

export type KioskSetup = { enabled: boolean, 
/**
 * A new PIN (4 to 8 digits); None keeps the current one.
 */
pin: string | null, idle_seconds: number, card_facility: number | null, };

export type KioskWalkIn = { location_id: string, host_id: string | null, host_name: string, visitor_type_id: string | null, submission: Submission, };

export type WalkInOutcome = { 
/**
 * The building's invite; None while the walk-in waits for the connection.
 */
invite_id: string | null, 
/**
 * Waiting in the desk's queue: the host is told when it reaches the portal.
 */
queued: boolean, 
/**
 * The tenant got its linked copy (Reverse Building Sync).
 */
synced: boolean, 
/**
 * Why not, when it did not.
 */
sync_blockers: Array<string>, };

export type KioskProblem = "no_printer" | "badge" | "card" | "card_sync";

