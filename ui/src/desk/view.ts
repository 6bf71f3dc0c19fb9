// What every screen draws with: the page's fixed parts, toasts, labels and time formats.

import { h } from "../flow/dom";
import { state } from "./state";
import { fromInputIn, localInputIn } from "./zone";

export const root = document.getElementById("app") as HTMLElement;

// The console's parts live as long as the page, so a redraw keeps the search box's focus.
export const status = h("div", { id: "status", class: "status" });
export const summary = h("div", { id: "summary", class: "summary" });
export const list = h("ul", { id: "invites", class: "invites" });
export const detail = h("section", { id: "detail", class: "detail" });
export const search = h("input", {
  id: "search",
  type: "search",
  placeholder: "Search name, company, host, email — or scan a badge",
  autocomplete: "off",
});

export function show(...children: (Node | string | null | false)[]) {
  root.replaceChildren(...children.filter((c): c is Node | string => !!c));
}

export function toast(text: string, kind: "ok" | "error" = "ok") {
  const t = h("div", { class: `toast ${kind}`, role: kind === "error" ? "alert" : "status", id: "toast" }, text);
  document.getElementById("toast")?.remove();
  document.body.append(t);
  window.setTimeout(() => t.remove(), kind === "error" ? 8000 : 4000);
}

export function fail(e: unknown) {
  toast(e instanceof Error ? e.message : String(e), "error");
}

export const STATUS_LABEL: Record<string, string> = {
  invited: "Expected",
  checked_in: "Checked in",
  arrived: "On site",
  checked_out: "Checked out",
  cancelled: "Cancelled",
  expired: "Expired",
};

// Every time the console shows, and every time typed into it, is the building's: a desk whose
// computer runs on another zone (a laptop from head office, a browser abroad) still reads
// 09:00 for a 09:00 visit.
function zone(): string | undefined {
  return state.session?.timezone ?? undefined;
}

export function time(t: string | null): string {
  if (!t) return "";
  return new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", timeZone: zone() });
}

export function date(t: string): string {
  return new Date(t).toLocaleDateString([], { timeZone: zone() });
}

export function dateTime(t: string): string {
  return new Date(t).toLocaleString([], { timeZone: zone() });
}

/** An instant as a `datetime-local` value, in the building's zone. */
export function localInput(t: string): string {
  return localInputIn(zone(), t);
}

/** A `datetime-local` value read in the building's zone, as an instant (ISO, UTC). */
export function fromInput(value: string): string {
  return fromInputIn(zone(), value);
}

export function panel(id: string, title: string, ...body: (Node | null)[]) {
  // A panel replaces the visitor's details until a visitor is picked again.
  state.selected = null;
  list.querySelectorAll(".row.selected").forEach((el) => el.classList.remove("selected"));
  detail.replaceChildren(h("section", { id, class: "panel" }, h("h2", {}, title), ...body.filter((b): b is Node => !!b)));
}
