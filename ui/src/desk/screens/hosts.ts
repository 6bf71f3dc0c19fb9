// The host directory, for the admins who keep it: a tenant's people (on a location's desk) or
// the building's staff (on a building desk). Find, add, switch off, and import a CSV with a
// dry run first. The portal decides who may change it; a desk user is told so.

import { h } from "../../flow/dom";
import type { Host, ImportReport } from "../../generated/api-types";
import { backend } from "../state";
import { fail, panel, toast } from "../view";

const CSV_HEADER = "name,email,mobile,locations,delegate_email,lobby_searchable,active,channels";

export async function showHosts() {
  const q = h("input", { id: "hosts-search", type: "search", placeholder: "Find by name or email", autocomplete: "off" });
  const list = h("ul", { id: "hosts-list", class: "hosts-list" });
  const total = h("p", { id: "hosts-total", class: "hint" });
  const draw = async () => {
    try {
      const page = await backend.directoryHosts(q.value.trim());
      total.textContent = `${page.total} ${page.total === 1 ? "person" : "people"}`;
      list.replaceChildren(...page.hosts.map(row));
    } catch (e) {
      fail(e);
    }
  };
  const row = (x: Host) =>
    h(
      "li",
      { class: `host-row${x.active ? "" : " inactive"}`, "data-email": x.email },
      h("span", { class: "name" }, x.name),
      h("span", { class: "meta" }, [x.email, x.mobile, x.lobby_searchable ? "found by the lobby" : "", x.active ? "" : "inactive"].filter(Boolean).join(" · ")),
      h(
        "button",
        {
          type: "button",
          class: "link toggle-active",
          onclick: async () => {
            try {
              await backend.saveHost(x.id, { ...x, active: !x.active, prefs: x.prefs });
              toast(x.active ? `${x.name} can no longer be picked or told.` : `${x.name} is active again.`);
              await draw();
            } catch (e) {
              fail(e);
            }
          },
        },
        x.active ? "Deactivate" : "Activate",
      ),
    );
  q.addEventListener("input", () => void draw());

  // Add one person.
  const name = h("input", { id: "host-name", required: true });
  const email = h("input", { id: "host-email", type: "email", required: true });
  const mobile = h("input", { id: "host-mobile", type: "tel" });
  const lobby = h("input", { id: "host-lobby", type: "checkbox" });
  const bySms = h("input", { id: "host-sms", type: "checkbox" });
  const add = h(
    "form",
    {
      id: "add-host",
      class: "card",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          const made = await backend.saveHost(null, {
            name: name.value, email: email.value, mobile: mobile.value || null, location_ids: [], delegate_id: null,
            lobby_searchable: lobby.checked, active: true,
            prefs: { channels: bySms.checked ? ["email", "sms"] : ["email"], slack_webhook_url: null, teams_webhook_url: null, notify_check_out: false, notify_cancelled: false, waiting_minutes: null },
            user_name: null, external_id: null,
          });
          toast(`${made.name} added.`);
          add.reset();
          await draw();
        } catch (err) {
          fail(err);
        }
      },
    },
    h("h3", {}, "Add a person"),
    h("label", {}, "Name", name),
    h("label", {}, "Email", email),
    h("label", {}, "Mobile", mobile),
    h("label", { class: "toggle" }, lobby, " The lobby may find them"),
    h("label", { class: "toggle" }, bySms, " Also tell them by SMS"),
    h("button", { type: "submit", id: "save-host" }, "Add"),
  );

  // Import a CSV: checked first, applied only when every line is right.
  const csv = h("textarea", { id: "hosts-csv", rows: 6, spellcheck: false, placeholder: CSV_HEADER });
  const report = h("div", { id: "import-report", "aria-live": "polite" });
  const run = async (dryRun: boolean) => {
    try {
      const r = await backend.importHosts(csv.value, dryRun);
      report.replaceChildren(describe(r));
      if (r.applied) await draw();
    } catch (e) {
      report.replaceChildren();
      fail(e);
    }
  };
  const importer = h(
    "div",
    { class: "card" },
    h("h3", {}, "Import from CSV"),
    h("p", { class: "hint" }, `Header: ${CSV_HEADER}. Name and email are required. Nothing is changed unless every line is right.`),
    csv,
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", id: "import-check", onclick: () => void run(true) }, "Check"),
      h("button", { type: "button", id: "import-apply", onclick: () => void run(false) }, "Import"),
    ),
    report,
  );
  panel("hosts-panel", "Hosts", q, total, list, add, importer);
  await draw();
  q.focus();
}

function describe(r: ImportReport): HTMLElement {
  const summary = r.errors > 0
    ? `${r.errors} ${r.errors === 1 ? "line needs" : "lines need"} fixing; nothing was changed.`
    : r.applied
      ? `Imported: ${r.create} added, ${r.update} updated, ${r.unchanged} unchanged.`
      : `Ready: ${r.create} to add, ${r.update} to update, ${r.unchanged} unchanged. Press Import to apply.`;
  return h(
    "div",
    { class: r.errors > 0 ? "warn" : "ok", "data-applied": String(r.applied), "data-errors": String(r.errors) },
    h("p", { id: "import-summary" }, summary),
    h(
      "ul",
      {},
      ...r.lines
        .filter((l) => l.action === "error")
        .map((l) => h("li", { "data-line": String(l.line) }, `Line ${l.line}${l.email ? ` (${l.email})` : ""}: ${l.message ?? ""}`)),
    ),
  );
}
