// A visitor with an invitation (its QR code scanned, or its short code typed), a visitor leaving
// (their badge scanned), and what every arrival ends with: the badge, the card, the host told,
// or a problem in plain words — also sent to the receptionist's console.

import { h } from "../flow/dom";
import { t } from "../i18n";
import { Failure } from "../desk/backend";
import { backend } from "../desk/state";
import type { CachedInvite, KioskProblem } from "../generated/desk-types";
import { kioskBackend } from "./backend";
import { bigButton, flowScreen, forget, kiosk, onLanguage, screen, welcome } from "./kiosk";

/** The letters a short code can have: what a visitor types is read the way the portal reads it. */
const CODE_KEYS = "ACDEFGHJKMNPQRTUVWXY34679";

export function codeScreen(typed = "") {
  const input = h("input", { id: "kiosk-code", class: "kiosk-code", autocomplete: "off", autocapitalize: "characters", spellcheck: "false", maxlength: 12, value: typed, dir: "ltr" });
  const error = h("p", { id: "kiosk-code-error", class: "kiosk-error", role: "alert" });
  onLanguage(() => codeScreen(input.value));
  const key = (c: string) => h("button", { type: "button", class: "kiosk-key", onclick: () => { input.value = (input.value + c).slice(0, 12); } }, c);
  screen(
    "code",
    h("h1", { tabindex: -1 }, t("kiosk.code.title")),
    h("p", { class: "kiosk-lead" }, t("kiosk.code.lead")),
    h(
      "form",
      {
        id: "kiosk-code-form",
        onsubmit: (e: Event) => {
          e.preventDefault();
          kiosk.tapAt = performance.now();
          void scanned(input.value.trim(), error);
        },
      },
      h("label", {}, h("span", {}, t("kiosk.code.label")), input),
      h("div", { class: "kiosk-keypad kiosk-letters", dir: "ltr" }, ...CODE_KEYS.split("").map(key), h("button", { type: "button", class: "kiosk-key", "aria-label": t("kiosk.code.clear"), onclick: () => (input.value = input.value.slice(0, -1)) }, "⌫")),
      error,
      h("div", { class: "kiosk-actions" }, backButton(), h("button", { type: "submit", id: "kiosk-code-find" }, t("kiosk.code.find"))),
    ),
  );
}

export function leavingScreen() {
  onLanguage(leavingScreen);
  screen("leaving", h("h1", { tabindex: -1 }, t("kiosk.leaving.title")), h("p", { class: "kiosk-lead" }, t("kiosk.leaving.lead")), h("div", { class: "kiosk-actions" }, backButton()));
}

export function backButton() {
  return h("button", { type: "button", id: "kiosk-back", class: "secondary", onclick: () => forget() }, t("kiosk.start_over"));
}

/** A scanned QR code or badge, or a typed code: arrival for a visit to come, check-out for one on site. */
export async function scanned(code: string, error?: HTMLElement) {
  const visit = kiosk.visit;
  const leaving = kiosk.screen === "leaving";
  let found: CachedInvite;
  try {
    found = await backend.scan(code);
  } catch (e) {
    if (visit !== kiosk.visit) return;
    const msg = e instanceof Failure && e.code === "not_found" ? t("kiosk.code.not_found") : (e as Error).message;
    if (error) error.textContent = msg;
    else problem(msg);
    return;
  }
  if (visit !== kiosk.visit) return;
  if (found.status === "arrived") return void checkOut(found);
  if (leaving) return problem(t("kiosk.leaving.not_on_site"));
  if (found.status !== "invited" && found.status !== "checked_in") return problem(t("kiosk.code.over"));
  await preRegistered(found);
}

async function checkOut(found: CachedInvite) {
  try {
    await backend.checkOut(found.id);
  } catch (e) {
    return problem((e as Error).message);
  }
  onLanguage(() => goodbye(found.name));
  goodbye(found.name);
}

function goodbye(name: string) {
  screen("goodbye", h("h1", { tabindex: -1 }, t("kiosk.goodbye.title", { name })), h("p", { class: "kiosk-lead" }, t("kiosk.goodbye.lead")), doneButton());
  autoReturn();
}

/** Ask only what the visitor still owes (a photo skipped on the phone, an agreement changed since), then arrive. */
async function preRegistered(found: CachedInvite) {
  const visit = kiosk.visit;
  let needs = null;
  try {
    needs = await kioskBackend.arrivalNeeds(found.id);
  } catch (e) {
    // Offline the cache cannot know; the arrival still counts, and the desk asks later.
    if (!(e instanceof Failure && e.code === "offline")) return problem((e as Error).message);
  }
  if (visit !== kiosk.visit) return;
  if (needs && (needs.photo || needs.ndas.length || needs.questions.length)) {
    flowScreen(
      "needs",
      {
        invite_id: found.id,
        visitor: { name: found.name, email: null, mobile: null },
        host_name: found.host,
        building_name: kiosk.session?.place_name ?? "",
        location_name: found.company ?? "",
        timezone: kiosk.session?.timezone ?? "UTC",
        questions: needs.questions,
        photo_required: needs.photo,
        ndas: needs.ndas,
      },
      async (s) => {
        await kioskBackend.giveArrivalNeeds(found.id, { answers: s.answers, photo: s.photo, accepted_ndas: s.accepted_ndas, signature: s.signature });
        return { invite_id: found.id, status: "checked_in", checked_in_at: new Date().toISOString() };
      },
      { skipDetails: true, onDone: () => void arriveAndFinish(found, visit) },
    );
    return;
  }
  await arriveAndFinish(found, visit);
}

async function arriveAndFinish(found: CachedInvite, visit: number) {
  kiosk.tapAt ||= performance.now();
  try {
    await backend.arrive(found.id);
  } catch (e) {
    return problem((e as Error).message);
  }
  if (visit !== kiosk.visit) return;
  const online = (await backend.state().catch(() => null))?.online ?? false;
  await finish({ id: found.id, name: found.name, host: found.host, online, visit });
}

export interface Arrived {
  /** The visit's invite at this desk (the building's), or null for a walk-in still queued. */
  id: string | null;
  name: string;
  host: string;
  online: boolean;
  visit: number;
}

type StepState = "todo" | "doing" | "done" | "problem";

/** After the arrival: the badge, the card, then "welcome" — or what went wrong, for the visitor and for reception. */
export async function finish(a: Arrived) {
  const steps = new Map<string, HTMLElement>();
  const step = (key: string, label: string) => {
    const li = h("li", { "data-step": key, "data-state": "todo" }, label);
    steps.set(key, li);
    return li;
  };
  const mark = (key: string, s: StepState) => steps.get(key)?.setAttribute("data-state", s);
  const cardWanted = a.id !== null && a.online && kiosk.config?.card_facility != null;
  const hint = h("p", { id: "kiosk-card-hint", class: "kiosk-lead", hidden: true }, t("kiosk.card.place"));
  onLanguage(() => undefined);
  screen(
    "working",
    h("h1", { tabindex: -1 }, t("kiosk.working.title")),
    h("ol", { id: "kiosk-progress", class: "kiosk-progress", "aria-live": "polite" }, step("arrival", t("kiosk.step.arrival")), step("badge", t("kiosk.step.badge")), cardWanted && step("card", t("kiosk.step.card")), step("host", t("kiosk.step.host"))),
    hint,
  );
  mark("arrival", "done");
  // Kept as keys, so a change of language redraws them in the new one.
  const problems: string[] = [];
  let badge = false;
  let card = false;
  // The visitor reads their language; reception reads the desk's sentence on the visit.
  const report = (key: string, problem: KioskProblem, detail: string) => {
    problems.push(key);
    if (a.id) void kioskBackend.deskAlert(a.id, problem, detail).catch(() => undefined);
  };
  // The badge.
  mark("badge", "doing");
  if (!a.id || !a.online) {
    mark("badge", "problem");
    problems.push("kiosk.problem.badge_offline");
  } else {
    try {
      const called = performance.now();
      const printed = await backend.printBadge(a.id);
      // From the last tap to the call, then the desk's own time to the printer taking the job.
      kiosk.timings.push({ screen: "badge-accepted", ms: called - kiosk.lastTap + printed.accepted_ms });
      badge = true;
      mark("badge", "done");
    } catch (e) {
      mark("badge", "problem");
      const f = e as Failure;
      if (f.code === "no_printer") report("kiosk.problem.no_printer", "no_printer", f.message);
      else if (f.code === "offline") problems.push("kiosk.problem.badge_offline");
      else report("kiosk.problem.badge", "badge", f.message);
    }
  }
  if (a.visit !== kiosk.visit) return;
  // The card.
  if (cardWanted && a.id) {
    mark("card", "doing");
    hint.hidden = false;
    try {
      const number = 1 + Math.floor(Math.random() * 65534);
      const encoded = await backend.encodeCard(kiosk.config?.card_facility ?? 0, number);
      await backend.assignCard(a.id, { number: encoded.number, format: encoded.format, local_only: false });
      card = true;
      mark("card", "done");
    } catch (e) {
      mark("card", "problem");
      const f = e as Failure;
      if (f.code === "card_sync_blocked") report("kiosk.problem.card_sync", "card_sync", f.message);
      else report("kiosk.problem.card", "card", f.message);
    }
    hint.hidden = true;
  }
  if (a.visit !== kiosk.visit) return;
  mark("host", a.online ? "done" : "todo");
  const draw = () => done(a, badge, card, problems);
  onLanguage(draw);
  draw();
}

function done(a: Arrived, badge: boolean, card: boolean, problems: string[]) {
  const host = a.host || "—";
  screen(
    "done",
    h("h1", { tabindex: -1, id: "kiosk-done-title" }, t("kiosk.done.title", { name: a.name })),
    h("p", { id: "kiosk-done-host", class: "kiosk-lead", "data-told": String(a.online) }, a.online ? t("kiosk.done.host_told", { host }) : t("kiosk.done.host_later", { host })),
    badge && h("p", { id: "kiosk-done-badge" }, t("kiosk.done.badge")),
    card && h("p", { id: "kiosk-done-card" }, t("kiosk.done.card")),
    problems.length > 0 &&
      h("section", { id: "kiosk-problem", class: "kiosk-problem", role: "alert" }, h("h2", {}, t("kiosk.problem.title")), ...problems.map((key) => h("p", {}, t(key)))),
    doneButton(),
  );
  autoReturn();
}

/** Something the visitor cannot fix: say so, and that reception can. */
export function problem(text: string) {
  const draw = () =>
    screen("problem", h("h1", { tabindex: -1 }, t("kiosk.problem.title")), h("p", { id: "kiosk-problem-text", class: "kiosk-lead", role: "alert" }, text), h("div", { class: "kiosk-actions" }, backButton()));
  onLanguage(draw);
  draw();
}

function doneButton() {
  return h("div", { class: "kiosk-actions" }, bigButton("kiosk-finish", t("kiosk.done.finish"), null, () => forget()));
}

/** The last screen goes back to the welcome by itself, so the next visitor starts fresh. */
function autoReturn() {
  const visit = kiosk.visit;
  window.setTimeout(() => {
    if (visit === kiosk.visit && ["done", "goodbye"].includes(kiosk.screen)) forget();
  }, 15_000);
}

export { welcome };
