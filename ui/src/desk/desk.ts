// The receptionist's console: today's visitors and who is on site, search as you type, the
// scanner, the actions on an invite, new invites, the Location Settings card and the export.
// The same code runs in the desktop app (Tauri commands) and in a browser (HTTP).

import { h } from "../flow/dom";
import { Backend, Failure, pickBackend } from "./backend";
import type {
  CachedInvite,
  InviteRow,
  DeskState,
  DirectoryEntry,
  InviteView,
  Origin,
  Session,
  StartInfo,
  VisitorUpdateScope,
} from "../generated/desk-types";

const CARD_BLOCKED = "card_sync_blocked";

const backend: Backend = pickBackend();
const root = document.getElementById("app") as HTMLElement;

let session: Session | null = null;
let origin: Origin | null = null;
let query = "";
let selected: string | null = null;
let revision = "";
let poller: number | undefined;

function show(...children: (Node | string | null | false)[]) {
  root.replaceChildren(...children.filter((c): c is Node | string => !!c));
}

function toast(text: string, kind: "ok" | "error" = "ok") {
  const t = h("div", { class: `toast ${kind}`, role: kind === "error" ? "alert" : "status", id: "toast" }, text);
  document.getElementById("toast")?.remove();
  document.body.append(t);
  window.setTimeout(() => t.remove(), kind === "error" ? 8000 : 4000);
}

function fail(e: unknown) {
  toast(e instanceof Error ? e.message : String(e), "error");
}

const STATUS_LABEL: Record<string, string> = {
  invited: "Expected",
  checked_in: "Checked in",
  arrived: "On site",
  checked_out: "Checked out",
  cancelled: "Cancelled",
  expired: "Expired",
};

function time(t: string | null): string {
  if (!t) return "";
  return new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function localInput(t: string): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// ---------------------------------------------------------------------------------------------
// Sign-in

async function start() {
  show(h("p", { class: "starting" }, "Starting the desk…"));
  let info: StartInfo;
  try {
    info = await backend.startInfo();
  } catch (e) {
    show(h("p", { class: "error", role: "alert" }, `The desk could not start: ${(e as Error).message}`));
    return;
  }
  if (info.session) openConsole(info.session);
  else signInScreen(info);
  backend.firstScreen();
}

function signInScreen(info: StartInfo) {
  stopPolling();
  const email = h("input", { id: "email", type: "email", autocomplete: "username", required: true });
  const password = h("input", { id: "password", type: "password", autocomplete: "current-password", required: true });
  const signIn = h(
    "form",
    {
      id: "sign-in",
      class: "card",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          openConsole(await backend.signIn(email.value, password.value));
        } catch (err) {
          fail(err);
        }
      },
    },
    h("h2", {}, info.built_in ? "Sign in" : `Sign in to ${info.server}`),
    h("label", {}, "Email", email),
    h("label", {}, "Password", password),
    h("button", { type: "submit" }, "Sign in"),
  );
  const demo =
    info.demo_accounts.length > 0 &&
    h(
      "section",
      { class: "card", id: "demo-accounts" },
      h("h2", {}, "Demo accounts (built-in portal)"),
      h("p", { class: "hint" }, "This desk runs its own portal with a demo building. Pick who you are:"),
      ...info.demo_accounts.map((a) =>
        h(
          "button",
          {
            class: "demo",
            "data-email": a.email,
            onclick: async () => {
              try {
                openConsole(await backend.signInDemo(a.email));
              } catch (err) {
                fail(err);
              }
            },
          },
          h("strong", {}, a.what),
          h("span", {}, a.email),
        ),
      ),
    );
  const url = h("input", { id: "server-url", type: "url", placeholder: "https://portal.example.com", required: true });
  const cEmail = h("input", { id: "server-email", type: "email", required: true });
  const cPassword = h("input", { id: "server-password", type: "password", required: true });
  const connect = h(
    "form",
    {
      id: "connect",
      class: "card",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          openConsole(await backend.connect(url.value, cEmail.value, cPassword.value));
        } catch (err) {
          fail(err);
        }
      },
    },
    h("h2", {}, "Connect to a server"),
    h("p", { class: "hint" }, "Use your building's shared portal instead of the built-in one. The desk remembers it."),
    h("label", {}, "Portal address", url),
    h("label", {}, "Email", cEmail),
    h("label", {}, "Password", cPassword),
    h("button", { type: "submit" }, "Connect"),
  );
  const builtIn =
    !info.built_in &&
    h(
      "button",
      {
        id: "use-built-in",
        class: "link",
        onclick: async () => {
          try {
            await backend.useBuiltIn();
            signInScreen(await backend.startInfo());
          } catch (err) {
            fail(err);
          }
        },
      },
      "Use the built-in portal instead",
    );
  show(
    h("header", { class: "bar" }, h("h1", {}, "Frontdesk")),
    h("main", { class: "sign-in", id: "sign-in-screen" }, demo || null, signIn, info.built_in ? connect : null, builtIn || null),
  );
}

// ---------------------------------------------------------------------------------------------
// The console

const status = h("div", { id: "status", class: "status" });
const summary = h("div", { id: "summary", class: "summary" });
const list = h("ul", { id: "invites", class: "invites" });
const detail = h("section", { id: "detail", class: "detail" });
const search = h("input", {
  id: "search",
  type: "search",
  placeholder: "Search name, company, host, email — or scan a badge",
  autocomplete: "off",
});

function openConsole(s: Session) {
  session = s;
  shownStatus = "";
  selected = null;
  revision = "";
  const originSelect = h(
    "select",
    {
      id: "origin",
      "aria-label": "Invite Origin",
      onchange: () => {
        origin = (originSelect.value || null) as Origin | null;
        void refresh();
      },
    },
    h("option", { value: "" }, "All invites"),
    h("option", { value: "building" }, "Building Created"),
    h("option", { value: "tenant" }, "Tenant Created"),
  );
  originSelect.value = origin ?? "";
  search.value = query;
  search.oninput = () => {
    query = search.value;
    void refresh();
  };
  const tools = h(
    "div",
    { class: "tools" },
    h("button", { id: "new-invite", title: "Alt+N", onclick: () => void newInvite() }, "New invite"),
    h("button", { id: "export-csv", onclick: () => void exportCsv() }, "Export CSV"),
    backend.desktop && h("button", { id: "show-conflicts", onclick: () => void showConflicts() }, "Conflicts"),
    backend.desktop && h("button", { id: "show-devices", onclick: () => void showDevices() }, "Devices"),
    s.may_edit_settings && h("button", { id: "show-settings", onclick: () => void showSettings() }, "Location Settings"),
  );
  show(
    h(
      "header",
      { class: "bar" },
      h("h1", {}, "Frontdesk"),
      h("span", { id: "place", class: "place" }, `${s.place_name} · ${s.portal_kind === "building" ? "Building Portal" : "Tenant Portal"}`),
      h("span", { class: "who" }, s.email),
      h("button", { id: "sign-out", class: "link", onclick: () => void signOut() }, "Sign out"),
    ),
    status,
    h(
      "main",
      { class: "console" },
      h(
        "section",
        { class: "left" },
        h("div", { class: "filters" }, search, h("label", { class: "origin" }, "Invite Origin ", originSelect)),
        summary,
        tools,
        list,
      ),
      detail,
    ),
    h(
      "footer",
      { class: "shortcuts" },
      "Shortcuts: / search · Alt+A arrival · Alt+O check out · Alt+P print badge · Alt+N new invite · Esc close",
    ),
  );
  detail.replaceChildren(h("p", { class: "hint" }, "Pick a visitor, type a name, or scan a badge."));
  search.focus();
  void refresh();
  startPolling();
}

async function signOut() {
  try {
    await backend.signOut();
  } finally {
    session = null;
    signInScreen(await backend.startInfo());
  }
}

function stopPolling() {
  if (poller !== undefined) window.clearInterval(poller);
  poller = undefined;
}

function startPolling() {
  stopPolling();
  void poll();
  poller = window.setInterval(() => void poll(), 400);
}

async function poll() {
  let st: DeskState;
  try {
    st = await backend.state();
  } catch {
    return;
  }
  drawStatus(st);
  if (st.revision !== revision) {
    revision = st.revision;
    await refresh();
  }
}

let shownStatus = "";

function drawStatus(st: DeskState) {
  // Polled often: touch the page (and make it lay out again) only when something changed.
  const key = JSON.stringify(st);
  if (key === shownStatus) return;
  shownStatus = key;
  const sync = st.online
    ? st.pending > 0
      ? `Syncing · ${st.pending} change${st.pending === 1 ? "" : "s"} waiting to sync`
      : "Online · all changes synced"
    : `Offline · ${st.pending} change${st.pending === 1 ? "" : "s"} waiting to sync`;
  status.replaceChildren(
    h("span", { id: "sync-state", class: st.online ? "ok" : "warn", "data-pending": st.pending }, sync),
    st.conflicts > 0
      ? h("button", { id: "conflict-count", class: "warn link", onclick: () => void showConflicts() }, `${st.conflicts} conflict${st.conflicts === 1 ? "" : "s"} to review`)
      : "",
    backend.desktop ? h("span", { id: "printer-state", class: st.printer.ready ? "ok" : "muted" }, st.printer.label) : "",
    backend.desktop ? h("span", { id: "encoder-state", class: st.encoder.ready ? "ok" : "muted" }, st.encoder.label) : "",
  );
}

async function refresh() {
  if (!session) return;
  try {
    const rows = query.trim() ? await backend.search(query) : await backend.today(origin);
    const shown = query.trim() && origin ? rows.filter((r) => r.origin === origin) : rows;
    drawList(shown);
    if (selected) {
      const still = await backend.invite(selected).catch(() => null);
      // Redraw only what changed, so a form being filled in is not wiped by a sync.
      if (still && JSON.stringify([still.data, still.pending]) !== shownDetail) drawDetail(still);
    }
  } catch (e) {
    fail(e);
  }
  backend
    .summary(origin)
    .then((s) => {
      summary.replaceChildren(
        ...([
          ["Expected", s.expected],
          ["Checked in", s.checked_in],
          ["On site", s.on_site],
          ["Checked out", s.checked_out],
          ["Cancelled", s.cancelled],
        ] as [string, number][]).map(([k, v]) => h("div", { class: "tile", "data-kind": k }, h("strong", {}, String(v)), h("span", {}, k))),
      );
    })
    .catch(() => summary.replaceChildren(h("p", { class: "muted" }, "Visitor Summary needs the portal (offline).")));
}

function drawList(rows: InviteRow[]) {
  list.replaceChildren(
    ...(rows.length === 0
      ? [h("li", { class: "empty" }, query ? "No visitor matches." : "No visitors today.")]
      : rows.map((r) =>
          h(
            "li",
            {
              class: `row ${r.id === selected ? "selected" : ""}`,
              "data-id": r.id,
              "data-status": r.status,
              "data-origin": r.origin,
              tabindex: 0,
              onclick: () => select(r.id),
              onkeydown: (e: Event) => {
                if ((e as KeyboardEvent).key === "Enter") select(r.id);
              },
            },
            h("span", { class: "name" }, r.name),
            h("span", { class: "company" }, r.company ?? ""),
            h("span", { class: "host" }, `Host: ${r.host}`),
            h("span", { class: `state s-${r.status}` }, STATUS_LABEL[r.status] ?? r.status),
            h("span", { class: "origin-tag" }, r.origin === "building" ? "Building Created" : "Tenant Created"),
            r.pending > 0 ? h("span", { class: "pending", title: "Waiting to sync" }, "⟳") : null,
          ),
        )),
  );
}

async function select(id: string) {
  selected = id;
  try {
    drawDetail(await backend.invite(id));
    list.querySelectorAll(".row").forEach((el) => el.classList.toggle("selected", (el as HTMLElement).dataset.id === id));
  } catch (e) {
    fail(e);
  }
}

/** Run an action on the visit; say what happened (or why not) and redraw. */
async function act<T>(f: () => Promise<T>, done: string | ((result: T) => string)) {
  try {
    const result = await f();
    toast(typeof done === "string" ? done : done(result));
    await refresh();
  } catch (e) {
    fail(e);
  }
}

let shownDetail = "";

function drawDetail(r: CachedInvite) {
  shownDetail = JSON.stringify([r.data, r.pending]);
  const wasOpen = [...detail.querySelectorAll("details[open]")].map((d) => d.id);
  const v: InviteView = r.data;
  const id = r.id;
  const open = ["invited", "checked_in", "arrived"].includes(v.status);
  const activity = h("ol", { id: "activity", class: "activity" });
  const validityFrom = h("input", { id: "valid-from", type: "datetime-local", value: localInput(v.valid_from) });
  const validityTo = h("input", { id: "valid-to", type: "datetime-local", value: localInput(v.valid_to) });
  const name = h("input", { id: "visitor-name", value: v.visitor.name });
  const emailIn = h("input", { id: "visitor-email", type: "email", value: v.visitor.email ?? "" });
  const company = h("input", { id: "visitor-company", value: v.visitor.company ?? "" });
  const scope = h(
    "select",
    { id: "visitor-scope" },
    h("option", { value: "invite_and_profile" }, "This invite and the profile"),
    h("option", { value: "profile" }, "Profile only"),
  );
  const cardNumber = h("input", { id: "card-number", inputmode: "numeric", placeholder: "Card number" });
  const cardFormat = h("select", { id: "card-format" }, h("option", { value: "H10301" }, "HID 26-bit (H10301)"), h("option", { value: "MIFARE" }, "MIFARE"));
  const facility = h("input", { id: "card-facility", inputmode: "numeric", placeholder: "0–255" });
  const encodeNumber = h("input", { id: "encode-number", inputmode: "numeric", placeholder: "0–65535" });
  // Assign a card; when card sync is off the product's prompt decides: Save assigns it on this
  // portal only, Cancel assigns nothing.
  const assignWithPrompt = async (number: string, format: string) => {
    try {
      await backend.assignCard(id, { number, format, local_only: false });
      toast("Card assigned.");
      await refresh();
    } catch (err) {
      if (err instanceof Failure && err.code === CARD_BLOCKED) {
        if (await prompt2(err.message)) await act(() => backend.assignCard(id, { number, format, local_only: true }), "Card assigned on this portal only.");
        else toast("The card was not assigned.");
      } else fail(err);
    }
  };
  detail.replaceChildren(
    h("h2", { id: "detail-name" }, v.visitor.name),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Status"),
      h("dd", { id: "detail-status", "data-status": v.status }, STATUS_LABEL[v.status] ?? v.status, r.pending > 0 ? " (waiting to sync)" : ""),
      h("dt", {}, "Company"),
      h("dd", {}, v.visitor.company ?? "—"),
      h("dt", {}, "Host"),
      h("dd", {}, v.host_name),
      h("dt", {}, "Visit"),
      h("dd", {}, `${new Date(v.valid_from).toLocaleDateString()} ${time(v.valid_from)}–${time(v.valid_to)}`),
      h("dt", {}, "Invite Origin"),
      h("dd", { id: "detail-origin" }, v.origin === "building" ? "Building Created" : "Tenant Created"),
      h("dt", {}, "Sync"),
      h("dd", { id: "detail-link" }, v.linked_invite_id ? (v.primary ? "Linked · this portal is primary" : "Linked · the other portal is primary") : "Not linked"),
      h("dt", {}, "Card"),
      h("dd", { id: "detail-card" }, v.card ? `${v.card.number} (${v.card.format})${v.card.synced ? " · on both portals" : " · this portal only"}` : "None"),
      h("dt", {}, "Badge code"),
      h("dd", { class: "code" }, v.primary || !v.linked_invite_id ? v.id : (v.linked_invite_id ?? "")),
    ),
    h(
      "div",
      { class: "actions" },
      h("button", { id: "arrive", title: "Alt+A", disabled: !["invited", "checked_in"].includes(v.status), onclick: () => act(() => backend.arrive(id), `${v.visitor.name} is on site.`) }, "Mark arrival"),
      h("button", { id: "check-out", title: "Alt+O", disabled: v.status !== "arrived", onclick: () => act(() => backend.checkOut(id), `${v.visitor.name} checked out.`) }, "Check out"),
      backend.desktop && h("button", { id: "print-badge", title: "Alt+P", disabled: !open, onclick: () => act(() => backend.printBadge(id), (m) => m) }, "Print badge"),
      h("button", { id: "resend", disabled: !open || !v.primary, title: v.primary ? "" : "Only the primary side sends the invitation.", onclick: () => act(() => backend.resend(id), "Invitation sent again.") }, "Resend"),
      h("button", { id: "cancel-invite", class: "danger", disabled: !["invited", "checked_in"].includes(v.status), onclick: () => { if (confirm(`Cancel ${v.visitor.name}'s visit?`)) void act(() => backend.cancel(id), "Visit cancelled."); } }, "Cancel visit"),
    ),
    h(
      "details",
      { id: "validity-box" },
      h("summary", {}, "Change validity"),
      v.primary
        ? h(
            "form",
            {
              onsubmit: (e: Event) => {
                e.preventDefault();
                void act(() => backend.changeValidity(id, new Date(validityFrom.value).toISOString(), new Date(validityTo.value).toISOString()), v.linked_invite_id ? "Validity changed on both portals." : "Validity changed.");
              },
            },
            h("label", {}, "From", validityFrom),
            h("label", {}, "To", validityTo),
            h("button", { type: "submit", id: "save-validity" }, "Save validity"),
          )
        : h("p", { id: "validity-not-primary", class: "hint" }, "Validity is changed on the primary side only: this invite came from the other portal, so ask them to change it there. It follows here automatically."),
    ),
    h(
      "details",
      { id: "visitor-box" },
      h("summary", {}, "Update visitor details"),
      h(
        "form",
        {
          onsubmit: (e: Event) => {
            e.preventDefault();
            void act(() => backend.updateVisitor(id, { scope: scope.value as VisitorUpdateScope, name: name.value, email: emailIn.value || null, mobile: null, company: company.value || null }), "Visitor details saved.");
          },
        },
        h("label", {}, "Name", name),
        h("label", {}, "Email", emailIn),
        h("label", {}, "Company", company),
        h("label", {}, "Apply to", scope),
        h("button", { type: "submit", id: "save-visitor" }, "Save details"),
      ),
    ),
    h(
      "details",
      { id: "card-box" },
      h("summary", {}, "Assign a card"),
      h(
        "form",
        {
          id: "card-form",
          onsubmit: (e: Event) => {
            e.preventDefault();
            void assignWithPrompt(cardNumber.value, cardFormat.value);
          },
        },
        h("label", {}, "Number", cardNumber),
        h("label", {}, "Format", cardFormat),
        h("button", { type: "submit", id: "assign-card" }, "Assign card"),
      ),
      backend.desktop && h(
        "form",
        {
          id: "encode-form",
          onsubmit: async (e: Event) => {
            e.preventDefault();
            if (!facility.value.trim() || !encodeNumber.value.trim()) {
              toast("Enter the facility code and the card number to write.", "error");
              return;
            }
            toast("Place a card on the encoder…");
            try {
              const card = await backend.encodeCard(Number(facility.value), Number(encodeNumber.value));
              await assignWithPrompt(card.number, card.format);
            } catch (err) {
              fail(err);
            }
          },
        },
        h("p", { class: "hint" }, "Or write a new card on the encoder (HID 26-bit):"),
        h("label", {}, "Facility code", facility),
        h("label", {}, "Card number", encodeNumber),
        h("button", { type: "submit", id: "encode-card" }, "Encode and assign"),
      ),
    ),
    h("details", { id: "activity-box", ontoggle: async (e: Event) => {
      if (!(e.target as HTMLDetailsElement).open) return;
      try {
        const events = await backend.activity(id);
        activity.replaceChildren(...events.map((ev) => h("li", {}, h("time", {}, `${new Date(ev.at).toLocaleString()} `), `${ev.action.replace(/_/g, " ")} — ${ev.actor_email ?? "system"} (${ev.portal.kind} portal)`)));
      } catch (err) {
        activity.replaceChildren(h("li", { class: "muted" }, (err as Error).message));
      }
    } }, h("summary", {}, "Activity"), activity),
  );
  for (const id of wasOpen) (document.getElementById(id) as HTMLDetailsElement | null)?.setAttribute("open", "");
}

/** The "Card sync blocked" prompt with its Save/Cancel choices. */
function prompt2(text: string): Promise<boolean> {
  return new Promise((resolve) => {
    const close = (v: boolean) => {
      dlg.remove();
      resolve(v);
    };
    const dlg = h(
      "div",
      { class: "modal", role: "dialog", "aria-modal": "true", id: "card-blocked" },
      h(
        "div",
        { class: "modal-box" },
        h("h2", {}, "Card sync blocked"),
        h("p", { id: "card-blocked-text" }, text),
        h("div", { class: "actions" }, h("button", { id: "card-blocked-save", onclick: () => close(true) }, "Save"), h("button", { id: "card-blocked-cancel", class: "link", onclick: () => close(false) }, "Cancel")),
      ),
    );
    document.body.append(dlg);
    (dlg.querySelector("#card-blocked-save") as HTMLButtonElement).focus();
  });
}

function panel(id: string, title: string, ...body: (Node | null)[]) {
  // A panel replaces the visitor's details until a visitor is picked again.
  selected = null;
  list.querySelectorAll(".row.selected").forEach((el) => el.classList.remove("selected"));
  detail.replaceChildren(h("section", { id, class: "panel" }, h("h2", {}, title), ...body.filter((b): b is Node => !!b)));
}

async function newInvite() {
  if (!session) return;
  let dir: DirectoryEntry[] = [];
  try {
    dir = await backend.directory();
  } catch (e) {
    fail(e);
    return;
  }
  const now = new Date();
  const end = new Date(now.getTime() + 4 * 3600_000);
  const where = h("select", { id: "new-location" }, ...dir.map((d) => h("option", { value: d.location_id }, `${d.tenant_name} — ${d.location_name}${d.linked ? "" : " (not linked)"}`)));
  const host = h("input", { id: "new-host", required: true });
  const name = h("input", { id: "new-name", required: true });
  const email = h("input", { id: "new-email", type: "email" });
  const company = h("input", { id: "new-company" });
  const from = h("input", { id: "new-from", type: "datetime-local", value: localInput(now.toISOString()) });
  const to = h("input", { id: "new-to", type: "datetime-local", value: localInput(end.toISOString()) });
  const result = h("div", { id: "new-result" });
  panel(
    "new-invite-panel",
    "New invite",
    h(
      "form",
      {
        onsubmit: async (e: Event) => {
          e.preventDefault();
          try {
            const c = await backend.createInvite({
              location_id: session?.portal_kind === "building" ? where.value : null,
              host_name: host.value,
              visitor: { name: name.value, email: email.value || null, mobile: null, company: company.value || null },
              visitor_type_id: null,
              valid_from: new Date(from.value).toISOString(),
              valid_to: new Date(to.value).toISOString(),
              notify: true,
            });
            result.replaceChildren(
              session?.portal_kind === "building"
                ? c.synced
                  ? h("p", { class: "ok", id: "sync-result" }, "Synced: the tenant has a linked copy of this invite.")
                  : h("div", { class: "warn", id: "sync-result" }, h("p", {}, "Not synced to the tenant:"), h("ul", {}, ...c.reasons.map((r) => h("li", { "data-code": r.code }, r.message))))
                : h("p", { class: "ok", id: "sync-result" }, "Invite created."),
            );
            await refresh();
          } catch (err) {
            fail(err);
          }
        },
      },
      dir.length > 0 ? h("label", {}, "Tenant", where) : null,
      h("label", {}, "Host", host),
      h("label", {}, "Visitor name", name),
      h("label", {}, "Email", email),
      h("label", {}, "Company", company),
      h("label", {}, "From", from),
      h("label", {}, "To", to),
      h("button", { type: "submit", id: "create-invite" }, "Create invite"),
    ),
    result,
  );
  (dir.length > 0 ? where : host).focus();
}

async function exportCsv() {
  try {
    const r = await backend.exportCsv(origin);
    toast(`Exported ${r.rows} visit${r.rows === 1 ? "" : "s"} to ${r.path}`);
    document.body.dataset.lastExport = r.path;
  } catch (e) {
    fail(e);
  }
}

async function showConflicts() {
  try {
    const cs = await backend.conflicts();
    panel(
      "conflicts-panel",
      "Changes the portal did not apply",
      cs.length === 0
        ? h("p", { class: "hint" }, "None: every change from this desk was applied.")
        : h("ul", { class: "conflicts" }, ...cs.map((c) => h("li", { "data-code": c.code, "data-invite": c.invite_id }, h("strong", {}, `${c.visitor}: ${c.action.replace(/_/g, " ")} at ${time(c.at)}`), h("p", {}, c.message)))),
    );
  } catch (e) {
    fail(e);
  }
}

async function showDevices() {
  try {
    const d = await backend.devices();
    const printer = h("input", { id: "printer-uri", value: d.printer ?? "", placeholder: "ipp://printer.local:631/ipp/print" });
    const encoder = h("input", { id: "encoder-reader", value: d.encoder ?? "", placeholder: "Reader name (blank: the first one)" });
    panel(
      "devices-panel",
      "Devices",
      h(
        "form",
        {
          onsubmit: (e: Event) => {
            e.preventDefault();
            void act(() => backend.setDevices({ printer: printer.value || null, encoder: encoder.value || null }), "Devices saved.");
          },
        },
        h("label", {}, "Badge printer (IPP address; a second one after a comma is the fallback)", printer),
        h("label", {}, "Card encoder (PC/SC reader)", encoder),
        h("button", { type: "submit", id: "save-devices" }, "Save"),
      ),
    );
  } catch (e) {
    fail(e);
  }
}

async function showSettings() {
  try {
    const s = await backend.locationSettings();
    const sync = h("input", { id: "sync-building-invitations", type: "checkbox", checked: s.sync_building_invitations });
    const cards = h("input", { id: "card-sync", type: "checkbox", checked: s.card_sync_enabled });
    panel(
      "settings-panel",
      "Location Settings",
      h(
        "form",
        {
          class: "card",
          onsubmit: (e: Event) => {
            e.preventDefault();
            void act(() => backend.saveLocationSettings({ ...s, sync_building_invitations: sync.checked, card_sync_enabled: cards.checked }), "Location Settings saved.");
          },
        },
        h("h3", {}, "Sync Building Invitations"),
        h("p", { class: "hint" }, "When on, visitors the building invites for this location appear here as linked invites, kept in step with the building's."),
        h("label", { class: "toggle" }, sync, " Sync Building Invitations"),
        h("label", { class: "toggle" }, cards, " Sync access cards with the building"),
        h("button", { type: "submit", id: "save-settings" }, "Save"),
      ),
    );
  } catch (e) {
    fail(e);
  }
}

// ---------------------------------------------------------------------------------------------
// Keyboard: shortcuts, and the barcode scanner (a keyboard wedge types the code fast and ends
// with Enter).

let burst = "";
let lastKey = 0;

async function scanned(code: string) {
  try {
    const r = await backend.scan(code);
    query = "";
    search.value = "";
    selected = r.id;
    drawDetail(r);
    await refresh();
  } catch (e) {
    fail(e);
  }
}

document.addEventListener("keydown", (e) => {
  if (!session) return;
  const now = performance.now();
  if (e.key === "Enter") {
    const code = burst;
    if (e.defaultPrevented) {
      burst = "";
      return;
    }
    const fast = now - lastKey < 80;
    burst = "";
    if (code.length >= 8 && fast) {
      e.preventDefault();
      if (document.activeElement === search) {
        search.value = query;
      }
      void scanned(code);
      return;
    }
  } else if (e.key.length === 1 && !e.altKey && !e.ctrlKey && !e.metaKey) {
    burst = now - lastKey < 80 ? burst + e.key : e.key;
    lastKey = now;
  }
  const typing = document.activeElement instanceof HTMLInputElement || document.activeElement instanceof HTMLSelectElement;
  if (e.key === "/" && !typing) {
    e.preventDefault();
    search.focus();
  } else if (e.key === "Escape") {
    // Esc on the "Card sync blocked" prompt is its Cancel: the prompt's promise must settle, or
    // the card action waits for ever.
    const cancel = document.getElementById("card-blocked-cancel") as HTMLButtonElement | null;
    if (cancel) {
      cancel.click();
      return;
    }
    selected = null;
    detail.replaceChildren(h("p", { class: "hint" }, "Pick a visitor, type a name, or scan a badge."));
  } else if (e.altKey && !e.ctrlKey) {
    const click = (id: string) => (document.getElementById(id) as HTMLButtonElement | null)?.click();
    const k = e.key.toLowerCase();
    if (k === "a") click("arrive");
    else if (k === "o") click("check-out");
    else if (k === "p") click("print-badge");
    else if (k === "n") void newInvite();
    else return;
    e.preventDefault();
  }
});

// A scan typed into the search box shows up there as text first; take it back out.
search.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && /^[0-9a-f-]{16,}$/i.test(search.value.trim())) {
    e.preventDefault();
    const code = search.value.trim();
    search.value = "";
    query = "";
    void scanned(code);
  }
});

void start();
