// The console: the title bar, the status bar (polled), today's list or the search results with
// the Invite Origin filter, the Visitor Summary, the tools, and the export.

import { h } from "../../flow/dom";
import type { Origin } from "../../generated/api-types";
import type { DeskState, InviteRow, Session } from "../../generated/desk-types";
import { backend, state } from "../state";
import { detail, fail, list, search, show, status, STATUS_LABEL, summary, toast } from "../view";
import { showConflicts } from "./conflicts";
import { drawDetail } from "./detail";
import { showDevices } from "./devices";
import { showHosts } from "./hosts";
import { newInvite } from "./new-invite";
import { showSettings } from "./settings";
import { signInScreen } from "./sign-in";

export function openConsole(s: Session) {
  state.session = s;
  state.shownStatus = "";
  state.selected = null;
  state.revision = "";
  const originSelect = h(
    "select",
    {
      id: "origin",
      "aria-label": "Invite Origin",
      onchange: () => {
        state.origin = (originSelect.value || null) as Origin | null;
        void refresh();
      },
    },
    h("option", { value: "" }, "All invites"),
    h("option", { value: "building" }, "Building Created"),
    h("option", { value: "tenant" }, "Tenant Created"),
  );
  originSelect.value = state.origin ?? "";
  search.value = state.query;
  search.oninput = () => {
    state.query = search.value;
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
    s.role !== "front_desk" && h("button", { id: "show-hosts", onclick: () => void showHosts() }, "Hosts"),
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

export async function signOut() {
  try {
    await backend.signOut();
  } finally {
    state.session = null;
    signInScreen(await backend.startInfo());
  }
}

export function stopPolling() {
  if (state.poller !== undefined) window.clearInterval(state.poller);
  state.poller = undefined;
}

export function startPolling() {
  stopPolling();
  void poll();
  state.poller = window.setInterval(() => void poll(), 400);
}

export async function poll() {
  let st: DeskState;
  try {
    st = await backend.state();
  } catch {
    return;
  }
  drawStatus(st);
  if (st.revision !== state.revision) {
    state.revision = st.revision;
    await refresh();
  }
}

export function drawStatus(st: DeskState) {
  // Polled often: touch the page (and make it lay out again) only when something changed.
  const key = JSON.stringify(st);
  if (key === state.shownStatus) return;
  state.shownStatus = key;
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

export async function refresh() {
  if (!state.session) return;
  try {
    const rows = state.query.trim() ? await backend.search(state.query) : await backend.today(state.origin);
    const shown = state.query.trim() && state.origin ? rows.filter((r) => r.origin === state.origin) : rows;
    drawList(shown);
    if (state.selected) {
      const still = await backend.invite(state.selected).catch(() => null);
      // Redraw only what changed, so a form being filled in is not wiped by a sync.
      if (still && JSON.stringify([still.data, still.pending]) !== state.shownDetail) drawDetail(still);
    }
  } catch (e) {
    fail(e);
  }
  backend
    .summary(state.origin)
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

export function drawList(rows: InviteRow[]) {
  list.replaceChildren(
    ...(rows.length === 0
      ? [h("li", { class: "empty" }, state.query ? "No visitor matches." : "No visitors today.")]
      : rows.map((r) =>
          h(
            "li",
            {
              class: `row ${r.id === state.selected ? "selected" : ""}`,
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

export async function select(id: string) {
  state.selected = id;
  try {
    drawDetail(await backend.invite(id));
    list.querySelectorAll(".row").forEach((el) => el.classList.toggle("selected", (el as HTMLElement).dataset.id === id));
  } catch (e) {
    fail(e);
  }
}

/** Run an action on the visit; say what happened (or why not) and redraw. */
export async function act<T>(f: () => Promise<T>, done: string | ((result: T) => string)) {
  try {
    const result = await f();
    toast(typeof done === "string" ? done : done(result));
    await refresh();
  } catch (e) {
    fail(e);
  }
}

export async function exportCsv() {
  try {
    const r = await backend.exportCsv(state.origin);
    toast(`Exported ${r.rows} visit${r.rows === 1 ? "" : "s"} to ${r.path}`);
    document.body.dataset.lastExport = r.path;
  } catch (e) {
    fail(e);
  }
}
