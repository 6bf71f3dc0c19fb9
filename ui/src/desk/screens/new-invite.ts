// A new invite; on a building desk, for one of the building's tenants, saying whether Reverse
// Building Sync made the tenant's linked copy and why not.

import { h } from "../../flow/dom";
import type { DirectoryEntry, HostHit } from "../../generated/api-types";
import { backend, state } from "../state";
import { fail, fromInput, localInput, panel } from "../view";
import { refresh } from "./console";

export async function newInvite() {
  if (!state.session) return;
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
  // The host: typed, or picked from the directory (then they are told when the visitor arrives).
  const host = h("input", { id: "new-host", required: true, autocomplete: "off", "aria-controls": "host-hits" });
  const hits = h("ul", { id: "host-hits", class: "host-hits", "aria-label": "Hosts in the directory" });
  const chosen = h("p", { id: "host-chosen", class: "hint", "aria-live": "polite" });
  let hostId: string | null = null;
  let asked = 0;
  host.addEventListener("input", () => {
    hostId = null;
    chosen.textContent = "";
    const q = host.value.trim();
    const mine = ++asked;
    if (q.length < 2) {
      hits.replaceChildren();
      return;
    }
    window.setTimeout(async () => {
      if (mine !== asked) return;
      let found: HostHit[] = [];
      try {
        found = await backend.hosts(q);
      } catch (e) {
        // Offline, or no directory: the typed name is the host, and nobody is told.
        if (mine === asked) chosen.textContent = `The directory cannot be searched now (${e instanceof Error ? e.message : String(e)}): the host is the name typed, and will not be told.`;
      }
      if (mine !== asked) return;
      hits.replaceChildren(
        ...found.map((f) =>
          h(
            "li",
            {},
            h(
              "button",
              {
                type: "button",
                class: "host-hit",
                "data-id": f.id,
                onclick: () => {
                  hostId = f.id;
                  host.value = f.name;
                  if (f.location_id && [...where.options].some((o) => o.value === f.location_id)) where.value = f.location_id;
                  hits.replaceChildren();
                  chosen.textContent = `${f.name}${f.organisation ? ` (${f.organisation})` : ""} · ${f.masked_contact} — told when the visitor arrives.`;
                  name.focus();
                },
              },
              h("span", { class: "name" }, f.name),
              h("span", { class: "meta" }, [f.organisation, f.locations.join(", "), f.masked_contact].filter(Boolean).join(" · ")),
            ),
          ),
        ),
      );
    }, 150);
  });
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
              location_id: state.session?.portal_kind === "building" ? where.value : null,
              host_name: host.value,
              host_id: hostId,
              visitor: { name: name.value, email: email.value || null, mobile: null, company: company.value || null },
              visitor_type_id: null,
              valid_from: fromInput(from.value),
              valid_to: fromInput(to.value),
              notify: true,
            });
            result.replaceChildren(
              state.session?.portal_kind === "building"
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
      hits,
      chosen,
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
