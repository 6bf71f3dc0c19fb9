// What the receptionist's console needs from its side: in the desktop app, the app's commands
// (which work on the desk's local cache and keep working offline); in a browser, the portal's
// HTTP API directly (online only).

import { invoke } from "@tauri-apps/api/core";
import { dayIn } from "./zone";
import type {
  Building,
  CardRequest,
  ChangesPage,
  Created,
  DirectoryEntry,
  Event as ActivityEvent,
  Host,
  HostDraft,
  HostHit,
  HostPage,
  ImportReport,
  InviteView,
  Location,
  LocationSettings,
  LogPage,
  NewInvite,
  Origin,
  PortalKind,
  Resent,
  SignedIn,
  Summary,
  User,
  VisitorPatch,
} from "../generated/api-types";
import type {
  BadgePrinted,
  CachedInvite,
  Conflict,
  CreatedInvite,
  DeskFailure,
  DeskState,
  Devices,
  EncodedCard,
  ExportedCsv,
  InviteRow,
  Session,
  StartInfo,
} from "../generated/desk-types";

export interface Backend {
  /** The desktop app: an offline cache, a printer and a card encoder. */
  readonly desktop: boolean;
  startInfo(): Promise<StartInfo>;
  signIn(email: string, password: string): Promise<Session>;
  signInDemo(email: string): Promise<Session>;
  connect(server: string, email: string, password: string): Promise<Session>;
  useBuiltIn(): Promise<void>;
  signOut(): Promise<void>;
  state(): Promise<DeskState>;
  today(origin: Origin | null): Promise<InviteRow[]>;
  search(q: string): Promise<InviteRow[]>;
  scan(code: string): Promise<CachedInvite>;
  invite(id: string): Promise<CachedInvite>;
  arrive(id: string): Promise<CachedInvite>;
  checkOut(id: string): Promise<CachedInvite>;
  cancel(id: string): Promise<CachedInvite>;
  conflicts(): Promise<Conflict[]>;
  syncNow(): Promise<void>;
  /** The invitation sent again: the queued notification (the invite is unchanged). */
  resend(id: string): Promise<Resent>;
  changeValidity(id: string, validFrom: string, validTo: string): Promise<InviteView>;
  updateVisitor(id: string, patch: VisitorPatch): Promise<InviteView>;
  assignCard(id: string, card: CardRequest): Promise<InviteView>;
  /** The lobby kiosk's problem on this visit is dealt with. */
  clearAttention(id: string): Promise<InviteView>;
  activity(id: string): Promise<ActivityEvent[]>;
  summary(origin: Origin | null): Promise<Summary>;
  directory(): Promise<DirectoryEntry[]>;
  /** Hosts to pick for a new invite, by part of their name (needs the portal). */
  hosts(q: string): Promise<HostHit[]>;
  /** The directory this desk's admin keeps (a tenant's people, or the building's staff). */
  directoryHosts(q: string): Promise<HostPage>;
  /** Add a person (`id` null) or replace their entry. */
  saveHost(id: string | null, draft: HostDraft): Promise<Host>;
  importHosts(csv: string, dryRun: boolean): Promise<ImportReport>;
  createInvite(invite: NewInvite): Promise<CreatedInvite>;
  locationSettings(): Promise<LocationSettings>;
  saveLocationSettings(settings: LocationSettings): Promise<LocationSettings>;
  exportCsv(origin: Origin | null): Promise<ExportedCsv>;
  devices(): Promise<Devices>;
  setDevices(devices: Devices): Promise<Devices>;
  printBadge(id: string): Promise<BadgePrinted>;
  /** Write an access card on the desk's encoder (not yet assigned). */
  encodeCard(facility: number, number: number): Promise<EncodedCard>;
  firstScreen(): void;
}

/** A failure as the console shows it; `code` drives decisions (the card prompt). */
export class Failure extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

function failure(e: unknown): Failure {
  if (e instanceof Failure) return e;
  const f = e as Partial<DeskFailure> | string;
  if (typeof f === "object" && f && typeof f.message === "string") {
    return new Failure(f.code ?? "error", f.message);
  }
  return new Failure("error", String(e));
}

export async function call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw failure(e);
  }
}

export class TauriBackend implements Backend {
  readonly desktop = true;
  startInfo() { return call<StartInfo>("start_info"); }
  signIn(email: string, password: string) { return call<Session>("sign_in", { email, password }); }
  signInDemo(email: string) { return call<Session>("sign_in_demo", { email }); }
  connect(server: string, email: string, password: string) {
    return call<Session>("connect", { server, email, password });
  }
  useBuiltIn() { return call<void>("use_built_in"); }
  signOut() { return call<void>("sign_out"); }
  state() { return call<DeskState>("desk_state"); }
  today(origin: Origin | null) { return call<InviteRow[]>("today", { origin }); }
  search(q: string) { return call<InviteRow[]>("search", { q }); }
  scan(code: string) { return call<CachedInvite>("scan", { code }); }
  invite(id: string) { return call<CachedInvite>("invite", { id }); }
  arrive(id: string) { return call<CachedInvite>("arrive", { id }); }
  checkOut(id: string) { return call<CachedInvite>("check_out", { id }); }
  cancel(id: string) { return call<CachedInvite>("cancel", { id }); }
  conflicts() { return call<Conflict[]>("conflicts"); }
  syncNow() { return call<void>("sync_now"); }
  resend(id: string) { return call<Resent>("resend", { id }); }
  changeValidity(id: string, validFrom: string, validTo: string) {
    return call<InviteView>("change_validity", { id, validFrom, validTo });
  }
  updateVisitor(id: string, patch: VisitorPatch) { return call<InviteView>("update_visitor", { id, patch }); }
  assignCard(id: string, card: CardRequest) { return call<InviteView>("assign_card", { id, card }); }
  clearAttention(id: string) { return call<InviteView>("clear_desk_alert", { id }); }
  activity(id: string) { return call<ActivityEvent[]>("activity", { id }); }
  summary(origin: Origin | null) { return call<Summary>("summary", { origin }); }
  directory() { return call<DirectoryEntry[]>("directory"); }
  hosts(q: string) { return call<HostHit[]>("hosts", { q }); }
  directoryHosts(q: string) { return call<HostPage>("directory_hosts", { q }); }
  saveHost(id: string | null, draft: HostDraft) { return call<Host>("save_host", { id, draft }); }
  importHosts(csv: string, dryRun: boolean) { return call<ImportReport>("import_hosts", { csv, dryRun }); }
  createInvite(invite: NewInvite) { return call<CreatedInvite>("create_invite", { invite }); }
  locationSettings() { return call<LocationSettings>("location_settings"); }
  saveLocationSettings(settings: LocationSettings) {
    return call<LocationSettings>("save_location_settings", { settings });
  }
  exportCsv(origin: Origin | null) { return call<ExportedCsv>("export_csv", { origin }); }
  devices() { return call<Devices>("devices"); }
  setDevices(devices: Devices) { return call<Devices>("set_devices", { devices }); }
  // One request a press of Print: the desk never prints the same request twice.
  printBadge(id: string, request: string = crypto.randomUUID()) { return call<BadgePrinted>("print_badge", { id, request }); }
  encodeCard(facility: number, number: number) { return call<EncodedCard>("encode_card", { facility, number }); }
  firstScreen() { void call<void>("first_screen").catch(() => undefined); }
}

/** The same console in a browser, against the portal's API on the page's own origin. */
export class HttpBackend implements Backend {
  readonly desktop = false;
  private token = sessionStorage.getItem("frontdesk.token") ?? "";
  private session: Session | null = null;

  constructor(private readonly base = location.origin) {}

  private async req<T>(method: string, path: string, body?: unknown): Promise<T> {
    let r: Response;
    try {
      r = await fetch(`${this.base}/api/v1${path}`, {
        method,
        headers: {
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new Failure("offline", "The portal service cannot be reached. Check the network and try again.");
    }
    if (r.status === 204) return undefined as T;
    const v = await r.json().catch(() => ({}));
    if (!r.ok) throw new Failure(v?.error?.code ?? "refused", v?.error?.message ?? `The portal answered ${r.status}.`);
    return v as T;
  }

  private portalPath(): string {
    const s = this.session;
    if (!s) throw new Failure("signed_out", "Sign in first.");
    return `/${s.portal_kind === "building" ? "buildings" : "locations"}/${s.portal_id}`;
  }

  /** Today in the building's zone, from its midnight to the next. */
  private day(): string {
    const { from, to } = dayIn(this.session?.timezone ?? undefined);
    return `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  }

  private async describe(email: string): Promise<Session> {
    const me = await this.req<User>("GET", "/me");
    let kind: PortalKind = "building";
    let id = me.building_id ?? "";
    let name = "";
    let building = id;
    if (me.location_id || me.role === "tenant_admin") {
      const l = me.location_id
        ? await this.req<Location>("GET", `/locations/${me.location_id}`)
        : (await this.req<Location[]>("GET", `/tenants/${me.tenant_id}/locations`))[0];
      if (!l) throw new Failure("no_location", "This tenant has no location yet.");
      kind = "location";
      id = l.id;
      name = l.name;
      building = l.building_id;
    } else if (id) {
      name = (await this.req<Building>("GET", `/buildings/${id}`)).name;
    } else {
      throw new Failure("no_front_desk", "This account has no front desk.");
    }
    // Every time the console shows is in the building's zone.
    const timezone = (await this.req<Building>("GET", `/buildings/${building}`)).timezone;
    this.session = {
      email, role: me.role, portal_kind: kind, portal_id: id, place_name: name,
      building_id: building, timezone, server: this.base, built_in: false,
      may_edit_settings: me.role === "tenant_admin",
    };
    return this.session;
  }

  async startInfo(): Promise<StartInfo> {
    let session: Session | null = null;
    if (this.token) session = await this.describe("").catch(() => null);
    return { built_in: false, server: this.base, demo_accounts: [], session };
  }
  async signIn(email: string, password: string) {
    const r = await this.req<SignedIn>("POST", "/auth/login", { email, password });
    this.token = r.token;
    sessionStorage.setItem("frontdesk.token", r.token);
    return this.describe(email);
  }
  signInDemo(): Promise<Session> {
    return Promise.reject(new Failure("unsupported", "Demo accounts are in the desktop app."));
  }
  connect(_server: string, email: string, password: string) { return this.signIn(email, password); }
  async useBuiltIn() { throw new Failure("unsupported", "The built-in portal is in the desktop app."); }
  async signOut() {
    await this.req<void>("POST", "/auth/logout").catch(() => undefined);
    this.token = "";
    this.session = null;
    sessionStorage.removeItem("frontdesk.token");
  }
  async state(): Promise<DeskState> {
    const n = await this.req<ChangesPage>("GET", "/changes?limit=1&since=0").catch(() => null);
    const none = { ready: false, label: "Devices are in the desktop app" };
    return {
      revision: String(Date.now() >> 12), online: n !== null, pending: 0, conflicts: 0,
      last_error: null, printer: none, encoder: none,
    };
  }
  private static row(v: InviteView): CachedInvite {
    return { id: v.id, status: v.status, name: v.visitor.name, company: v.visitor.company, host: v.host_name, pending: 0, data: v };
  }
  private async rows(q: string): Promise<InviteRow[]> {
    const page = await this.req<LogPage>("GET", `${this.portalPath()}/visitor-logs?${q}&limit=200`);
    return page.items.map((e) => ({
      id: e.id, status: e.status, name: e.visitor.name, company: e.visitor.company, host: e.host_name, origin: e.origin, pending: 0,
    }));
  }
  today(origin: Origin | null) { return this.rows(`${this.day()}${origin ? `&origin=${origin}` : ""}`); }
  search(q: string) { return this.rows(`q=${encodeURIComponent(q)}`); }
  scan(code: string) { return this.invite(code.trim()); }
  async invite(id: string) { return HttpBackend.row(await this.req<InviteView>("GET", `/invites/${id}`)); }
  private async act(id: string, what: string) { return HttpBackend.row(await this.req<InviteView>("POST", `/invites/${id}/${what}`, {})); }
  arrive(id: string) { return this.act(id, "arrive"); }
  checkOut(id: string) { return this.act(id, "check-out"); }
  cancel(id: string) { return this.act(id, "cancel"); }
  async conflicts() { return []; }
  async syncNow() { /* nothing is queued in a browser */ }
  resend(id: string) { return this.req<Resent>("POST", `/invites/${id}/resend`, {}); }
  changeValidity(id: string, validFrom: string, validTo: string) {
    return this.req<InviteView>("PUT", `/invites/${id}/validity`, { valid_from: validFrom, valid_to: validTo });
  }
  updateVisitor(id: string, patch: VisitorPatch) { return this.req<InviteView>("PATCH", `/invites/${id}/visitor`, patch); }
  assignCard(id: string, card: CardRequest) { return this.req<InviteView>("PUT", `/invites/${id}/card`, card); }
  clearAttention(id: string) { return this.req<InviteView>("DELETE", `/invites/${id}/desk-alert`); }
  activity(id: string) { return this.req<ActivityEvent[]>("GET", `/invites/${id}/activity`); }
  summary(origin: Origin | null) {
    return this.req<Summary>("GET", `${this.portalPath()}/visitor-summary?${this.day()}${origin ? `&origin=${origin}` : ""}`);
  }
  async directory() {
    const s = this.session;
    return s && s.portal_kind === "building" ? this.req<DirectoryEntry[]>("GET", `/buildings/${s.portal_id}/directory`) : [];
  }
  async hosts(q: string): Promise<HostHit[]> {
    const s = this.session;
    if (!s) throw new Failure("signed_out", "Sign in first.");
    const query = `q=${encodeURIComponent(q)}`;
    if (s.portal_kind === "building") return this.req<HostHit[]>("GET", `/buildings/${s.portal_id}/host-search?${query}`);
    const page = await this.req<HostPage>("GET", `/locations/${s.portal_id}/hosts?${query}`);
    // The tenant's own desk may see its colleagues' addresses.
    return page.hosts.map((x) => ({
      id: x.id, name: x.name, organisation: "", locations: [s.place_name], location_id: s.portal_id, masked_contact: x.email,
    }));
  }
  private async directoryPath(): Promise<string> {
    const s = this.session;
    if (!s) throw new Failure("signed_out", "Sign in first.");
    if (s.portal_kind === "building") return `/buildings/${s.portal_id}`;
    const l = await this.req<Location>("GET", `/locations/${s.portal_id}`);
    return `/tenants/${l.tenant_id}`;
  }
  async directoryHosts(q: string) {
    return this.req<HostPage>("GET", `${await this.directoryPath()}/hosts?q=${encodeURIComponent(q)}&limit=200`);
  }
  async saveHost(id: string | null, draft: HostDraft) {
    return id ? this.req<Host>("PUT", `/hosts/${id}`, draft) : this.req<Host>("POST", `${await this.directoryPath()}/hosts`, draft);
  }
  async importHosts(csv: string, dryRun: boolean): Promise<ImportReport> {
    const r = await fetch(`${this.base}/api/v1${await this.directoryPath()}/hosts/import?dry_run=${dryRun}`, {
      method: "POST",
      headers: { authorization: `Bearer ${this.token}`, "content-type": "text/csv; charset=utf-8" },
      body: csv,
    });
    const v = await r.json().catch(() => ({}));
    if (!r.ok) throw new Failure(v?.error?.code ?? "refused", v?.error?.message ?? `The portal answered ${r.status}.`);
    return v as ImportReport;
  }
  async createInvite(invite: NewInvite): Promise<CreatedInvite> {
    const r = await this.req<Created>("POST", `${this.portalPath()}/invites`, invite);
    return { invite: r.invite, synced: r.sync.status === "synced", linked_invite_id: r.sync.linked_invite_id, reasons: r.sync.reasons };
  }
  locationSettings() { return this.req<LocationSettings>("GET", `/locations/${this.session?.portal_id}/settings`); }
  saveLocationSettings(settings: LocationSettings) {
    return this.req<LocationSettings>("PUT", `/locations/${this.session?.portal_id}/settings`, settings);
  }
  async exportCsv(origin: Origin | null): Promise<ExportedCsv> {
    const r = await fetch(`${this.base}/api/v1${this.portalPath()}/visitor-logs.csv?${this.day()}${origin ? `&origin=${origin}` : ""}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (!r.ok) throw new Failure("refused", `The export failed (${r.status}).`);
    const text = await r.text();
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
    a.download = "visitor-log.csv";
    a.click();
    return { path: "visitor-log.csv (downloads)", rows: Math.max(0, text.split("\n").filter(Boolean).length - 1) };
  }
  async devices(): Promise<Devices> { return { printer: null, encoder: null }; }
  async setDevices(): Promise<Devices> { throw new Failure("unsupported", "Printers and encoders are set up in the desktop app."); }
  async printBadge(): Promise<BadgePrinted> { throw new Failure("unsupported", "Printing is done from the desktop app."); }
  async encodeCard(): Promise<EncodedCard> { throw new Failure("unsupported", "Cards are encoded from the desktop app."); }
  firstScreen() { /* measured in the desktop app */ }
}

export function pickBackend(): Backend {
  return "__TAURI_INTERNALS__" in window ? new TauriBackend() : new HttpBackend();
}
