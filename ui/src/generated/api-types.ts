// Generated from the Rust types of frontdesk-api by `cargo test -p frontdesk-api --test typescript`
// (FRONTDESK_WRITE_TYPES=1 rewrites it). Do not edit by hand.

export type PortalKind = "building" | "location";

export type Portal = { kind: PortalKind, id: string, };

export type Origin = "building" | "tenant";

export type InviteStatus = "invited" | "checked_in" | "arrived" | "checked_out" | "cancelled" | "expired";

export type VisitAction = "check_in" | "arrive" | "check_out" | "cancel";

export type Role = "platform_admin" | "building_admin" | "tenant_admin" | "front_desk";

export type Visitor = { name: string, email: string | null, mobile: string | null, company: string | null, };

export type CardStatus = "active" | "expired" | "removed";

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

export type NotSyncedReason = "tenant_not_linked" | "visitor_management_disabled" | "sync_building_invitations_off" | "visitor_type_not_mapped";

export type QuestionKind = "text" | "yes_no" | "choice";

export type Question = { 
/**
 * Stable within the visitor type; answers are stored under it.
 */
key: string, label: string, kind: QuestionKind, required: boolean, options?: Array<string>, };

export type QuestionDraft = { label: string, kind: QuestionKind, required: boolean, options: Array<string> | null, };

export type VisitorType = { id: string, portal: Portal, name: string, requires_photo: boolean, requires_nda: boolean, nda_text: string | null, questions: Array<Question>, };

export type FlowQuestion = { 
/**
 * The side whose visitor type asks it.
 */
portal: PortalKind, 
/**
 * Stable within the visitor type; answers are stored under it.
 */
key: string, label: string, kind: QuestionKind, required: boolean, options?: Array<string>, };

export type FlowNda = { 
/**
 * `building` or `location`.
 */
key: string, portal: PortalKind, text: string, };

export type Flow = { questions: Array<FlowQuestion>, photo_required: boolean, ndas: Array<FlowNda>, };

export type Answer = boolean | string;

export type DirectoryKind = "tenant" | "building";

export type Directory = { kind: DirectoryKind, id: string, };

export type Channel = "email" | "sms" | "slack" | "teams";

export type HostPrefs = { 
/**
 * Channels for every message; email when left empty.
 */
channels: Array<Channel>, slack_webhook_url: string | null, teams_webhook_url: string | null, 
/**
 * Also tell the host when their visitor leaves.
 */
notify_check_out: boolean, 
/**
 * Also tell the host when a visit of theirs is cancelled.
 */
notify_cancelled: boolean, 
/**
 * Remind the host when their visitor has waited this many minutes and nobody said
 * "On my way".
 */
waiting_minutes: number | null, };

export type Host = { id: string, directory: Directory, name: string, 
/**
 * Lower case; unique within the directory.
 */
email: string, mobile: string | null, 
/**
 * The tenant's locations the host works at (empty: all of them, or building staff).
 */
location_ids: Array<string>, 
/**
 * Told too, on their own channels.
 */
delegate_id: string | null, 
/**
 * May be found by the building's lobby (the host search), by name only.
 */
lobby_searchable: boolean, 
/**
 * An inactive host is kept (old visits name them) but cannot be picked or told.
 */
active: boolean, prefs: HostPrefs, 
/**
 * The identity provider's name for the person (SCIM `userName`); the email unless synced.
 */
user_name: string, 
/**
 * The identity provider's own id (SCIM `externalId`).
 */
external_id: string | null, updated_at: string, };

export type HostDraft = { name: string, email: string, mobile: string | null, location_ids: Array<string>, delegate_id: string | null, lobby_searchable: boolean, active: boolean, prefs: HostPrefs | null, 
/**
 * Defaults to the email.
 */
user_name: string | null, external_id: string | null, };

export type ErrorBody = { error: ErrorDetail, };

export type ErrorDetail = { 
/**
 * Stable, for programs to decide on (`not_found`, `card_sync_blocked`, …).
 */
code: string, 
/**
 * A sentence for the person using the program.
 */
message: string, 
/**
 * Only with `card_sync_blocked`: the prompt's two answers (`save` assigns the card on this
 * side only, by sending the request again with `local_only: true`).
 */
choices?: Array<string>, };

export type Login = { email: string, password: string, };

export type User = { id: string, email: string, role: Role, building_id: string | null, tenant_id: string | null, location_id: string | null, };

export type SignedIn = { 
/**
 * Send as `Authorization: Bearer <token>`.
 */
token: string, user: User, };

export type PasswordChange = { current_password: string, new_password: string, };

export type PasswordChanged = { 
/**
 * The user's other sessions, ended by the change.
 */
other_sessions_ended: number, };

export type NewUser = { email: string, password: string, role: Role, building_id: string | null, tenant_id: string | null, location_id: string | null, };

export type AccountState = { id: string, email: string, disabled: boolean, 
/**
 * Sessions ended by this action.
 */
sessions_ended: number, };

export type Building = { id: string, name: string, 
/**
 * IANA time zone, e.g. `Europe/London`: every time a person reads is in it.
 */
timezone: string, 
/**
 * The language messages to visitors and hosts are written in (`en`, `fr`).
 */
language: string, created_at: string, };

export type Tenant = { id: string, name: string, created_at: string, };

export type Location = { id: string, tenant_id: string, building_id: string, name: string, settings: LocationSettings, created_at: string, };

export type DirectoryEntry = { location_id: string, location_name: string, tenant_id: string, tenant_name: string, 
/**
 * Linked to the building: only then can its invites sync.
 */
linked: boolean, };

export type TenantLink = { building_id: string, tenant_id: string, active: boolean, };

export type NewBuilding = { name: string, 
/**
 * IANA time zone, e.g. `Europe/London`.
 */
timezone: string, 
/**
 * The language of messages (`en` or `fr`); English when left out.
 */
language: string | null, };

export type NewTenant = { name: string, };

export type NewLocation = { name: string, building_id: string, };

export type NewLink = { tenant_id: string, };

export type NewVisitorType = { name: string, requires_photo: boolean, requires_nda: boolean, nda_text: string | null, questions: Array<QuestionDraft>, };

export type Profile = { id: string, name: string, email: string | null, mobile: string | null, company: string | null, updated_at: string, };

export type CardView = { number: string, format: string, status: CardStatus, valid_from: string, valid_to: string, assigned_at: string, 
/**
 * On both invites of the pair (false: assigned on this portal only).
 */
synced: boolean, };

export type InviteView = { id: string, portal: Portal, origin: Origin, primary: boolean, linked_invite_id: string | null, 
/**
 * As a person sees it now (expiry applied).
 */
status: InviteStatus, visitor: Visitor, profile_id: string, profile: Profile | null, host_name: string, 
/**
 * The host's directory entry, when the visit names one.
 */
host_id: string | null, 
/**
 * Whether the host has been told that the visitor is here, and whether they answered.
 */
host_notice: HostNotice | null, visitor_type_id: string | null, building_id: string, location_id: string, tenant_id: string, cancel_reason: string | null, created_at: string, 
/**
 * The active card, if any.
 */
card: CardView | null, 
/**
 * What the visitor types at the lobby kiosk (the same on both invites of a pair).
 */
short_code: string, 
/**
 * A problem a kiosk raised for the receptionist, until someone clears it.
 */
attention: string | null, valid_from: string, valid_to: string, checked_in_at: string | null, arrived_at: string | null, checked_out_at: string | null, cancelled_at: string | null, };

export type Event = { at: string, actor_id: string | null, actor_email: string | null, action: string, 
/**
 * The portal the action was taken in.
 */
portal: Portal, detail: Record<string, unknown>, };

export type NotificationState = "queued" | "sent" | "failed" | "held" | "superseded";

export type MessageKind = "invitation" | "host_arrival" | "host_waiting" | "host_check_out" | "host_cancelled" | "webhook";

export type HostNotice = { 
/**
 * When the first message telling the host (or their delegate) went out; None while it is
 * still on its way (or could not be delivered: see `problem`).
 */
notified_at: string | null, 
/**
 * When the host (or their delegate) pressed "On my way", and who.
 */
on_my_way_at: string | null, on_my_way_by: string | null, 
/**
 * Why the host could not be told, in words, when every message failed or was held.
 */
problem: string | null, };

export type HostHit = { id: string, name: string, 
/**
 * The tenant's name, or the building's for its own staff.
 */
organisation: string, 
/**
 * Where the host works (the tenant's locations in this building), by name.
 */
locations: Array<string>, 
/**
 * A location the visit can be booked at (the first of the host's in this building).
 */
location_id: string | null, 
/**
 * `g•••@acme.example`: enough for a receptionist to tell two namesakes apart.
 */
masked_contact: string, };

export type HostPage = { hosts: Array<Host>, 
/**
 * How many hosts the filter matches in all.
 */
total: number, };

export type ImportAction = "create" | "update" | "unchanged" | "error";

export type ImportLine = { 
/**
 * The line in the file (the header is line 1).
 */
line: number, email: string, action: ImportAction, 
/**
 * For an error: what is wrong and what to do.
 */
message: string | null, };

export type ImportReport = { dry_run: boolean, 
/**
 * True when the changes were written (not a dry run, no errors).
 */
applied: boolean, create: number, update: number, unchanged: number, errors: number, lines: Array<ImportLine>, };

export type ScimToken = { id: string, label: string, created_at: string, last_used_at: string | null, };

export type NewScimToken = { 
/**
 * What the token is for, e.g. "Okta".
 */
label: string, };

export type ScimTokenCreated = { token: ScimToken, 
/**
 * Give it to the identity provider as the bearer token; it cannot be shown again.
 */
secret: string, 
/**
 * The SCIM base URL to give the identity provider.
 */
base_url: string, };

export type Notification = { id: string, invite_id: string, portal: Portal, kind: MessageKind, 
/**
 * The host told, for a message to a host.
 */
host_id: string | null, 
/**
 * The integration's endpoint, for an event to a webhook.
 */
endpoint_id: string | null, 
/**
 * `email`, `sms`, `slack`, `teams` or `webhook`.
 */
channel: string, recipient: string, subject: string, body: string, state: NotificationState, created_at: string, sent_at: string | null, attempts: number, last_error: string | null, next_attempt_at: string | null, };

export type VisitorInput = { name: string, email: string | null, mobile: string | null, company: string | null, };

export type NewInvite = { 
/**
 * Required for building invites (the tenant location being visited); a location's own
 * invites are for that location.
 */
location_id: string | null, 
/**
 * The host's name as visitors and the badge show it; with `host_id`, may be left empty
 * (the directory's name is used).
 */
host_name: string, 
/**
 * A host from the directory of the location's tenant (or the building's staff): they are
 * told when the visitor arrives.
 */
host_id: string | null, visitor: VisitorInput, visitor_type_id: string | null, valid_from: string, valid_to: string, 
/**
 * Send the invitation message (default: yes).
 */
notify: boolean, };

export type SyncStatus = "synced" | "not_synced";

export type SyncReason = { code: NotSyncedReason, message: string, };

export type SyncOutcome = { status: SyncStatus, linked_invite_id: string | null, 
/**
 * Every failed precondition, not only the first, so an admin can fix them in one go.
 */
reasons: Array<SyncReason>, };

export type Created = { invite: InviteView, sync: SyncOutcome, 
/**
 * The one invitation message queued, if any.
 */
notification: Notification | null, };

export type VisitorUpdateScope = "profile" | "invite_and_profile";

export type VisitorPatch = { scope: VisitorUpdateScope, name: string | null, email: string | null, mobile: string | null, company: string | null, };

export type CardRequest = { number: string, format: string, 
/**
 * Assign on this side only (the "Save" of the card-sync-blocked prompt).
 */
local_only: boolean, };

export type Validity = { valid_from: string, valid_to: string, };

export type Cancel = { reason: string | null, };

export type Resent = { notification: Notification, };

export type LogEntry = { id: string, origin: Origin, 
/**
 * The words of the Invite Origin filter: `Building Created` or `Tenant Created`.
 */
origin_label: string, status: InviteStatus, visitor: Visitor, host_name: string, visitor_type_id: string | null, location_id: string, linked_invite_id: string | null, valid_from: string, valid_to: string, checked_in_at: string | null, arrived_at: string | null, checked_out_at: string | null, cancelled_at: string | null, };

export type LogPage = { items: Array<LogEntry>, limit: number, offset: number, 
/**
 * The offset of the next page; none on the last.
 */
next_offset: number | null, };

export type Summary = { 
/**
 * Invited or checked in, not yet arrived, still valid.
 */
expected: number, checked_in: number, on_site: number, checked_out: number, cancelled: number, expired: number, total: number, };

export type ReportRow = { location_id: string, 
/**
 * UTC calendar day, `YYYY-MM-DD`.
 */
day: string, created: number, checked_in: number, arrived: number, checked_out: number, cancelled: number, badges: number, cards: number, };

export type Change = { seq: number, at: string, portal: Portal, 
/**
 * `invite`, `visitor_type` or `location_settings`.
 */
entity: string, entity_id: string, data: unknown, };

export type ChangesPage = { changes: Array<Change>, 
/**
 * The cursor for the next page: the last change's sequence number (or `since`).
 */
last_seq: number, };

export type ClientMutation = { id: string, invite_id: string, action: VisitAction, at: string, 
/**
 * A cancel's reason.
 */
reason: string | null, };

export type Push = { mutations: Array<ClientMutation>, };

export type MutationResult = "applied" | "conflict" | "refused";

export type MutationOutcome = { id: string, invite_id: string, outcome: MutationResult, code: string | null, message: string | null, };

export type Applied = { 
/**
 * The invite as it now stands, when the caller may see it.
 */
invite: InviteView | null, id: string, invite_id: string, outcome: MutationResult, code: string | null, message: string | null, };

export type PushResults = { results: Array<Applied>, };

export type VisitorFields = { name: string, email: string | null, mobile: string | null, };

export type RegistrationView = { invite_id: string, status: InviteStatus, visitor: VisitorFields, host_name: string, building_name: string, location_name: string, 
/**
 * The building's time zone (IANA, `Europe/London`): the page shows the visit's times on
 * the building's clock, wherever the visitor's phone is.
 */
timezone: string, valid_from: string, valid_to: string, questions: Array<FlowQuestion>, photo_required: boolean, ndas: Array<FlowNda>, };

export type SubmittedVisitor = { name: string, email: string | null, mobile: string | null, };

export type FlowAnswers = { 
/**
 * By question key (`building.q1`): yes/no answers as booleans, the others as text.
 */
answers: { [key in string]?: Answer }, 
/**
 * The photo as base64 (PNG or JPEG, at most 5 MB).
 */
photo: string | null, 
/**
 * The keys of the NDAs accepted (`building`, `location`).
 */
accepted_ndas: Array<string>, 
/**
 * The visitor's full name, typed as their signature of the NDAs.
 */
signature: string | null, };

export type Submission = { visitor: SubmittedVisitor, 
/**
 * By question key (`building.q1`): yes/no answers as booleans, the others as text.
 */
answers: { [key in string]?: Answer }, 
/**
 * The photo as base64 (PNG or JPEG, at most 5 MB).
 */
photo: string | null, 
/**
 * The keys of the NDAs accepted (`building`, `location`).
 */
accepted_ndas: Array<string>, 
/**
 * The visitor's full name, typed as their signature of the NDAs.
 */
signature: string | null, };

export type Submitted = { invite_id: string, status: InviteStatus, checked_in_at: string | null, };

export type StoredAnswer = { key: string, label: string, value: string, answered_at: string, };

export type NdaAcceptance = { text: string, text_sha256: string, 
/**
 * The visitor's full name, typed as their signature.
 */
signature: string, accepted_at: string, };

export type RegistrationRecord = { answers: Array<StoredAnswer>, nda: NdaAcceptance | null, has_photo: boolean, };

export type Printed = { printer: string, 
/**
 * The printer's job id.
 */
job_id: number | null, };

export type WalkInFlow = { building_name: string, location_name: string, 
/**
 * The building's time zone (IANA name).
 */
timezone: string, questions: Array<FlowQuestion>, photo_required: boolean, ndas: Array<FlowNda>, 
/**
 * Whether Reverse Building Sync applies: the tenant gets its copy of the visit.
 */
syncs: boolean, 
/**
 * Every failed precondition of the sync, in words (empty when it syncs).
 */
sync_blockers: Array<string>, };

export type WalkInLocation = { id: string, tenant_name: string, location_name: string, 
/**
 * The tenant has active hosts at this location in its directory.
 */
host_directory: boolean, 
/**
 * Some of them may be found by the lobby's host search.
 */
lobby_searchable_hosts: boolean, };

export type WalkInVisitorType = { id: string, name: string, requires_photo: boolean, requires_nda: boolean, };

export type WalkInPlaces = { locations: Array<WalkInLocation>, visitor_types: Array<WalkInVisitorType>, };

export type WalkIn = { 
/**
 * Made on the desk (UUIDv7): the walk-in's idempotency key. The same id sent again
 * answers the visit it made.
 */
id: string, 
/**
 * The tenant location being visited.
 */
location_id: string, 
/**
 * A host from the location's tenant's directory (or the building's staff): told of the
 * arrival.
 */
host_id: string | null, 
/**
 * The host's name as the badge shows it; with `host_id`, may be left empty.
 */
host_name: string, 
/**
 * One of the building's visitor types.
 */
visitor_type_id: string | null, 
/**
 * What the visitor gave on the kiosk, as the visitor's page submits it.
 */
submission: Submission, 
/**
 * When the visitor arrived on the desk (at most 24 hours ago; a time in the future is
 * taken as now).
 */
arrived_at: string, };

export type WalkInDone = { 
/**
 * The building's invite (the pair's primary).
 */
invite: InviteView, 
/**
 * The tenant got its copy.
 */
synced: boolean, 
/**
 * Why it did not, in words.
 */
sync_blockers: Array<string>, 
/**
 * This walk-in id was seen before: nothing was written, the visit is the one it made.
 */
replayed: boolean, };

export type ArrivalNeeds = { 
/**
 * The flow requires a photo and the visit has none.
 */
photo: boolean, 
/**
 * Agreements not accepted, or whose text changed since they were.
 */
ndas: Array<FlowNda>, 
/**
 * Required questions without an answer.
 */
questions: Array<FlowQuestion>, };

export type DeskAlert = { 
/**
 * At most 300 characters, one line.
 */
message: string, };

export type WebhookEvent = "invite.created" | "invite.cancelled" | "visitor.checked_in" | "visitor.arrived" | "visitor.checked_out" | "card.assigned";

export type WebhookOwnerKind = "tenant" | "building";

export type NewWebhook = { 
/**
 * `https://` (plain `http://` only for a receiver on loopback).
 */
url: string, 
/**
 * At least one of `invite.created`, `invite.cancelled`, `visitor.checked_in`,
 * `visitor.arrived`, `visitor.checked_out`, `card.assigned`.
 */
events: Array<string>, description: string | null, };

export type WebhookEndpoint = { id: string, owner_kind: WebhookOwnerKind, 
/**
 * The tenant's or the building's id.
 */
owner_id: string, url: string, events: Array<WebhookEvent>, description: string | null, created_at: string, };

export type WebhookCreated = { endpoint: WebhookEndpoint, 
/**
 * The key of `Frontdesk-Signature` (HMAC-SHA256); it cannot be shown again.
 */
secret: string, };

export type WebhookAttempt = { at: string, 
/**
 * The receiver's HTTP status, when it answered.
 */
status: number | null, 
/**
 * Why the try failed, when it did (no answer, or not 2xx).
 */
error: string | null, duration_ms: number, };

export type WebhookDelivery = { 
/**
 * Sent as `Frontdesk-Webhook-Id`.
 */
id: string, event: WebhookEvent, invite_id: string, state: NotificationState, created_at: string, delivered_at: string | null, next_attempt_at: string | null, attempts: Array<WebhookAttempt>, };

export type WebhookData = { 
/**
 * The invite as the endpoint's side sees it (`GET /invites/{id}` of that side's copy).
 */
invite: InviteView, };

export type WebhookPayload = { 
/**
 * The event's id (the same for every endpoint it goes to).
 */
id: string, type: WebhookEvent, created_at: string, data: WebhookData, };

