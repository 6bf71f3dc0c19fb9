// A visit's details and what can be done to it: arrival, check-out, badge, resend, cancel,
// validity, the visitor's details, a card (typed or encoded, with the "Card sync blocked"
// prompt) and the activity log.

import { h } from "../../flow/dom";
import type { InviteView, VisitorUpdateScope } from "../../generated/api-types";
import type { CachedInvite } from "../../generated/desk-types";
import { Failure } from "../backend";
import { backend, state } from "../state";
import { date, dateTime, detail, fail, fromInput, localInput, STATUS_LABEL, time, toast } from "../view";
import { act, refresh } from "./console";

const CARD_BLOCKED = "card_sync_blocked";

export function drawDetail(r: CachedInvite) {
  state.shownDetail = JSON.stringify([r.data, r.pending]);
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
    // A problem the lobby kiosk could not solve for the visitor (no badge, no card).
    v.attention ?
      h(
        "div",
        { id: "detail-attention", class: "attention", role: "alert" },
        h("p", {}, v.attention),
        h("button", { id: "clear-attention", class: "link", onclick: () => act(() => backend.clearAttention(id), "Marked as dealt with.") }, "Dealt with"),
      ) : "",
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Status"),
      h("dd", { id: "detail-status", "data-status": v.status }, STATUS_LABEL[v.status] ?? v.status, r.pending > 0 ? " (waiting to sync)" : ""),
      h("dt", {}, "Company"),
      h("dd", {}, v.visitor.company ?? "—"),
      h("dt", {}, "Host"),
      h("dd", { id: "detail-host" }, v.host_name),
      v.host_notice && h("dt", {}, "Host told"),
      v.host_notice && hostNotice(v),
      h("dt", {}, "Visit"),
      h("dd", { id: "detail-visit" }, `${date(v.valid_from)} ${time(v.valid_from)}–${time(v.valid_to)}`),
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
      backend.desktop && h("button", { id: "print-badge", title: "Alt+P", disabled: !open, onclick: () => act(() => backend.printBadge(id), (m) => m.message) }, "Print badge"),
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
                void act(() => backend.changeValidity(id, fromInput(validityFrom.value), fromInput(validityTo.value)), v.linked_invite_id ? "Validity changed on both portals." : "Validity changed.");
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
        activity.replaceChildren(...events.map((ev) => h("li", {}, h("time", {}, `${dateTime(ev.at)} `), `${ev.action.replace(/_/g, " ")} — ${ev.actor_email ?? "system"} (${ev.portal.kind} portal)`)));
      } catch (err) {
        activity.replaceChildren(h("li", { class: "muted" }, (err as Error).message));
      }
    } }, h("summary", {}, "Activity"), activity),
  );
  for (const id of wasOpen) (document.getElementById(id) as HTMLDetailsElement | null)?.setAttribute("open", "");
}

/** The "Card sync blocked" prompt with its Save/Cancel choices. */
export function prompt2(text: string): Promise<boolean> {
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

/** Whether the host knows their visitor is here, and whether they answered. */
function hostNotice(v: InviteView): HTMLElement {
  const n = v.host_notice;
  if (!n) return h("dd", {});
  if (n.on_my_way_at) {
    return h("dd", { id: "host-notice", "data-state": "on_my_way", class: "ok" }, `On my way — ${n.on_my_way_by ?? "the host"} (${time(n.on_my_way_at)})`);
  }
  if (n.notified_at) return h("dd", { id: "host-notice", "data-state": "notified" }, `Host notified at ${time(n.notified_at)}`);
  if (n.problem) return h("dd", { id: "host-notice", "data-state": "problem", class: "warn" }, `Could not tell the host: ${n.problem} Call them.`);
  return h("dd", { id: "host-notice", "data-state": "sending" }, "Telling the host…");
}
